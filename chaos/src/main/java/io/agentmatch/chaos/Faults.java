package io.agentmatch.chaos;

import io.agentmatch.contract.config.PipelineConfig;
import io.agentmatch.localstack.RunningComponent;
import io.agentmatch.localstack.TestStack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The processes of one scenario on the stack, and the faults injected into them. Every instance a
 * scenario starts is remembered and stopped by {@link #close()}, and Kafka and dynalite are started
 * again if a scenario left them down, so a failing scenario leaves nothing behind.
 */
public final class Faults implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Faults.class);

    /** Longer than any migrator run of a chaos scale. */
    public static final Duration MIGRATOR_TIMEOUT = Duration.ofMinutes(20);

    public final TestStack stack;
    public final PipelineConfig config;
    private final String prefix;
    private final List<String> started = new ArrayList<>();

    public Faults(TestStack stack, String scenario) {
        this.stack = stack;
        this.prefix = "chaos-" + scenario;
        this.config = stack.isolatedConfig(prefix);
    }

    public String name(String role) {
        return prefix + "-" + role;
    }

    public RunningComponent processor(String role, Map<String, String> env) {
        String name = name(role);
        remember(name);
        return stack.startProcessor(config, name, env);
    }

    public RunningComponent api(String role, int port, Map<String, String> env) {
        String name = name(role);
        remember(name);
        return stack.startApi(config, name, port, env);
    }

    private synchronized void remember(String name) {
        if (!started.contains(name)) {
            started.add(name);
        }
    }

    /**
     * Starts the migrator as a program (its jar, as an operator runs it) against this scenario's
     * configuration: chaos uses the migrator only through its command line and its reports.
     */
    public Process startMigrator(String... args) throws IOException {
        LOG.info("migrator {}", String.join(" ", args));
        return stack.pipelineStack().specs().migrator(config, List.of(args)).start();
    }

    /** Runs the migrator program to its end; returns its exit code, or -1 when it had not ended after {@link #MIGRATOR_TIMEOUT}. */
    public int migrator(String... args) throws IOException, InterruptedException {
        return await(startMigrator(args));
    }

    /** The exit code of a migrator run, or -1 (and the process stopped) when it has not ended after {@link #MIGRATOR_TIMEOUT}. */
    public static int await(Process migrator) throws InterruptedException {
        if (!migrator.waitFor(MIGRATOR_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            migrator.destroyForcibly();
            LOG.error("the migrator had not ended after {}: stopped", MIGRATOR_TIMEOUT);
            return -1;
        }
        return migrator.exitValue();
    }

    /** kill -9, then start again with the same spec (port, state directory) and wait until it is ready. */
    public void killAndRestart(String role) {
        String name = name(role);
        long pid = stack.pipelineStack().pid(name).orElse(-1);
        stack.kill(name);
        LOG.info("kill -9 {} (pid {})", name, pid);
        stack.start(name);
        LOG.info("{} restarted (pid {})", name, stack.pipelineStack().pid(name).orElse(-1));
    }

    public long pid(String role) {
        return stack.pipelineStack().pid(name(role)).orElse(-1);
    }

    public boolean running(String role) {
        return stack.isRunning(name(role));
    }

    /** The resident memory of an instance in KiB (from /proc), or -1. */
    public long rssKiB(String role) {
        long pid = pid(role);
        if (pid <= 0) {
            return -1;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    @Override
    public void close() {
        for (String name : started) {
            try {
                stack.stop(name);
            } catch (RuntimeException e) {
                LOG.warn("cannot stop {}: {}", name, e.toString());
            }
        }
        for (String infra : List.of("dynalite", "kafka")) {
            if (!stack.isRunning(infra)) {
                LOG.info("starting {} again (the scenario left it down)", infra);
                stack.start(infra);
            }
        }
    }

    public static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
