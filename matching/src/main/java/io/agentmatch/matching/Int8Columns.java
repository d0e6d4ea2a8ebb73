package io.agentmatch.matching;

import java.util.Arrays;

/**
 * The int8 copies of the indexed vectors and the scan kernel over them: {@code columns[g][slot]}
 * holds dimensions 4g..4g+3 of a slot's vector as {@link Int8Vector#packed} biased bytes.
 *
 * <p>Why columns: at 100k profiles a scan reads 38 MB from main memory, so it is memory-bound and
 * the layout matters more than the arithmetic. Long arrays stay sequential whatever the GC does (it
 * moves each column whole); per-block 4 KB rows, scattered over the heap as the index grew, scanned
 * 2.5x slower.
 *
 * <p>{@link #scanModel} is the one loop shape JDK 17's C2 auto-vectorizes here (see matching/README.md):
 * a constant number of groups, one group per pass, the inner loop bounded by the accumulator's
 * length, int-only arithmetic, no {@code array[offset + j]}. Do not restructure the loops; measure
 * any change with {@code bench.IndexBench}.
 *
 * <p>Not thread-safe: {@link MatchIndex} scans under its read lock and writes under its write lock.
 */
final class Int8Columns {
    /** Packed int groups of all-MiniLM-L6-v2's 384 dimensions: the scan kernel is specialized for it. */
    static final int MODEL_GROUPS = ModelVariant.DIMENSIONS / 4;

    private final int groups;
    private final int[][] columns;

    Int8Columns(int groups) {
        if (groups < 1) {
            throw new IllegalArgumentException("groups must be >= 1");
        }
        this.groups = groups;
        this.columns = new int[groups][0];
    }

    int capacity() {
        return columns[0].length;
    }

    /** Grows every column to at least {@code wanted} slots (by half at least, {@code minimum} at first). */
    void ensureCapacity(int wanted, int minimum) {
        int capacity = columns[0].length;
        if (capacity < wanted) {
            capacity = Math.max(wanted, Math.max(minimum, capacity + (capacity >> 1)));
            for (int g = 0; g < groups; g++) {
                columns[g] = Arrays.copyOf(columns[g], capacity);
            }
        }
    }

    void set(int slot, Int8Vector vector) {
        for (int g = 0; g < groups; g++) {
            columns[g][slot] = vector.packed(g);
        }
    }

    void copy(int from, int to) {
        for (int g = 0; g < groups; g++) {
            columns[g][to] = columns[g][from];
        }
    }

    void clear(int slot) {
        for (int g = 0; g < groups; g++) {
            columns[g][slot] = Int8Vector.PACKED_ZERO;
        }
    }

    /**
     * acc[j] = the int dot product of {@code q} (an {@link Int8Vector#values}) with slot j's biased
     * bytes, for every j below {@code acc.length}. The bytes are stored biased (v + 128, unsigned),
     * which takes one operation less per byte to unpack than sign extension (measured ~7% faster);
     * {@link Int8Vector#bias} takes it back out.
     */
    void scan(int[] q, int[] acc) {
        if (groups == MODEL_GROUPS) {
            scanModel(columns, q, acc);
            return;
        }
        scanGeneric(columns, groups, q, acc);
    }

    /**
     * {@link #scan} for the model's 384 dimensions: the same loops with a constant number of groups.
     * With a bound known only at run time C2 (JDK 17) left the inner loop scalar, 5 to 7 times
     * slower (15-21 ms instead of 3 ms per 100k profiles, measured in isolation).
     */
    static void scanModel(int[][] columns, int[] q, int[] acc) {
        Arrays.fill(acc, 0);
        for (int g = 0; g < MODEL_GROUPS; g++) {
            int d = 4 * g;
            int q0 = q[d], q1 = q[d + 1], q2 = q[d + 2], q3 = q[d + 3];
            int[] column = columns[g];
            for (int j = 0; j < acc.length; j++) {
                int p = column[j];
                acc[j] += q0 * (p & 0xFF) + q1 * ((p >>> 8) & 0xFF) + q2 * ((p >>> 16) & 0xFF) + q3 * (p >>> 24);
            }
        }
    }

    /** {@link #scan} for any other number of groups: the same sums, several times slower (see {@link #scanModel}). */
    static void scanGeneric(int[][] columns, int groups, int[] q, int[] acc) {
        Arrays.fill(acc, 0);
        for (int g = 0; g < groups; g++) {
            accumulate(acc, columns[g], q[4 * g], q[4 * g + 1], q[4 * g + 2], q[4 * g + 3]);
        }
    }

    private static void accumulate(int[] acc, int[] column, int q0, int q1, int q2, int q3) {
        for (int j = 0; j < acc.length; j++) {
            int p = column[j];
            acc[j] += q0 * (p & 0xFF) + q1 * ((p >>> 8) & 0xFF) + q2 * ((p >>> 16) & 0xFF) + q3 * (p >>> 24);
        }
    }
}
