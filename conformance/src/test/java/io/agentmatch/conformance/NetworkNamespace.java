package io.agentmatch.conformance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A network namespace of the test's own, joined to the host by a veth pair with a /30 of its own
 * ({@code 10.a.b.c+1} outside, {@code +2} inside): what a container's network is, without Docker.
 * Deleting the namespace deletes the pair. Needs root and iproute2's {@code ip}.
 */
final class NetworkNamespace implements AutoCloseable {
    private static final String PREFIX = "agentmatch-it-";

    private final String name;
    private final String outsideDevice;
    private final String outsideAddress;
    private final String insideAddress;

    private NetworkNamespace(String name, String outsideDevice, String outsideAddress, String insideAddress) {
        this.name = name;
        this.outsideDevice = outsideDevice;
        this.outsideAddress = outsideAddress;
        this.insideAddress = insideAddress;
    }

    /** Why no namespace can be made here, or empty when one can. */
    static Optional<String> unavailable() {
        try {
            String uid = run(List.of("id", "-u")).strip();
            if (!uid.equals("0")) {
                return Optional.of("needs root to create a network namespace (`id -u` is " + uid + "; CI runs as root)");
            }
            run(List.of("ip", "-V"));
            return Optional.empty();
        } catch (IOException | IllegalStateException e) {
            return Optional.of("needs iproute2's `ip` (" + e.getMessage() + ")");
        }
    }

    static NetworkNamespace create() throws IOException {
        removeLeftovers();
        long pid = ProcessHandle.current().pid();
        String name = PREFIX + pid;
        String outside = "amo" + pid % 1_000_000_000L;
        String inside = "ami" + pid % 1_000_000_000L;
        String base = freeSubnet();
        NetworkNamespace namespace = new NetworkNamespace(name, outside, plus(base, 1), plus(base, 2));
        try {
            run(List.of("ip", "netns", "add", name));
            run(List.of("ip", "link", "add", outside, "type", "veth", "peer", "name", inside));
            run(List.of("ip", "link", "set", inside, "netns", name));
            run(List.of("ip", "addr", "add", namespace.outsideAddress + "/30", "dev", outside));
            run(List.of("ip", "link", "set", outside, "up"));
            run(namespace.exec(List.of("ip", "addr", "add", namespace.insideAddress + "/30", "dev", inside)));
            run(namespace.exec(List.of("ip", "link", "set", inside, "up")));
            run(namespace.exec(List.of("ip", "link", "set", "lo", "up")));
        } catch (IOException | RuntimeException e) {
            namespace.close();
            throw e;
        }
        return namespace;
    }

    String name() {
        return name;
    }

    /** The host's end of the pair: where the namespace reaches the host. */
    String outsideAddress() {
        return outsideAddress;
    }

    /** The namespace's own address: what the outside reaches it at. */
    String insideAddress() {
        return insideAddress;
    }

    /** {@code command} run inside the namespace ({@code ip netns exec} execs it: the process is the command's). */
    List<String> exec(List<String> command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(command);
        return full;
    }

    /**
     * Deletes the pair first (its inside end goes with it, at once), then the namespace: the kernel
     * frees a deleted namespace's devices later, and the outside address must not outlive the test.
     */
    @Override
    public void close() {
        try {
            run(List.of("ip", "link", "del", outsideDevice));
        } catch (IOException | RuntimeException ignored) {
            // not created, or already gone
        }
        try {
            run(List.of("ip", "netns", "del", name));
        } catch (IOException | RuntimeException ignored) {
            // not created, or already gone
        }
    }

    /** Namespaces of test JVMs that died before cleaning up (their pid no longer runs). */
    private static void removeLeftovers() throws IOException {
        for (String line : run(List.of("ip", "netns", "list")).split("\n")) {
            String existing = line.strip().split("\\s+")[0];
            if (!existing.startsWith(PREFIX)) {
                continue;
            }
            try {
                long pid = Long.parseLong(existing.substring(PREFIX.length()));
                if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    continue;
                }
            } catch (NumberFormatException ignored) {
                // not one of ours after all: leave it
                continue;
            }
            run(List.of("ip", "netns", "del", existing));
        }
    }

    /** A /30 in 10.200-249.x.x that no interface or route of the host uses; returns its first three octets and base. */
    private static String freeSubnet() throws IOException {
        String used = run(List.of("ip", "-4", "addr")) + run(List.of("ip", "-4", "route"));
        for (int attempt = 0; attempt < 100; attempt++) {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            String prefix = "10." + (200 + random.nextInt(50)) + "." + random.nextInt(256);
            if (!used.contains(prefix + ".")) {
                return prefix + "." + (random.nextInt(63) * 4);
            }
        }
        throw new IllegalStateException("no free 10.200-249.x.0/24 for the test's veth pair");
    }

    /** The base address + 1 / + 2 of a /30 written as "a.b.c.base". */
    private static String plus(String base, int offset) {
        int dot = base.lastIndexOf('.');
        return base.substring(0, dot + 1) + (Integer.parseInt(base.substring(dot + 1)) + offset);
    }

    static String run(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (" + process.exitValue() + "): " + output.strip());
        }
        return output;
    }
}
