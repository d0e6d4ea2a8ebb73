package io.agentmatch.matching.bench;

import io.agentmatch.contract.events.MatchProjection;
import io.agentmatch.matching.CachingEmbedder;
import io.agentmatch.matching.Embedder;
import io.agentmatch.matching.Embedders;
import io.agentmatch.matching.MatchIndex;
import io.agentmatch.matching.MatchQuery;
import io.agentmatch.matching.ModelVariant;
import io.agentmatch.matching.Vectors;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@link MatchIndex} on random normalized vectors: build time, heap held by the index, and search
 * latency percentiles with 1 and 4 concurrent searching threads.
 * {@code main [sizes...]} (default 10000 100000); {@code -Dqueries=300} searches per thread;
 * {@code -Dembed=true} adds a "/match" line: embed the query with the default model through a
 * {@link CachingEmbedder} (60 distinct descriptions, so most are cache misses at first) plus search.
 */
public final class IndexBench {
    private static final String[] JOBS = {"Plumber", "Electrician", "Carpenter", "Mechanic", "Doctor", "Painter",
            "Chef", "Lawyer", "Translator", "Gardener", "Math Tutor", "Photographer"};
    private static final String[] CITIES = {"Berlin", "Paris", "New York", "San Francisco", "São Paulo", "Tokyo"};
    private static final String[] TAGS = {"pipes", "leaks", "wiring", "cabinets", "brakes", "painting", "cooking",
            "contracts", "gardening", "algebra", "weddings", "repairs"};

    public static void main(String[] args) throws Exception {
        int[] sizes = args.length == 0 ? new int[] {10_000, 100_000} : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        int queries = Integer.getInteger("queries", 300);
        for (int n : sizes) {
            bench(n, queries);
        }
    }

    static void bench(int n, int queries) throws Exception {
        int dim = ModelVariant.DIMENSIONS;
        Random random = new Random(42);
        long heapBefore = usedHeap();
        List<MatchProjection> projections = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            projections.add(projection(random, i, dim));
        }
        long start = System.nanoTime();
        MatchIndex index = new MatchIndex();
        index.upsertAll(projections);
        double buildMs = (System.nanoTime() - start) / 1e6;
        projections = null;
        long heapAfter = usedHeap();
        System.out.printf("N=%,d: build %.0f ms (%.1f µs/profile, decoding included), index heap %.0f MB%n", n, buildMs,
                buildMs * 1000 / n, (heapAfter - heapBefore) / 1e6);

        MatchQuery plain = MatchQuery.of("my kitchen sink leaks, pipes need repairs");
        MatchQuery filtered = plain.withLocation("berlin").withMaxPrice(new BigDecimal("60"));
        for (int threads : new int[] {1, 4}) {
            for (MatchQuery q : List.of(plain, filtered)) {
                long[] latencies = run(index, q, threads, queries, dim, null);
                System.out.printf("  %d thread(s) %-8s p50 %.2f ms  p99 %.2f ms  max %.2f ms%n", threads,
                        q.hasFilters() ? "filtered" : "plain", latencies[latencies.length / 2] / 1e6,
                        latencies[(int) Math.ceil(latencies.length * 0.99) - 1] / 1e6,
                        latencies[latencies.length - 1] / 1e6);
            }
            if (Boolean.getBoolean("embed")) {
                Embedder embedder = new CachingEmbedder(Embedders.get(Embedders.DEFAULT_MODEL), 256);
                long[] latencies = run(index, plain, threads, queries, dim, embedder);
                System.out.printf("  %d thread(s) embed+search p50 %.2f ms  p99 %.2f ms  max %.2f ms%n", threads,
                        latencies[latencies.length / 2] / 1e6,
                        latencies[(int) Math.ceil(latencies.length * 0.99) - 1] / 1e6,
                        latencies[latencies.length - 1] / 1e6);
            }
        }
    }

    private static final String[] WORDS = {"kitchen", "sink", "leaking", "wiring", "outlets", "cabinets", "brakes",
            "fever", "python", "logo", "contract", "algebra", "tax", "wedding", "workout", "catering", "cleaning",
            "lawn", "paint", "dog", "forecast", "locked", "piano", "house"};

    private static String description(Random random) {
        return "I need help with " + WORDS[random.nextInt(WORDS.length)] + " and " + WORDS[random.nextInt(WORDS.length)]
                + " near " + CITIES[random.nextInt(CITIES.length)] + " please, case " + random.nextInt(60);
    }

    private static long[] run(MatchIndex index, MatchQuery q, int threads, int queries, int dim, Embedder embedder)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<long[]>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int seed = t;
                futures.add(pool.submit(() -> {
                    Random random = new Random(1000 + seed);
                    for (int i = 0; i < 50; i++) { // warm-up
                        index.search(randomUnit(random, dim), q);
                    }
                    long[] out = new long[queries];
                    for (int i = 0; i < queries; i++) {
                        if (embedder != null) {
                            String text = description(random);
                            long s = System.nanoTime();
                            index.search(embedder.embed(text), MatchQuery.of(text));
                            out[i] = System.nanoTime() - s;
                            continue;
                        }
                        float[] vector = randomUnit(random, dim);
                        long s = System.nanoTime();
                        index.search(vector, q);
                        out[i] = System.nanoTime() - s;
                    }
                    return out;
                }));
            }
            long[] all = new long[0];
            for (Future<long[]> f : futures) {
                long[] part = f.get();
                int offset = all.length;
                all = Arrays.copyOf(all, offset + part.length);
                System.arraycopy(part, 0, all, offset, part.length);
            }
            Arrays.sort(all);
            return all;
        } finally {
            pool.shutdownNow();
        }
    }

    static MatchProjection projection(Random random, int i, int dim) {
        List<String> tags = List.of(TAGS[random.nextInt(TAGS.length)], TAGS[random.nextInt(TAGS.length)]);
        BigDecimal price = random.nextInt(10) == 0 ? null : BigDecimal.valueOf(10 + random.nextInt(9000), 2);
        return new MatchProjection("p-" + i, "h" + i, MatchProjection.encode(randomUnit(random, dim)), "Name " + i,
                "0x" + Integer.toHexString(i), JOBS[random.nextInt(JOBS.length)], CITIES[random.nextInt(CITIES.length)],
                price, tags, "I fix things and answer questions, profile number " + i + ", friendly and reliable.", 1);
    }

    static float[] randomUnit(Random random, int dim) {
        float[] v = new float[dim];
        for (int i = 0; i < dim; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return Vectors.normalize(v);
    }

    private static long usedHeap() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return rt.totalMemory() - rt.freeMemory();
    }
}
