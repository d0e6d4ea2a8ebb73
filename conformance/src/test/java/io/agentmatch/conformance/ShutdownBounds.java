package io.agentmatch.conformance;

import java.time.Duration;

/**
 * How long each component may take from SIGTERM to exit (issue 16): Kubernetes' default grace period
 * is 30 s. The manifests' grace periods are checked against these, and {@code GracefulShutdownIT}
 * measures the real jars against them.
 */
final class ShutdownBounds {
    static final Duration API = Duration.ofSeconds(10);
    static final Duration PROCESSOR = Duration.ofSeconds(25);
    /** What a component needs after its shutdown timeout: closing its clients, the JVM's exit. */
    static final Duration EXIT_MARGIN = Duration.ofSeconds(3);

    private ShutdownBounds() {
    }
}
