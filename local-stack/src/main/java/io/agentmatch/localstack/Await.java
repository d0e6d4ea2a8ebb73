package io.agentmatch.localstack;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waits for a condition by polling it (every 75 ms) until a deadline, for tests and for the stack.
 * Use this instead of {@code Thread.sleep} to synchronise with anything asynchronous.
 */
public final class Await {
    static final long POLL_MILLIS = 75;

    private Await() {
    }

    /**
     * Polls {@code condition} until it returns true. Exceptions thrown by the condition count as
     * "not yet" (the last one is attached to the failure).
     *
     * @throws AssertionError naming {@code description} when the condition is still false at the deadline
     */
    public static void until(String description, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        RuntimeException last = null;
        while (true) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
                last = null;
            } catch (RuntimeException e) {
                last = e;
            }
            if (System.nanoTime() - deadline > 0) {
                AssertionError failure = new AssertionError("timed out after " + timeout + " waiting for: " + description
                        + (last == null ? "" : " (last error: " + last + ")"));
                if (last != null) {
                    failure.initCause(last);
                }
                throw failure;
            }
            pause(POLL_MILLIS);
        }
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
