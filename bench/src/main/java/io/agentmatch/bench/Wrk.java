package io.agentmatch.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs wrk (the HTTP load generator, its own process) with a Lua script and parses its report. */
public final class Wrk {
    private Wrk() {
    }

    static String luaString(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    /** A script POSTing {@code bodies} in turn (each wrk thread has its own Lua state). */
    public static Path postScript(Path dir, String name, String path, List<String> bodies) {
        StringBuilder lua = new StringBuilder("local bodies = {\n");
        for (String body : bodies) {
            lua.append("  ").append(luaString(body)).append(",\n");
        }
        lua.append("}\nlocal i = 0\n")
                .append("local headers = { [\"Content-Type\"] = \"application/json\" }\n")
                .append("request = function()\n  i = i + 1\n")
                .append("  return wrk.format(\"POST\", ").append(luaString(path)).append(", headers, bodies[(i % #bodies) + 1])\nend\n");
        try {
            Files.createDirectories(dir);
            Path file = dir.resolve(name + ".lua");
            Files.writeString(file, lua.toString(), StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static WrkResult run(String baseUrl, Path script, int connections, Duration duration, Path log) {
        int threads = Math.max(1, Math.min(connections, 2));
        List<String> command = List.of("wrk", "-t" + threads, "-c" + connections, "-d" + Math.max(1, duration.toSeconds()) + "s",
                "--timeout", "10s", "--latency", "-s", script.toString(), baseUrl);
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(duration.toSeconds() + 60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("wrk did not finish");
            }
            Files.writeString(log, String.join(" ", command) + "\n" + output + "\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            return WrkResult.parse(output);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run wrk (apt-get install -y wrk): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
