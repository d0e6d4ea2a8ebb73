package io.agentmatch.bench;

import io.agentmatch.contract.config.PipelineConfig;
import io.agentmatch.localstack.Await;
import io.agentmatch.localstack.ComponentSpec;
import io.agentmatch.localstack.FileTrees;
import io.agentmatch.localstack.PipelineStack;
import io.agentmatch.localstack.StackReplay;
import io.agentmatch.localstack.Readiness;
import io.agentmatch.localstack.StackState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;

/**
 * The bench's own local stack (its own home, fresh data at every run, free ports): Kafka and dynalite
 * stay up for the whole run; each stage works in its own namespace (topics, tables, processor group:
 * {@link PipelineConfig#isolated}) and starts the processor / API processes it needs.
 */
public final class BenchStack implements AutoCloseable {
    public static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final PipelineStack stack;
    private final Admin admin;

    private BenchStack(PipelineStack stack, Admin admin) {
        this.stack = stack;
        this.admin = admin;
    }

    /** Held for the life of this JVM: see {@link #lockHome}. */
    private static FileLock homeLock;

    static BenchStack start(Path repo, Path home) {
        lockHome(home);
        PipelineStack stack = new PipelineStack(repo, home);
        if (stack.recordedState() != null) {
            stack.down();
        }
        FileTrees.delete(home);
        Map<String, String> env = PipelineStack.systemEnvironment();
        // Never the developer's ports: any of these the caller did not set is a free port.
        for (String port : List.of("KAFKA_PORT", "KAFKA_CONTROLLER_PORT", "DYNAMODB_PORT", "API_PORT", "PROCESSOR_HEALTH_PORT")) {
            env.remove(port);
        }
        stack.configure(env, PipelineStack.PortPolicy.FREE);
        stack.startInfrastructure(PipelineStack.INFRA_TIMEOUT);
        Runtime.getRuntime().addShutdownHook(new Thread(stack::down, "bench-stack-down"));
        return new BenchStack(stack, Readiness.admin(stack.state().kafkaConnection(), 10_000));
    }

    /**
     * One bench per home: a second one would wipe the first one's stack at its start, and its exit
     * would stop the stack of whichever bench came after it (both happened, both runs were lost).
     * The lock file sits beside the home, which is wiped.
     */
    private static synchronized void lockHome(Path home) {
        Path lockFile = home.toAbsolutePath().resolveSibling(home.getFileName() + ".lock");
        try {
            FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            homeLock = channel.tryLock();
            if (homeLock == null) {
                channel.close();
                throw new IllegalStateException("another bench is running on " + home + " (lock " + lockFile
                        + "); wait for it to finish, or give this one its own BENCH_HOME");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + lockFile, e);
        }
    }

    StackState state() {
        return stack.state();
    }

    /** A fresh namespace: own topics, tables and processor group, provisioned. */
    public PipelineConfig namespace(String name) {
        PipelineConfig config = state().pipelineConfig(Map.of()).isolated(name);
        PipelineStack.provision(config, Duration.ofSeconds(60));
        return config;
    }

    public Map<String, String> env(PipelineConfig config) {
        return stack.specs().pipelineEnv(config, state().apiPort(), state().processorHealthPort());
    }

    /** Starts a processor instance on {@code config} and waits for /health; returns its health port. */
    public int startProcessor(String name, PipelineConfig config, Map<String, String> extraEnv) {
        int port = PipelineStack.freePort();
        stack.stop(name);
        ComponentSpec spec = stack.specs().processor(name, config, port, extraEnv);
        stack.start(spec);
        stack.awaitReady(name, PipelineStack.APP_TIMEOUT);
        return port;
    }

    /** Starts an API instance on {@code config} and waits for /ready (match index loaded); returns its port. */
    public int startApi(String name, PipelineConfig config, Map<String, String> extraEnv) {
        int port = PipelineStack.freePort();
        stack.stop(name);
        ComponentSpec spec = stack.specs().api(name, config, port, extraEnv);
        stack.start(spec);
        stack.awaitReady(name, Duration.ofMinutes(5));
        return port;
    }

    public void awaitValue(String what, Duration timeout, java.util.function.BooleanSupplier condition) {
        Await.until(what, timeout, condition);
    }

    public void stop(String name) {
        stack.stop(name);
    }

    public boolean isRunning(String name) {
        return stack.isRunning(name);
    }

    /** The pids of those of the named components that run, by name, in the given order. */
    public Map<String, Long> pids(String... names) {
        Map<String, Long> pids = new LinkedHashMap<>();
        for (String name : names) {
            stack.pid(name).ifPresent(pid -> pids.put(name, pid));
        }
        return pids;
    }

    public Path stateDir(String processorName) {
        return stack.home().resolve("data").resolve(processorName);
    }

    /** Resident memory of a component (kB), or -1 when it is not running. */
    public long rssKb(String name) {
        OptionalLong pid = stack.pid(name);
        return pid.isPresent() ? Proc.rssKb(pid.getAsLong()) : -1;
    }

    /** The sum of a metric's samples on a processor's /metrics (0 when absent). */
    public static double metric(int healthPort, String name) {
        String text = get("http://127.0.0.1:" + healthPort + "/metrics");
        return PromText.sum(text, name);
    }

    public static String get(String url) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(url + " answered " + response.statusCode());
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Sum of the end offsets of a topic (records + transaction markers). */
    public long endOffsets(String topic) {
        try {
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic);
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            description.partitions().forEach(p -> request.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            return admin.listOffsets(request).all().get(10, TimeUnit.SECONDS).values().stream()
                    .mapToLong(info -> info.offset()).sum();
        } catch (Exception e) {
            throw new IllegalStateException("cannot read end offsets of " + topic + ": " + e, e);
        }
    }

    /**
     * {@code ./pipeline replay} on {@code config}'s namespace ({@link StackReplay}: stop, reset,
     * wipe, start); returns the processor's health port.
     */
    public int replay(PipelineConfig config, Path migratorLog) {
        int exit = new StackReplay(stack, config, ProcessBuilder.Redirect.appendTo(migratorLog.toFile()))
                .run(List.of("--yes", "--wait", "90s"));
        if (exit != 0) {
            throw new IllegalStateException("replay failed (exit " + exit + "), see " + migratorLog);
        }
        return stack.state().components().get("processor").port();
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
        stack.down();
    }
}
