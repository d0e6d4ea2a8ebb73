package io.agentmatch.matching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentmatch.contract.events.MatchProjection;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class MatchIndexTest {
    private static final int DIM = 384;

    static float[] randomUnit(Random random, int dim) {
        float[] v = new float[dim];
        for (int i = 0; i < dim; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return Vectors.normalize(v);
    }

    static MatchProjection projection(String id, float[] v, String job, String city, String price, List<String> tags,
                                      long version) {
        return new MatchProjection(id, "h-" + id, MatchProjection.encode(v), "name " + id, "0x" + id, job, city,
                price == null ? null : new BigDecimal(price), tags, "desc " + id, version);
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void exactlyTheBruteForceTopK(long seed) {
        Random random = new Random(seed);
        int n = 1 + random.nextInt(3000); // partial last block included
        MatchIndex index = new MatchIndex(DIM, Ranker.COSINE);
        List<float[]> vectors = new ArrayList<>();
        List<MatchProjection> batch = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] v = randomUnit(random, DIM);
            vectors.add(v);
            batch.add(projection("p" + i, v, "Plumber", "Berlin", "10", List.of("a"), 1));
        }
        index.upsertAll(batch.subList(0, n / 2));
        batch.subList(n / 2, n).forEach(index::upsert);
        assertEquals(n, index.size());
        for (int trial = 0; trial < 10; trial++) {
            float[] q = randomUnit(random, DIM);
            int k = 1 + random.nextInt(20);
            List<MatchHit> hits = index.search(q, MatchQuery.of("anything").withLimit(k));
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                expected.add(i);
            }
            expected.sort(Comparator.comparingDouble((Integer i) -> -dot(q, vectors.get(i))));
            assertEquals(Math.min(k, n), hits.size());
            for (int r = 0; r < hits.size(); r++) {
                int want = expected.get(r);
                assertEquals("p" + want, hits.get(r).id(), "seed " + seed + " rank " + r);
                assertEquals(dot(q, vectors.get(want)), hits.get(r).cosine(), 1e-5);
            }
        }
    }



    @Test
    void exactAmongNearDuplicatesThatInt8CannotOrder() {
        // Profiles within ~1e-3 of the query: their int8 scores differ from their cosines by more than the
        // cosines differ from each other, so only the exact float32 pass can order them.
        Random random = new Random(21);
        float[] q = randomUnit(random, DIM);
        MatchIndex index = new MatchIndex(DIM, Ranker.COSINE);
        List<float[]> vectors = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            float[] v = q.clone();
            for (int d = 0; d < DIM; d++) {
                v[d] += (float) (i % 10 == 0 ? 0.001 : 0.05) * (float) random.nextGaussian();
            }
            vectors.add(Vectors.normalize(v));
            index.upsert(projection("p" + i, v, "Job", "City", "1", List.of(), 1));
        }
        List<Integer> exact = new ArrayList<>();
        for (int i = 0; i < vectors.size(); i++) {
            exact.add(i);
        }
        exact.sort(Comparator.comparingDouble((Integer i) -> -dot(q, vectors.get(i))));
        Int8Vector quantized = Int8Vector.quantize(q, DIM / 4);
        List<Integer> byInt8 = new ArrayList<>(exact);
        byInt8.sort(Comparator.comparingDouble((Integer i) -> {
            Int8Vector p = Int8Vector.quantize(vectors.get(i), DIM / 4);
            int biased = 0;
            for (int d = 0; d < DIM; d++) {
                biased += quantized.values[d] * (p.values[d] + 128);
            }
            return -(double) quantized.upperBound(biased, p.scale, p.error);
        }));
        assertFalse(byInt8.subList(0, 20).equals(exact.subList(0, 20)), "the premise: int8 alone misorders them");

        List<MatchHit> hits = index.search(q, MatchQuery.of("x").withLimit(20));
        for (int r = 0; r < 20; r++) {
            assertEquals("p" + exact.get(r), hits.get(r).id(), "rank " + r);
        }
    }

    @Test
    void filters() {
        Random random = new Random(7);
        MatchIndex index = new MatchIndex(DIM, Ranker.COSINE);
        index.upsert(projection("a", randomUnit(random, DIM), "Plumber", "Berlin", "40", List.of("Pipes", "Leaks"), 1));
        index.upsert(projection("b", randomUnit(random, DIM), "plumber", "berlin", "80.5", List.of("pipes"), 1));
        index.upsert(projection("c", randomUnit(random, DIM), "Electrician", "Paris", "30", List.of("wiring"), 1));
        index.upsert(projection("d", randomUnit(random, DIM), "Plumber", null, null, null, 1));
        float[] q = randomUnit(random, DIM);
        MatchQuery all = MatchQuery.of("x").withLimit(10);
        assertEquals(4, index.search(q, all).size());
        assertEquals(List.of("a", "b"), ids(index.search(q, all.withLocation("BERLIN"))));
        assertEquals(List.of("a", "b", "d"), ids(index.search(q, all.withJob(" PLUMBER "))));
        assertEquals(List.of("a", "c"), ids(index.search(q, all.withMaxPrice(new BigDecimal("80")))));
        assertEquals(List.of("a", "b", "c"), ids(index.search(q, all.withMaxPrice(new BigDecimal("80.5")))));
        assertEquals(List.of("a", "b"), ids(index.search(q, all.withTags(List.of("PIPES")))));
        assertEquals(List.of("a"), ids(index.search(q, all.withTags(List.of("pipes", "leaks")))));
        assertEquals(List.of(), ids(index.search(q, all.withTags(List.of("pipes", "wiring")))));
        assertEquals(List.of("a", "b"), ids(index.search(q, all.withLocation("Berlin")
                .withMaxPrice(new BigDecimal("100")).withTags(List.of("pipes")).withJob("plumber"))));
        assertEquals(5, MatchQuery.of("x").limit());
    }

    private static List<String> ids(List<MatchHit> hits) {
        return hits.stream().map(MatchHit::id).sorted().toList();
    }

    @Test
    void removeAndUpsertReplace() {
        Random random = new Random(11);
        MatchIndex index = new MatchIndex(DIM, Ranker.COSINE);
        List<float[]> vectors = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            float[] v = randomUnit(random, DIM);
            vectors.add(v);
            index.upsert(projection("p" + i, v, "Job", "City", "1", List.of(), 1));
        }
        // Each vector finds itself; removal of a middle slot moves the last one into it.
        assertTrue(index.remove("p17"));
        assertFalse(index.remove("p17"));
        assertFalse(index.contains("p17"));
        assertEquals(199, index.size());
        assertEquals("p199", index.search(vectors.get(199), MatchQuery.of("x").withLimit(1)).get(0).id());
        assertFalse(ids(index.search(vectors.get(17), MatchQuery.of("x").withLimit(199))).contains("p17"));

        // Upsert replaces vector and fields; an older version is ignored.
        float[] moved = vectors.get(3);
        index.upsert(projection("p5", moved, "Carpenter", "Oslo", "2", List.of("wood"), 2));
        assertEquals(199, index.size());
        List<MatchHit> top = index.search(moved, MatchQuery.of("x").withLimit(2));
        assertEquals(List.of("p3", "p5"), ids(top));
        MatchHit p5 = top.stream().filter(h -> h.id().equals("p5")).findFirst().orElseThrow();
        assertEquals("Carpenter", p5.job());
        assertEquals("Oslo", p5.city());
        assertFalse(index.upsert(projection("p5", vectors.get(5), "Old", "Old", "2", List.of(), 1)));
        assertEquals("Carpenter", index.search(moved, MatchQuery.of("x").withJob("carpenter")).get(0).job());

        for (int i = 0; i < 200; i++) {
            index.remove("p" + i);
        }
        assertEquals(0, index.size());
        assertEquals(List.of(), index.search(moved, MatchQuery.of("x")));
    }

    @Test
    void boostsAreRankedExactly() {
        Random random = new Random(3);
        MatchIndex index = new MatchIndex(DIM, MatchRanking.DEFAULT);
        List<MatchProjection> all = new ArrayList<>();
        String[] jobs = {"Plumber", "Electrician", "Painter", "Chef"};
        for (int i = 0; i < 1500; i++) {
            all.add(projection("p" + i, randomUnit(random, DIM), jobs[i % 4], "X", "1",
                    List.of(i % 3 == 0 ? "leaks" : "other"), 1));
        }
        index.upsertAll(all);
        float[] q = randomUnit(random, DIM);
        String text = "plumber needed for leaks";
        Ranker.QueryScorer scorer = MatchRanking.DEFAULT.prepare(text);
        List<Double> expected = all.stream()
                .map(p -> dot(q, p.vector()) + scorer.boost(ProfileFeatures.of(p.job(), p.tags())))
                .sorted(Comparator.reverseOrder()).limit(8).toList();
        List<MatchHit> hits = index.search(q, MatchQuery.of(text).withLimit(8));
        for (int i = 0; i < 8; i++) {
            assertEquals(expected.get(i), hits.get(i).score(), 1e-5);
        }
        assertTrue(hits.get(0).score() > hits.get(0).cosine());
    }

    @Test
    void concurrentSearchesDuringUpserts() throws Exception {
        MatchIndex index = new MatchIndex(DIM, MatchRanking.DEFAULT);
        Random seedRandom = new Random(5);
        for (int i = 0; i < 500; i++) {
            index.upsert(projection("p" + i, randomUnit(seedRandom, DIM), "Plumber", "Berlin", "5", List.of("a"), 1));
        }
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> searchers = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                int seed = t;
                searchers.add(pool.submit(() -> {
                    Random random = new Random(100 + seed);
                    int searches = 0;
                    while (!stop.get()) {
                        List<MatchHit> hits = index.search(randomUnit(random, DIM),
                                MatchQuery.of("plumber").withLimit(5).withTags(List.of("a")));
                        assertTrue(hits.size() <= 5);
                        searches++;
                    }
                    return searches;
                }));
            }
            Future<?> writer = pool.submit(() -> {
                Random random = new Random(9);
                for (int i = 0; i < 1000; i++) {
                    String id = "p" + random.nextInt(1500);
                    if (random.nextInt(3) == 0) {
                        index.remove(id);
                    } else {
                        index.upsert(projection(id, randomUnit(random, DIM), "Plumber", "Berlin", "5", List.of("a"), 1));
                    }
                }
            });
            writer.get(60, TimeUnit.SECONDS);
            stop.set(true);
            for (Future<Integer> searcher : searchers) {
                assertTrue(searcher.get(30, TimeUnit.SECONDS) > 0);
            }
        } finally {
            stop.set(true);
            pool.shutdownNow();
        }
    }
}
