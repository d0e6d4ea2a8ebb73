package io.agentmatch.bench;

import java.util.Arrays;

/** Nearest-rank percentiles of latency samples (nanoseconds in, milliseconds out). */
public final class Percentiles {
    private final long[] sorted;

    public Percentiles(long[] samples) {
        this.sorted = samples.clone();
        Arrays.sort(this.sorted);
    }

    public int count() {
        return sorted.length;
    }

    /** The nearest-rank percentile: the smallest sample such that at least {@code p}% of the samples are at most it. */
    public long at(double p) {
        if (sorted.length == 0) {
            throw new IllegalStateException("no samples");
        }
        if (p <= 0) {
            return sorted[0];
        }
        if (p >= 100) {
            return sorted[sorted.length - 1];
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    public double atMillis(double p) {
        return at(p) / 1e6;
    }

    public double meanMillis() {
        return Arrays.stream(sorted).average().orElse(Double.NaN) / 1e6;
    }
}
