package io.agentmatch.bench.stages;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A program the stages run to completion: the migrator, Kafka's producer benchmark, {@code ./pipeline}. */
final class ExternalCommand {
    private ExternalCommand() {
    }

    /** The java of this JVM, for the jars the stages run. */
    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Runs a process to completion (output appended to {@code log}); returns its output; fails on a non-zero exit. */
    static String run(List<String> command, Map<String, String> env, Path log, Duration timeout) {
        try {
            Path out = Files.createTempFile(log.getParent(), "proc", ".out");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            builder.environment().putAll(env);
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("timed out after " + timeout + ": " + String.join(" ", command));
            }
            String output = Files.readString(out, StandardCharsets.UTF_8);
            Files.delete(out);
            Files.writeString(log, "$ " + String.join(" ", command) + "\n" + output + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            if (process.exitValue() != 0) {
                String tail = output.length() > 2000 ? output.substring(output.length() - 2000) : output;
                throw new IllegalStateException("exit " + process.exitValue() + ": " + String.join(" ", command) + "\n" + tail);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
