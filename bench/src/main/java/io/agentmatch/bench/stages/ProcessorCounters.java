package io.agentmatch.bench.stages;

import io.agentmatch.bench.BenchStack;
import io.agentmatch.bench.PromText;
import java.time.Duration;
import java.util.List;

/**
 * The processor counters the stages wait on, read from its /metrics, and the rates on the way. A
 * scrape costs the processor ~3 ms of CPU (JFR: at a fixed 100 ms it was 10% of the processor's
 * samples during persist, work no Prometheus at a 15 s interval asks of it): so the wait polls at
 * half the time the current rate needs to reach the target, between 100 ms and 1 s, and the
 * instant the target is reached is still seen within 100 ms.
 */
final class ProcessorCounters {
    static final String ITEMS_WRITTEN = "processor_dynamodb_items_written_total";
    static final String SUPERSEDED = "processor_dynamodb_writes_superseded_total";
    static final String EMBEDDED = "processor_embeddings_computed_total";
    static final String REUSED = "processor_embeddings_reused_total";

    private ProcessorCounters() {
    }

    /**
     * When a counter reached its target: total seconds since the wait began, the steady rate from its
     * first non-zero sample, and the warm rate: over the last three quarters of the target, once a
     * freshly started JVM has compiled its hot paths (a restarted processor's C2 threads took 0.3 of the
     * 2 cores for its first ~20 s, JFR: 8.6 s of compilation in 25 s).
     */
    record Reached(double totalSeconds, double steadyRate, double warmRate) {
        Reached plus(double seconds) {
            return new Reached(totalSeconds + seconds, steadyRate, warmRate);
        }
    }

    static Reached awaitTarget(String what, int healthPort, String metric, long target, Duration timeout) {
        return awaitSum(what, healthPort, List.of(metric), target, timeout);
    }

    /** Waits until the sum of {@code metrics} reaches {@code target}; fails after {@code timeout}. */
    static Reached awaitSum(String what, int healthPort, List<String> metrics, long target, Duration timeout) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        long firstAt = -1;
        double firstValue = 0;
        long warmAt = -1;
        double warmValue = 0;
        long lastPrint = start;
        while (true) {
            double value = 0;
            try {
                String text = BenchStack.get("http://127.0.0.1:" + healthPort + "/metrics");
                for (String metric : metrics) {
                    value += PromText.sum(text, metric);
                }
            } catch (RuntimeException e) {
                value = -1;
            }
            long now = System.nanoTime();
            if (value > 0 && firstAt < 0) {
                firstAt = now;
                firstValue = value;
            }
            if (value >= target / 4.0 && warmAt < 0) {
                warmAt = now;
                warmValue = value;
            }
            if (value >= target) {
                double total = (now - start) / 1e9;
                double steady = firstAt < 0 || now == firstAt ? target / total : (value - firstValue) / ((now - firstAt) / 1e9);
                double warm = warmAt < 0 || now == warmAt ? steady : (value - warmValue) / ((now - warmAt) / 1e9);
                return new Reached(total, steady, warm);
            }
            if (now > deadline) {
                throw new IllegalStateException("timed out after " + timeout + " waiting for " + what + " (at " + (long) value + ")");
            }
            if (now - lastPrint > 15_000_000_000L) {
                System.out.printf("    ... %s: %,d so far (%.0f s)%n", what, (long) value, (now - start) / 1e9);
                lastPrint = now;
            }
            double rate = firstAt < 0 || now == firstAt ? 0 : (value - firstValue) / ((now - firstAt) / 1e9);
            pollInterval(rate <= 0 ? 100 : (long) ((target - value) / rate * 1000 / 2));
        }
    }

    static long pollMillis(long halfOfRemaining) {
        return Math.max(100, Math.min(1000, halfOfRemaining));
    }

    private static void pollInterval(long halfOfRemaining) {
        try {
            Thread.sleep(pollMillis(halfOfRemaining));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
