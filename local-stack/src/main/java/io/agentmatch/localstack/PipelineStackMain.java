package io.agentmatch.localstack;

import io.agentmatch.contract.config.Env;
import io.agentmatch.contract.config.PipelineConfig;
import io.agentmatch.localstack.ComponentSpec.Kind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The command line behind {@code ./pipeline}: {@code up}, {@code down}, {@code status},
 * {@code start|stop|kill <component>}, {@code env} (the stack's environment as shell exports),
 * {@code replay [migrator args]} ({@link StackReplay}). Home: {@code PIPELINE_HOME}
 * (default {@code <repo>/.pipeline}).
 */
public final class PipelineStackMain {
    private PipelineStackMain() {
    }

    public static void main(String[] args) {
        int code;
        try {
            code = run(args);
        } catch (IllegalStateException | IllegalArgumentException | java.io.UncheckedIOException e) {
            System.err.println("error: " + e.getMessage());
            code = 1;
        }
        System.exit(code);
    }

    static int run(String[] args) {
        if (args.length == 0) {
            System.err.println("usage: PipelineStackMain up|down|status|start <c>|stop <c>|kill <c>|env|replay [args]");
            return 2;
        }
        Path repo = PipelineStack.findRepoRoot();
        String homeVar = StackSettings.PIPELINE_HOME.read(Env.system());
        Path home = homeVar == null ? repo.resolve(".pipeline") : Path.of(homeVar);
        PipelineStack stack = new PipelineStack(repo, home);
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        return switch (args[0]) {
            case "up" -> up(stack);
            case "down" -> {
                List<String> stopped = stack.down();
                System.out.println(stopped.isEmpty() ? "nothing was running in " + stack.home()
                        : "stopped " + String.join(", ", stopped) + " (" + stack.home() + ")");
                yield 0;
            }
            case "status" -> {
                System.out.println("stack home " + stack.home());
                stack.status().forEach(System.out::println);
                yield 0;
            }
            case "start" -> {
                for (String name : names(rest)) {
                    long started = System.nanoTime();
                    stack.startAndAwait(name, Kind.ofName(name) == Kind.KAFKA || Kind.ofName(name) == Kind.DYNALITE
                            ? PipelineStack.INFRA_TIMEOUT : PipelineStack.APP_TIMEOUT);
                    System.out.printf("%s ready, pid %d, port %d (%.1f s)%n", name, stack.pid(name).orElse(-1),
                            stack.state().components().get(name).port(), (System.nanoTime() - started) / 1e9);
                }
                yield 0;
            }
            case "stop" -> {
                for (String name : names(rest)) {
                    System.out.println(stack.stop(name) ? "stopped " + name : name + " was not running");
                }
                yield 0;
            }
            case "kill" -> {
                for (String name : names(rest)) {
                    System.out.println(stack.kill(name) ? "killed " + name + " (SIGKILL)" : name + " was not running");
                }
                yield 0;
            }
            case "env" -> {
                stack.migratorEnv().forEach((k, v) -> System.out.println("export " + k + "=" + shellQuote(v)));
                yield 0;
            }
            case "replay" -> new StackReplay(stack, stack.config(), ProcessBuilder.Redirect.INHERIT).run(rest);
            default -> {
                System.err.println("unknown command " + args[0]);
                yield 2;
            }
        };
    }

    private static List<String> names(List<String> rest) {
        if (rest.isEmpty()) {
            throw new IllegalArgumentException("name a component: kafka, dynalite, processor, processor-<n>, api, api-<n>");
        }
        return rest;
    }

    private static int up(PipelineStack stack) {
        long started = System.nanoTime();
        StackState state = stack.recordedState();
        if (state == null || !stack.anyRunning()) {
            state = stack.configure(PipelineStack.systemEnvironment(), PipelineStack.PortPolicy.DEFAULTS);
        } else {
            System.out.println("stack already recorded in " + StackState.file(stack.home()) + ": (re)starting what is not running");
            KafkaSecurity wanted = StackSettings.LOCAL_KAFKA_SECURITY.read(Env.system());
            if (state.localKafka() && wanted != state.kafkaSecurity()) {
                System.out.println("note: this stack's broker runs " + state.kafkaSecurity().name().toLowerCase(java.util.Locale.ROOT)
                        + "; LOCAL_KAFKA_SECURITY applies after ./pipeline down");
            }
        }
        long infraStart = System.nanoTime();
        stack.startInfrastructure(PipelineStack.INFRA_TIMEOUT);
        System.out.printf("kafka + dynamodb ready (%.1f s)%n", (System.nanoTime() - infraStart) / 1e9);
        PipelineConfig config = stack.config();
        long provisionStart = System.nanoTime();
        stack.provisionAndGrant(config, Duration.ofSeconds(60));
        System.out.printf("topics and tables provisioned%s (%.1f s)%n", stack.state().secured() ? ", component ACLs granted" : "",
                (System.nanoTime() - provisionStart) / 1e9);

        List<String> failures = new ArrayList<>();
        List<String> apps = new ArrayList<>();
        // Recorded extra instances (processor-2, api-2, ...) come back too.
        for (String name : List.of(PipelineStack.PROCESSOR, PipelineStack.API)) {
            apps.add(name);
        }
        state.components().values().stream().filter(s -> !apps.contains(s.name()))
                .filter(s -> s.kind() == Kind.PROCESSOR || s.kind() == Kind.API).forEach(s -> apps.add(s.name()));
        List<String> starting = new ArrayList<>();
        for (String name : apps) {
            try {
                stack.start(name);
                starting.add(name);
            } catch (RuntimeException e) {
                failures.add(name + ": " + e.getMessage());
            }
        }
        for (String name : starting) {
            try {
                stack.awaitReady(name, PipelineStack.APP_TIMEOUT);
            } catch (RuntimeException e) {
                failures.add(name + " failed to start: " + e.getMessage());
            }
        }
        state = stack.state();
        System.out.println();
        System.out.println("stack home         " + stack.home());
        System.out.println("API                http://127.0.0.1:" + state.apiPort() + "/");
        System.out.println("processor health   http://127.0.0.1:" + state.processorHealthPort() + "/health");
        System.out.println("Kafka bootstrap    " + state.kafkaBootstrapServers() + (state.localKafka() ? "" : " (external)"));
        if (state.secured()) {
            System.out.println("Kafka security     SASL_SSL (" + SecureBroker.MECHANISM + ", ACLs); client files in "
                    + SecureBroker.clientsDir(stack.home()) + " (docs/SECURITY.md)");
        }
        System.out.println("DynamoDB endpoint  " + (state.dynamoDbEndpoint() == null ? "AWS " + state.awsRegion()
                : state.dynamoDbEndpoint() + (state.localDynamo() ? "" : " (external)")));
        System.out.println("logs               " + stack.home().resolve("logs") + " (./pipeline logs <component>)");
        stack.status().forEach(line -> System.out.println("  " + line));
        for (String failure : failures) {
            System.err.println("FAILED " + failure);
        }
        System.out.printf("%s in %.1f s%n", failures.isEmpty() ? "up" : "up with failures", (System.nanoTime() - started) / 1e9);
        return failures.isEmpty() ? 0 : 1;
    }

    static String shellQuote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }

    /** For callers that want the map rather than exports: what {@code ./pipeline migrate|verify|...} run with. */
    public static Map<String, String> environmentOf(PipelineStack stack) {
        return stack.migratorEnv();
    }
}
