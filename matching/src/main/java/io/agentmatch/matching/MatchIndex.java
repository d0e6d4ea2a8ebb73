package io.agentmatch.matching;

import io.agentmatch.contract.events.MatchProjection;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
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
 *   <li>an int8 copy (per-vector scale, 4 dimensions packed per int, biased bytes) in 96 columns:
 *   {@code columns[g][slot]} holds dimensions 4g..4g+3 of a profile. Every query scans all of it
 *   with an int-only loop that HotSpot auto-vectorizes (AVX2/AVX-512) in plain Java. At 100k
 *   profiles that is 38 MB from main memory per query, so the layout is chosen for the memory: a
 *   quarter of the bytes of float32, in long sequential arrays that the GC moves whole (per-block
 *   4 KB rows, scattered over the heap as the index grew, scanned 2.5x slower);</li>
 *   <li>the float32 vector, row-major in blocks of {@value #BLOCK} profiles (each block's array stays
 *   under G1's humongous size: a 1.5 MB array took two 1 MB regions), for the exact cosine of the
 *   few candidates.</li>
 * </ul>
 * The int8 score comes with a rigorous error bound (Cauchy-Schwarz on the quantization errors, whose
 * norms are known), so a profile is only skipped when even its upper bound cannot enter the current
 * top k: the result is exactly the top k of the float32 cosines (plus boosts), not an approximation.
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
    /** Packed int groups of all-MiniLM-L6-v2's 384 dimensions: the scan kernel is specialized for it. */
    private static final int MODEL_GROUPS = ModelVariant.DIMENSIONS / 4;
    /** Covers float rounding in the approximate score (whose error bound is ~1e-2). */
    private static final float SLACK = 1e-4f;

    private final int dimensions;
    private final int groups;
    private final Ranker ranker;
    private final StampedLock lock = new StampedLock();
    /** Scan accumulators of finished searches, reused (one per concurrent search, 4 bytes per profile). */
    private final ConcurrentLinkedQueue<int[]> accumulators = new ConcurrentLinkedQueue<>();
    private int[][] columns;
    private final Map<String, Integer> slotOf = new HashMap<>();
    private Block[] blocks = new Block[0];
    private Entry[] entries = new Entry[0];
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
        this.columns = new int[groups][0];
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
        Entry entry = Entry.of(projection, dimensions);
        long stamp = lock.writeLock();
        try {
            return place(entry);
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** Many upserts under one lock acquisition, e.g. the initial load of the projection topic. */
    public int upsertAll(Collection<MatchProjection> projections) {
        List<Entry> prepared = new ArrayList<>(projections.size());
        for (MatchProjection projection : projections) {
            prepared.add(Entry.of(projection, dimensions));
        }
        int placed = 0;
        long stamp = lock.writeLock();
        try {
            for (Entry entry : prepared) {
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
                Entry moved = entries[last];
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
        Search search = new Search(query, Quantized.of(query, groups), ranking.prepare(q.description()), Filter.of(q),
                new TopK(q.limit()));
        int[] acc = null;
        long stamp = lock.readLock();
        try {
            int n = size;
            acc = accumulator(n);
            scan(search.quantized.values, acc);
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

    /**
     * acc[j] = the int dot product of the quantized query with the j-th profile; acc has one entry
     * per indexed profile. The bytes are stored biased (v + 128, unsigned), which takes one operation
     * less per byte to unpack than sign extension (measured ~7% faster); {@link Quantized#bias} takes
     * it back out.
     */
    private void scan(int[] q, int[] acc) {
        if (groups == MODEL_GROUPS) {
            scanModel(columns, q, acc);
            return;
        }
        Arrays.fill(acc, 0);
        for (int g = 0; g < groups; g++) {
            accumulate(acc, columns[g], q[4 * g], q[4 * g + 1], q[4 * g + 2], q[4 * g + 3]);
        }
    }

    /**
     * {@link #scan} for the model's 384 dimensions: the same loops with a constant number of groups.
     * With a bound known only at run time C2 (JDK 17) left the inner loop scalar, 5 to 7 times
     * slower (15-21 ms instead of 3 ms per 100k profiles, measured in isolation).
     */
    private static void scanModel(int[][] columns, int[] q, int[] acc) {
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

    private static void accumulate(int[] acc, int[] column, int q0, int q1, int q2, int q3) {
        for (int j = 0; j < acc.length; j++) {
            int p = column[j];
            acc[j] += q0 * (p & 0xFF) + q1 * ((p >>> 8) & 0xFF) + q2 * ((p >>> 16) & 0xFF) + q3 * (p >>> 24);
        }
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
        Quantized qq = s.quantized;
        Ranker.QueryScorer scorer = s.scorer;
        float maxBoost = scorer.maxBoost();
        float[] scale = block.scale;
        float[] error = block.error;
        long[] jobSignature = block.jobSignature;
        long[] tagSignature = block.tagSignature;
        for (int j = 0; j < count; j++) {
            float threshold = s.top.threshold();
            float upper = qq.scale * scale[j] * (acc[base + j] - qq.bias) + qq.norm * error[j] + qq.error + SLACK;
            if (upper + maxBoost <= threshold) {
                continue;
            }
            // Most profiles share no word with the query, or only a tag word: bounded by their
            // signatures, without reading the profile (a boost() costs a few cache misses).
            float boostBound = maxBoost == 0f ? 0f : scorer.boostBound(jobSignature[j], tagSignature[j]);
            if (upper + boostBound <= threshold) {
                continue;
            }
            Entry entry = entries[base + j];
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
    private record Search(float[] query, Quantized quantized, Ranker.QueryScorer scorer, Filter filter, TopK top) {
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

    private boolean place(Entry entry) {
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
        int capacity = columns[0].length;
        if (capacity < wanted) {
            capacity = Math.max(wanted, Math.max(BLOCK, capacity + (capacity >> 1)));
            for (int g = 0; g < groups; g++) {
                columns[g] = Arrays.copyOf(columns[g], capacity);
            }
        }
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

    private void writeSlot(int slot, Entry entry, float[] vector) {
        Block block = blocks[slot / BLOCK];
        int j = slot % BLOCK;
        block.jobSignature[j] = entry.features.jobSignature();
        block.tagSignature[j] = entry.features.tagSignature();
        System.arraycopy(vector, 0, block.exact, j * dimensions, dimensions);
        float max = 0f;
        for (float x : vector) {
            max = Math.max(max, Math.abs(x));
        }
        float scale = max == 0f ? 1f : max / 127f;
        double errorSquares = 0;
        for (int g = 0; g < groups; g++) {
            int packed = 0;
            for (int k = 0; k < 4; k++) {
                int d = 4 * g + k;
                float x = d < dimensions ? vector[d] : 0f;
                int v = Math.max(-127, Math.min(127, Math.round(x / scale)));
                double e = x - (double) v * scale;
                errorSquares += e * e;
                packed |= (v + 128) << (8 * k);
            }
            columns[g][slot] = packed;
        }
        block.scale[j] = scale;
        block.error[j] = (float) Math.sqrt(errorSquares);
    }

    private void copySlot(int from, int to) {
        Block source = blocks[from / BLOCK];
        Block target = blocks[to / BLOCK];
        int jf = from % BLOCK;
        int jt = to % BLOCK;
        System.arraycopy(source.exact, jf * dimensions, target.exact, jt * dimensions, dimensions);
        for (int g = 0; g < groups; g++) {
            columns[g][to] = columns[g][from];
        }
        target.scale[jt] = source.scale[jf];
        target.error[jt] = source.error[jf];
        target.jobSignature[jt] = source.jobSignature[jf];
        target.tagSignature[jt] = source.tagSignature[jf];
    }

    private void clearSlot(int slot) {
        Block block = blocks[slot / BLOCK];
        int j = slot % BLOCK;
        Arrays.fill(block.exact, j * dimensions, (j + 1) * dimensions, 0f);
        for (int g = 0; g < groups; g++) {
            columns[g][slot] = 0x80808080; // biased zeros
        }
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

    /** The query in int8 (dimensions padded to a multiple of 4) and the terms of the error bound. */
    private static final class Quantized {
        final int[] values;
        final float scale;
        /** |dequantized query|. */
        final float norm;
        /** |query - dequantized query|. */
        final float error;
        /** 128 * sum(values): what the biased bytes add to every int dot product. */
        final int bias;

        private Quantized(int[] values, float scale, float norm, float error, int bias) {
            this.values = values;
            this.scale = scale;
            this.norm = norm;
            this.error = error;
            this.bias = bias;
        }

        static Quantized of(float[] q, int groups) {
            float max = 0f;
            for (float x : q) {
                max = Math.max(max, Math.abs(x));
            }
            float scale = max == 0f ? 1f : max / 127f;
            int[] values = new int[groups * 4];
            double norm = 0;
            double error = 0;
            int sum = 0;
            for (int d = 0; d < q.length; d++) {
                int v = Math.max(-127, Math.min(127, Math.round(q[d] / scale)));
                values[d] = v;
                sum += v;
                double dequantized = (double) v * scale;
                norm += dequantized * dequantized;
                error += (q[d] - dequantized) * (q[d] - dequantized);
            }
            return new Quantized(values, scale, (float) Math.sqrt(norm), (float) Math.sqrt(error), 128 * sum);
        }
    }

    /** An indexed profile: the projection's answer fields (not its base64 embedding) and precomputed keys. */
    static final class Entry {
        final String id;
        final String textHash;
        final long version;
        float[] vector; // only until placed: the blocks hold the copy that is searched
        final String name;
        final String address;
        final String job;
        final String description;
        final List<String> tags;
        final BigDecimal averagePrice;
        final String city;
        final String cityKey;
        final String jobKey;
        final Set<String> tagKeys;
        final double price;
        final ProfileFeatures features;

        private Entry(MatchProjection p, float[] vector) {
            this.id = p.id();
            this.textHash = p.textHash();
            this.version = p.version();
            this.vector = vector;
            this.name = p.name();
            this.address = p.address();
            // Jobs, cities and tags repeat across profiles: one copy each (the index is most of the API's heap).
            this.job = shared(p.job());
            this.description = p.description();
            this.tags = p.tags() == null ? List.of()
                    : List.copyOf(p.tags().stream().map(t -> t == null ? "" : shared(t)).toList());
            this.averagePrice = p.averagePrice();
            this.city = shared(p.city());
            this.cityKey = shared(key(p.city()));
            this.jobKey = shared(key(p.job()));
            this.tagKeys = this.tags.stream().map(t -> shared(key(t))).collect(Collectors.toUnmodifiableSet());
            this.price = p.averagePrice() == null ? Double.NaN : p.averagePrice().doubleValue();
            this.features = ProfileFeatures.of(p.job(), this.tags);
        }

        static Entry of(MatchProjection projection, int dimensions) {
            if (projection == null || projection.id() == null) {
                throw new IllegalArgumentException("a projection needs an id");
            }
            if (projection.embedding() == null) {
                throw new IllegalArgumentException("projection " + projection.id() + " has no embedding");
            }
            float[] vector = projection.vector();
            if (vector.length != dimensions) {
                throw new IllegalArgumentException("projection " + projection.id() + " has " + vector.length
                        + " dimensions, the index " + dimensions);
            }
            return new Entry(projection, Vectors.normalize(vector));
        }

        MatchHit hit(float score, float cosine) {
            return new MatchHit(id, score, cosine, name, address, job, description, tags, averagePrice, city);
        }
    }

    private static String shared(String s) {
        return s == null ? null : s.intern();
    }

    static String key(String s) {
        return s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
    }

    private record Filter(String city, String job, double maxPrice, Set<String> tags) {
        static Filter of(MatchQuery q) {
            if (!q.hasFilters()) {
                return null;
            }
            return new Filter(
                    MatchQuery.isBlank(q.location()) ? null : key(q.location()),
                    MatchQuery.isBlank(q.job()) ? null : key(q.job()),
                    q.maxPrice() == null ? Double.NaN : q.maxPrice().doubleValue(),
                    q.tags().stream().filter(t -> t != null && !t.isBlank()).map(MatchIndex::key)
                            .collect(Collectors.toUnmodifiableSet()));
        }

        boolean test(Entry e) {
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

    /** A bounded min-heap on the final score. */
    private static final class TopK {
        private final int k;
        private final Entry[] entries;
        private final float[] scores;
        private final float[] cosines;
        private int n;

        TopK(int k) {
            this.k = k;
            this.entries = new Entry[k];
            this.scores = new float[k];
            this.cosines = new float[k];
        }

        float threshold() {
            return n < k ? Float.NEGATIVE_INFINITY : scores[0];
        }

        void offer(Entry entry, float score, float cosine) {
            if (n < k) {
                int i = n++;
                set(i, entry, score, cosine);
                siftUp(i);
            } else if (score > scores[0]) {
                set(0, entry, score, cosine);
                siftDown(0);
            }
        }

        List<MatchHit> hits() {
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> {
                int c = Float.compare(scores[b], scores[a]);
                return c != 0 ? c : entries[a].id.compareTo(entries[b].id);
            });
            List<MatchHit> out = new ArrayList<>(n);
            for (int i : order) {
                out.add(entries[i].hit(scores[i], cosines[i]));
            }
            return out;
        }

        private void set(int i, Entry entry, float score, float cosine) {
            entries[i] = entry;
            scores[i] = score;
            cosines[i] = cosine;
        }

        private void swap(int a, int b) {
            Entry e = entries[a];
            entries[a] = entries[b];
            entries[b] = e;
            float s = scores[a];
            scores[a] = scores[b];
            scores[b] = s;
            float c = cosines[a];
            cosines[a] = cosines[b];
            cosines[b] = c;
        }

        private void siftUp(int i) {
            while (i > 0) {
                int parent = (i - 1) / 2;
                if (scores[i] >= scores[parent]) {
                    return;
                }
                swap(i, parent);
                i = parent;
            }
        }

        private void siftDown(int i) {
            while (true) {
                int l = 2 * i + 1;
                int r = l + 1;
                int smallest = i;
                if (l < n && scores[l] < scores[smallest]) {
                    smallest = l;
                }
                if (r < n && scores[r] < scores[smallest]) {
                    smallest = r;
                }
                if (smallest == i) {
                    return;
                }
                swap(i, smallest);
                i = smallest;
            }
        }
    }
}
