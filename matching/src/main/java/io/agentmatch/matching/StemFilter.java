package io.agentmatch.matching;

/**
 * Bounds what a profile shares with a query from two 64-bit signatures, without looking at the
 * words. Each signature is a Bloom filter of stem {@link Words#key keys} (two bits per stem): one
 * of the job title's stems, one of the tags' other stems. A given absent stem matches a job
 * signature (1-2 stems) by chance in ~0.4% of profiles and a tag signature (2-4 stems) in ~1.5%.
 * Keeping the two apart lets a ranker bound a profile's boost by the weight of where the words
 * may be, not only by whether it may share one: the index then asks for the exact boost of only
 * the few profiles that this bound does not already keep out of the top k.
 */
public final class StemFilter {
    /** More query stems than this are tested as one union (any shared bit), which stays cheap. */
    private static final int MAX_SEPARATE_STEMS = 16;

    /** Every profile may share a stem (the ranker's boost depends on more than stems). */
    public static final StemFilter ANY = new StemFilter(null, 0L, true);
    /** No profile is ever boosted. */
    public static final StemFilter NONE = new StemFilter(new long[0], 0L, false);

    /** Per query stem its two bits; null: test the union only. */
    private final long[] masks;
    private final long union;
    private final boolean any;

    private StemFilter(long[] masks, long union, boolean any) {
        this.masks = masks;
        this.union = union;
        this.any = any;
    }

    /** The filter of a query's (distinct) stem keys. */
    public static StemFilter of(long[] keys) {
        if (keys.length == 0) {
            return NONE;
        }
        long[] masks = new long[keys.length];
        long union = 0L;
        for (int i = 0; i < keys.length; i++) {
            masks[i] = bits(keys[i]);
            union |= masks[i];
        }
        return new StemFilter(keys.length <= MAX_SEPARATE_STEMS ? masks : null, union, false);
    }

    /** False only when the profile with these signatures certainly shares no stem with the query. */
    public boolean mayShare(long jobSignature, long tagSignature) {
        if (any) {
            return true;
        }
        if (masks == null) {
            return (jobSignature & union) != 0 || (tagSignature & union) != 0;
        }
        for (long mask : masks) {
            if ((jobSignature & mask) == mask || (tagSignature & mask) == mask) {
                return true;
            }
        }
        return false;
    }

    /**
     * An upper bound of the sum, over the query's stems, of {@code jobWeight} for each stem of the
     * profile's job title and {@code tagWeight} for each other stem of its tags: exact but for Bloom
     * false positives, never lower. {@link Float#POSITIVE_INFINITY} when the filter cannot tell
     * ({@link #ANY}, or more than {@value #MAX_SEPARATE_STEMS} query stems) and the profile may share.
     */
    public float weigh(long jobSignature, long tagSignature, float jobWeight, float tagWeight) {
        if (any || masks == null) {
            return mayShare(jobSignature, tagSignature) ? Float.POSITIVE_INFINITY : 0f;
        }
        float sum = 0f;
        for (long mask : masks) {
            if ((jobSignature & mask) == mask) {
                sum += Math.max(jobWeight, tagWeight); // a false positive may hide a tag match
            } else if ((tagSignature & mask) == mask) {
                sum += tagWeight;
            }
        }
        return sum;
    }

    /** A stem's two signature bits. */
    public static long bits(long key) {
        return (1L << (key >>> 58)) | (1L << ((key >>> 52) & 63));
    }
}
