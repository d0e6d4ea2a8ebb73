package io.agentmatch.localstack;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Runs components as detached child processes of one stack home: pid file {@code <home>/run/<name>.pid},
 * log {@code <home>/logs/<name>.log} (appended; stdout and stderr go there, never to a pipe, so the
 * child outlives the JVM that started it). Each child runs in its own session ({@code setsid}) so
 * that a Ctrl-C in the terminal that started it does not reach it.
 */
public final class ProcessSupervisor {
    private static final Duration STOP_GRACE = Duration.ofSeconds(15);
    private static final String SETSID = "/usr/bin/setsid";

    private final Path home;

    public ProcessSupervisor(Path home) {
        this.home = home;
    }

    public Path pidFile(String name) {
        return home.resolve("run").resolve(name + ".pid");
    }

    public Path logFile(String name) {
        return home.resolve("logs").resolve(name + ".log");
    }

    /** Starts the component unless a live process recorded for it is already running; returns its pid. */
    public long start(ComponentSpec spec) {
        OptionalLong running = livePid(spec);
        if (running.isPresent()) {
            return running.getAsLong();
        }
        try {
            Files.createDirectories(pidFile(spec.name()).getParent());
            Files.createDirectories(logFile(spec.name()).getParent());
            List<String> command = new ArrayList<>();
            if (new File(SETSID).canExecute()) {
                command.add(SETSID);
            }
            command.addAll(spec.command());
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(Path.of(System.getProperty("user.dir")).toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile(spec.name()).toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            builder.environment().putAll(spec.env());
            Files.writeString(logFile(spec.name()), "---- starting " + spec.name() + " at " + java.time.Instant.now()
                    + ": " + String.join(" ", spec.command()) + System.lineSeparator(), StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            Process process = builder.start();
            long pid = process.pid();
            Files.writeString(pidFile(spec.name()), Long.toString(pid), StandardCharsets.UTF_8);
            return pid;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + spec.name(), e);
        }
    }

    /** SIGTERM, up to 15 s for it to exit, then SIGKILL; removes the pid file. Returns whether a process was running. */
    public boolean stop(ComponentSpec spec) {
        OptionalLong pid = livePid(spec);
        if (pid.isEmpty()) {
            deletePidFile(spec.name());
            return false;
        }
        ProcessHandle handle = ProcessHandle.of(pid.getAsLong()).orElse(null);
        if (handle != null) {
            handle.destroy();
            if (!awaitExit(pid.getAsLong(), STOP_GRACE)) {
                handle.destroyForcibly();
                awaitExit(pid.getAsLong(), Duration.ofSeconds(10));
            }
        }
        deletePidFile(spec.name());
        return true;
    }

    /** SIGKILL, no grace (fault injection). Leaves the pid file, like a crash would. Returns whether a process was running. */
    public boolean kill(ComponentSpec spec) {
        OptionalLong pid = livePid(spec);
        if (pid.isEmpty()) {
            return false;
        }
        ProcessHandle.of(pid.getAsLong()).ifPresent(ProcessHandle::destroyForcibly);
        awaitExit(pid.getAsLong(), Duration.ofSeconds(10));
        return true;
    }

    public boolean isRunning(ComponentSpec spec) {
        return livePid(spec).isPresent();
    }

    /** The pid of the live process of this component, if any. */
    public OptionalLong livePid(ComponentSpec spec) {
        OptionalLong recorded = recordedPid(spec.name());
        if (recorded.isEmpty()) {
            return OptionalLong.empty();
        }
        long pid = recorded.getAsLong();
        if (!alive(pid)) {
            return OptionalLong.empty();
        }
        String commandLine = commandLine(pid);
        for (String marker : spec.markers()) {
            if (!commandLine.contains(marker)) {
                return OptionalLong.empty(); // a recycled pid: some other process
            }
        }
        return recorded;
    }

    public OptionalLong recordedPid(String name) {
        Path file = pidFile(name);
        if (!Files.isRegularFile(file)) {
            return OptionalLong.empty();
        }
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8).trim();
            return text.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(text));
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * Polls {@code check} every 150 ms until it answers true; fails early, with the end of the log,
     * when the process has exited.
     */
    public void awaitReady(ComponentSpec spec, Duration timeout, BooleanSupplier check) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int notRunning = 0;
        while (true) {
            // Three looks 150 ms apart: one chaos run once saw a starting processor as gone (a
            // transient read of its pid or command line) and aborted a scenario; an exit is permanent.
            notRunning = isRunning(spec) ? 0 : notRunning + 1;
            if (notRunning >= 3) {
                throw new IllegalStateException(spec.name() + " is not running (exited?); end of "
                        + logFile(spec.name()) + ":\n" + tail(spec.name(), 25));
            }
            boolean ready;
            try {
                ready = check.getAsBoolean();
            } catch (RuntimeException e) {
                ready = false;
            }
            if (ready) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException(spec.name() + " not ready after " + timeout + "; end of "
                        + logFile(spec.name()) + ":\n" + tail(spec.name(), 25));
            }
            Await.pause(150);
        }
    }

    public String tail(String name, int lines) {
        Path log = logFile(name);
        if (!Files.isRegularFile(log)) {
            return "(no log)";
        }
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read log: " + e + ")";
        }
    }

    private void deletePidFile(String name) {
        try {
            Files.deleteIfExists(pidFile(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean awaitExit(long pid, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isPresent()) {
            try {
                // Completes promptly for our own children; for others (started by another JVM) the JDK polls.
                handle.get().onExit().get(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
                return true;
            } catch (Exception ignored) {
                // fall through to polling, which also treats zombies as gone
            }
        }
        while (alive(pid)) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Await.pause(50);
        }
        return true;
    }

    /** Alive and not a zombie (an orphan whose parent has not reaped it counts as gone). */
    static boolean alive(long pid) {
        if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            return false;
        }
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        if (Files.isReadable(stat)) {
            try {
                String text = Files.readString(stat, StandardCharsets.ISO_8859_1);
                int close = text.lastIndexOf(')');
                if (close > 0 && close + 2 < text.length()) {
                    char state = text.charAt(close + 2);
                    return state != 'Z' && state != 'X';
                }
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    static String commandLine(long pid) {
        Path cmdline = Path.of("/proc", Long.toString(pid), "cmdline");
        if (Files.isReadable(cmdline)) {
            try {
                return new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8).replace('\0', ' ');
            } catch (IOException e) {
                // fall back below
            }
        }
        return ProcessHandle.of(pid).flatMap(h -> h.info().commandLine()).orElse("");
    }
}
