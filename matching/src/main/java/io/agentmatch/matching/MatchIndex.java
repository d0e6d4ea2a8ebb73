package io.agentmatch.matching;

import io.agentmatch.contract.events.MatchProjection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.StampedLock;
import java.util.stream.Collectors;

/**
 * The API's in-memory match index, fed from the projection topic: exact cosine search (the vectors
 * are normalized, so a dot product) over every profile.
 *
 * <p>Two copies of each vector:
 * <ul>
 *   <li>an int8 copy ({@link Int8Vector}: per-vector scale, 4 dimensions packed per int, biased
 *   bytes) in 96 columns ({@link Int8Columns}), which every query scans whole with an int-only loop
 *   that HotSpot auto-vectorizes (AVX2/AVX-512) in plain Java;</li>
 *   <li>the float32 vector, row-major in blocks of {@value #BLOCK} profiles (each block's array stays
 *   under G1's humongous size: a 1.5 MB array took two 1 MB regions), for the exact cosine of the
 *   few candidates.</li>
 * </ul>
 * The int8 score comes with a rigorous error bound ({@link Int8Vector#upperBound}), so a profile is
 * only skipped when even its upper bound cannot enter the current top k ({@link TopKCollector}): the
 * result is exactly the top k of the float32 cosines (plus boosts), not an approximation.
 * Slots are dense: a removal moves the last profile into the hole.
 *
 * <p>Ranking: final score = cosine + the ranker's boost, the boost bounded by
 * {@link Ranker.QueryScorer#maxBoost()} and, per profile, by {@link Ranker.QueryScorer#boostBound}
 * from the profile's two stem signatures (kept per slot, so bounding reads no profile); filters,
 * boost and exact cosine are only evaluated for profiles whose upper bound could still enter the
 * current top k.
 *
 * <p>Thread safety: searches share a read lock, updates take the write lock (a {@link StampedLock});
 * an update waits for the running searches (a few ms) and new searches wait for it.
 */
public final class MatchIndex {
    public static final int BLOCK = 256;

    private final int dimensions;
    private final int groups;
    private final Ranker ranker;
    private final StampedLock lock = new StampedLock();
    /** Scan accumulators of finished searches, reused (one per concurrent search, 4 bytes per profile). */
    private final ConcurrentLinkedQueue<int[]> accumulators = new ConcurrentLinkedQueue<>();
    private final Int8Columns columns;
    private final Map<String, Integer> slotOf = new HashMap<>();
    private Block[] blocks = new Block[0];
    private IndexedProfile[] entries = new IndexedProfile[0];
    private int size;

    /** 384 dimensions (all-MiniLM-L6-v2), ranked by {@link MatchRanking#DEFAULT}. */
    public MatchIndex() {
        this(ModelVariant.DIMENSIONS, MatchRanking.DEFAULT);
    }

    public MatchIndex(int dimensions, Ranker ranker) {
        if (dimensions < 1) {
            throw new IllegalArgumentException("dimensions must be >= 1");
        }
        this.dimensions = dimensions;
        this.groups = (dimensions + 3) / 4;
        this.columns = new Int8Columns(groups);
        this.ranker = ranker;
    }

    public int dimensions() {
        return dimensions;
    }

    public Ranker ranker() {
        return ranker;
    }

    /**
     * Adds or replaces the profile. A projection with a lower version than the indexed one is ignored
     * (returns false). The projection must carry an embedding of {@link #dimensions()} floats.
     */
    public boolean upsert(MatchProjection projection) {
        IndexedProfile entry = IndexedProfile.of(projection, dimensions);
        long stamp = lock.writeLock();
        try {
            return place(entry);
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** Many upserts under one lock acquisition, e.g. the initial load of the projection topic. */
    public int upsertAll(Collection<MatchProjection> projections) {
        List<IndexedProfile> prepared = new ArrayList<>(projections.size());
        for (MatchProjection projection : projections) {
            prepared.add(IndexedProfile.of(projection, dimensions));
        }
        int placed = 0;
        long stamp = lock.writeLock();
        try {
            for (IndexedProfile entry : prepared) {
                placed += place(entry) ? 1 : 0;
            }
        } finally {
            lock.unlockWrite(stamp);
        }
        return placed;
    }

    /** Removes the profile; false when it was not indexed. */
    public boolean remove(String id) {
        long stamp = lock.writeLock();
        try {
            Integer slot = slotOf.remove(id);
            if (slot == null) {
                return false;
            }
            int last = size - 1;
            if (slot != last) {
                IndexedProfile moved = entries[last];
                entries[slot] = moved;
                slotOf.put(moved.id, slot);
                copySlot(last, slot);
            }
            entries[last] = null;
            clearSlot(last);
            size--;
            return true;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    public int size() {
        long stamp = lock.tryOptimisticRead();
        int n = size;
        if (!lock.validate(stamp)) {
            stamp = lock.readLock();
            try {
                n = size;
            } finally {
                lock.unlockRead(stamp);
            }
        }
        return n;
    }

    public boolean contains(String id) {
        long stamp = lock.readLock();
        try {
            return slotOf.containsKey(id);
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /** The indexed text hash of a profile (null when absent), e.g. to skip re-embedding unchanged text. */
    public String textHash(String id) {
        long stamp = lock.readLock();
        try {
            Integer slot = slotOf.get(id);
            return slot == null ? null : entries[slot].textHash;
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /** The top {@code q.limit()} profiles by this index's ranker that pass the query's filters. */
    public List<MatchHit> search(float[] query, MatchQuery q) {
        return search(query, q, ranker);
    }

    public List<MatchHit> search(float[] query, MatchQuery q, Ranker ranking) {
        if (query.length != dimensions) {
            throw new IllegalArgumentException("query has " + query.length + " dimensions, index " + dimensions);
        }
        Search search = new Search(query, Int8Vector.quantize(query, groups), ranking.prepare(q.description()),
                Filter.of(q), new TopKCollector(q.limit()));
        int[] acc = null;
        long stamp = lock.readLock();
        try {
            int n = size;
            acc = accumulator(n);
            columns.scan(search.quantized.values, acc);
            for (int b = 0, base = 0; base < n; b++, base += BLOCK) {
                collect(search, blocks[b], acc, base, Math.min(BLOCK, n - base));
            }
        } finally {
            lock.unlockRead(stamp);
            if (acc != null) {
                accumulators.offer(acc);
            }
        }
        return search.top.hits();
    }

    /** An accumulator of exactly n entries (the loop bounded by its length is the one C2 vectorizes). */
    private int[] accumulator(int n) {
        int[] acc;
        while ((acc = accumulators.poll()) != null && acc.length != n) {
            // sized for an earlier index size: dropped
        }
        return acc != null ? acc : new int[n];
    }

    /** Offers the block's profiles that can still enter the search's top k (see the class comment). */
    private void collect(Search s, Block block, int[] acc, int base, int count) {
        Int8Vector qq = s.quantized;
        Ranker.QueryScorer scorer = s.scorer;
        float maxBoost = scorer.maxBoost();
        float[] scale = block.scale;
        float[] error = block.error;
        long[] jobSignature = block.jobSignature;
        long[] tagSignature = block.tagSignature;
        for (int j = 0; j < count; j++) {
            float threshold = s.top.threshold();
            float upper = qq.upperBound(acc[base + j], scale[j], error[j]);
            if (upper + maxBoost <= threshold) {
                continue;
            }
            // Most profiles share no word with the query, or only a tag word: bounded by their
            // signatures, without reading the profile (a boost() costs a few cache misses).
            float boostBound = maxBoost == 0f ? 0f : scorer.boostBound(jobSignature[j], tagSignature[j]);
            if (upper + boostBound <= threshold) {
                continue;
            }
            IndexedProfile entry = entries[base + j];
            if (s.filter != null && !s.filter.test(entry)) {
                continue;
            }
            float boost = boostBound == 0f ? 0f : scorer.boost(entry.features);
            if (upper + boost <= threshold) {
                continue;
            }
            float cosine = dot(s.query, block.exact, j * dimensions);
            s.top.offer(entry, cosine + boost, cosine);
        }
    }

    /** What one search carries through a pass. */
    private record Search(float[] query, Int8Vector quantized, Ranker.QueryScorer scorer, Filter filter,
                          TopKCollector top) {
    }

    private float dot(float[] q, float[] exact, int offset) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int d = 0;
        for (; d + 3 < dimensions; d += 4) {
            s0 += q[d] * exact[offset + d];
            s1 += q[d + 1] * exact[offset + d + 1];
            s2 += q[d + 2] * exact[offset + d + 2];
            s3 += q[d + 3] * exact[offset + d + 3];
        }
        for (; d < dimensions; d++) {
            s0 += q[d] * exact[offset + d];
        }
        return (s0 + s1) + (s2 + s3);
    }

    private boolean place(IndexedProfile entry) {
        Integer slot = slotOf.get(entry.id);
        if (slot != null) {
            if (entry.version < entries[slot].version) {
                entry.vector = null;
                return false;
            }
        } else {
            slot = size;
            ensureCapacity(size + 1);
            size++;
            slotOf.put(entry.id, slot);
        }
        entries[slot] = entry;
        writeSlot(slot, entry, entry.vector);
        entry.vector = null;
        return true;
    }

    private void ensureCapacity(int wanted) {
        if (entries.length < wanted) {
            entries = Arrays.copyOf(entries, Math.max(wanted, Math.max(64, entries.length + (entries.length >> 1))));
        }
        columns.ensureCapacity(wanted, BLOCK);
        int blocksNeeded = (wanted + BLOCK - 1) / BLOCK;
        if (blocks.length < blocksNeeded) {
            blocks = Arrays.copyOf(blocks, Math.max(blocksNeeded, blocks.length + (blocks.length >> 1)));
        }
        for (int b = 0; b < blocksNeeded; b++) {
            if (blocks[b] == null) {
                blocks[b] = new Block(dimensions);
            }
        }
    }

    private void writeSlot(int slot, IndexedProfile entry, float[] vector) {
        Block block = blocks[slot / BLOCK];
        int j = slot % BLOCK;
        block.jobSignature[j] = entry.features.jobSignature();
        block.tagSignature[j] = entry.features.tagSignature();
        System.arraycopy(vector, 0, block.exact, j * dimensions, dimensions);
        Int8Vector quantized = Int8Vector.quantize(vector, groups);
        columns.set(slot, quantized);
        block.scale[j] = quantized.scale;
        block.error[j] = quantized.error;
    }

    private void copySlot(int from, int to) {
        Block source = blocks[from / BLOCK];
        Block target = blocks[to / BLOCK];
        int jf = from % BLOCK;
        int jt = to % BLOCK;
        System.arraycopy(source.exact, jf * dimensions, target.exact, jt * dimensions, dimensions);
        columns.copy(from, to);
        target.scale[jt] = source.scale[jf];
        target.error[jt] = source.error[jf];
        target.jobSignature[jt] = source.jobSignature[jf];
        target.tagSignature[jt] = source.tagSignature[jf];
    }

    private void clearSlot(int slot) {
        Block block = blocks[slot / BLOCK];
        int j = slot % BLOCK;
        Arrays.fill(block.exact, j * dimensions, (j + 1) * dimensions, 0f);
        columns.clear(slot);
        block.scale[j] = 0f;
        block.error[j] = 0f;
        block.jobSignature[j] = 0L;
        block.tagSignature[j] = 0L;
    }

    private static final class Block {
        final float[] exact;
        final float[] scale = new float[BLOCK];
        final float[] error = new float[BLOCK];
        final long[] jobSignature = new long[BLOCK];
        final long[] tagSignature = new long[BLOCK];

        Block(int dimensions) {
            exact = new float[BLOCK * dimensions];
        }
    }

    private record Filter(String city, String job, double maxPrice, Set<String> tags) {
        static Filter of(MatchQuery q) {
            if (!q.hasFilters()) {
                return null;
            }
            return new Filter(
                    MatchQuery.isBlank(q.location()) ? null : IndexedProfile.key(q.location()),
                    MatchQuery.isBlank(q.job()) ? null : IndexedProfile.key(q.job()),
                    q.maxPrice() == null ? Double.NaN : q.maxPrice().doubleValue(),
                    q.tags().stream().filter(t -> t != null && !t.isBlank()).map(IndexedProfile::key)
                            .collect(Collectors.toUnmodifiableSet()));
        }

        boolean test(IndexedProfile e) {
            if (city != null && !city.equals(e.cityKey)) {
                return false;
            }
            if (job != null && !job.equals(e.jobKey)) {
                return false;
            }
            if (!Double.isNaN(maxPrice) && !(e.price <= maxPrice)) { // NaN (no price) fails
                return false;
            }
            return tags.isEmpty() || e.tagKeys.containsAll(tags);
        }
    }
}
