package io.agentmatch.matching;

/**
 * Decides from two 128-bit signatures, without looking at the words, that a profile shares no stem
 * with a query. A signature is a Bloom filter of the stems' {@link Words#key keys} (two bits per
 * stem): a profile with ~4 stems matches a given absent stem by chance in ~0.4% of cases, so the
 * index asks the ranker for the boost of almost only the profiles that really share a word.
 */
public final class StemFilter {
    /** More query stems than this are tested as one union (any shared bit), which stays cheap. */
    private static final int MAX_SEPARATE_STEMS = 16;

    /** Every profile may share a stem (the ranker's boost depends on more than stems). */
    public static final StemFilter ANY = new StemFilter(null, 0L, 0L, true);
    /** No profile is ever boosted. */
    public static final StemFilter NONE = new StemFilter(new long[0], 0L, 0L, false);

    /** Per query stem its two bits as (low, high) pairs; null: test the union only. */
    private final long[] masks;
    private final long unionLow;
    private final long unionHigh;
    private final boolean any;

    private StemFilter(long[] masks, long unionLow, long unionHigh, boolean any) {
        this.masks = masks;
        this.unionLow = unionLow;
        this.unionHigh = unionHigh;
        this.any = any;
    }

    /** The filter of a query's stem keys. */
    public static StemFilter of(long[] keys) {
        if (keys.length == 0) {
            return NONE;
        }
        long[] masks = new long[2 * keys.length];
        long low = 0L;
        long high = 0L;
        for (int i = 0; i < keys.length; i++) {
            masks[2 * i] = low(keys[i]);
            masks[2 * i + 1] = high(keys[i]);
            low |= masks[2 * i];
            high |= masks[2 * i + 1];
        }
        return new StemFilter(keys.length <= MAX_SEPARATE_STEMS ? masks : null, low, high, false);
    }

    /** False only when the profile with this signature certainly shares no stem with the query. */
    public boolean mayShare(long low, long high) {
        if (any) {
            return true;
        }
        if (masks == null) {
            return (low & unionLow) != 0 || (high & unionHigh) != 0;
        }
        for (int i = 0; i < masks.length; i += 2) {
            if ((low & masks[i]) == masks[i] && (high & masks[i + 1]) == masks[i + 1]) {
                return true;
            }
        }
        return false;
    }

    /** The low 64 bits of a stem's two signature bits. */
    public static long low(long key) {
        return bit(first(key), 0) | bit(second(key), 0);
    }

    /** The high 64 bits of a stem's two signature bits. */
    public static long high(long key) {
        return bit(first(key), 64) | bit(second(key), 64);
    }

    private static int first(long key) {
        return (int) (key >>> 57);
    }

    private static int second(long key) {
        return (int) ((key >>> 50) & 127);
    }

    private static long bit(int position, int from) {
        return position >= from && position < from + 64 ? 1L << (position - from) : 0L;
    }
}
