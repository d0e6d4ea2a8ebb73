package io.agentmatch.localstack;

import io.agentmatch.contract.config.PipelineConfig;
import io.agentmatch.localstack.ComponentSpec.Kind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code ./pipeline replay}: the processors of this home rebuild the tables from the topics. Stop
 * every processor instance, run the migrator's {@code replay} (it resets the persister's group and
 * internal topics, see docs/REPLAY.md), delete the instances' local state (only under
 * {@code <home>/data}), start them again. A failed replay leaves the processors stopped and their
 * state in place, and says so: starting them on a half-reset group would hide the failure.
 */
public final class StackReplay {
    private final PipelineStack stack;
    private final PipelineConfig config;
    private final ProcessBuilder.Redirect migratorOutput;

    /** The replay of {@code config}'s namespace on {@code stack}; the migrator writes to {@code migratorOutput}. */
    public StackReplay(PipelineStack stack, PipelineConfig config, ProcessBuilder.Redirect migratorOutput) {
        this.stack = stack;
        this.config = config;
        this.migratorOutput = migratorOutput;
    }

    /** Returns the exit code of the command: the migrator's when it failed, else 0. */
    public int run(List<String> migratorArgs) {
        List<ComponentSpec> processors = stack.state().components().values().stream()
                .filter(spec -> spec.kind() == Kind.PROCESSOR).toList();
        for (ComponentSpec processor : processors) {
            if (stack.stop(processor.name())) {
                System.out.println("stopped " + processor.name());
            }
        }
        int exit = runMigratorReplay(migratorArgs);
        if (exit != 0) {
            System.err.println("replay failed (exit " + exit + "); the processors stay stopped with their state: fix the cause"
                    + " and run ./pipeline replay again, or ./pipeline start processor to go on without replaying");
            return exit;
        }
        Path data = stack.home().resolve("data");
        for (ComponentSpec processor : processors) {
            Path state = Path.of(processor.env().getOrDefault("PROCESSOR_STATE_DIR", ""));
            if (state.isAbsolute() && state.normalize().startsWith(data) && !state.normalize().equals(data)) {
                System.out.println("deleting processor state " + state);
                FileTrees.delete(state);
            } else {
                System.out.println("leaving " + state + " alone (not under " + data + ")");
            }
        }
        List<String> names = new ArrayList<>(processors.stream().map(ComponentSpec::name).toList());
        if (names.isEmpty()) {
            names.add(PipelineStack.PROCESSOR);
        }
        for (String name : names) {
            stack.startAndAwait(name, PipelineStack.APP_TIMEOUT);
            System.out.println(name + " started; it rebuilds the tables from the topics");
        }
        return 0;
    }

    private int runMigratorReplay(List<String> args) {
        List<String> command = new ArrayList<>(List.of(RepositoryLayout.java(), "-DOPT_OUT_TRACKING=true"));
        String opts = StackSettings.MIGRATOR_JAVA_OPTS.read(io.agentmatch.contract.config.Env.system());
        if (!opts.isBlank()) {
            command.addAll(List.of(opts.trim().split("\\s+")));
        }
        command.addAll(List.of("-jar", stack.layout().jar("migrator").toString(), "replay"));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.INHERIT)
                .redirectErrorStream(true).redirectOutput(migratorOutput);
        Map<String, String> env = builder.environment();
        env.putAll(stack.specs().migratorEnv(config));
        try {
            return builder.start().waitFor();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run the migrator's replay: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        }
    }
}
