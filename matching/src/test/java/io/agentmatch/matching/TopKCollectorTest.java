package io.agentmatch.matching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TopKCollectorTest {
    private static final float[] VECTOR = {1f, 0f, 0f, 0f};

    private static IndexedProfile profile(String id) {
        return IndexedProfile.of(MatchIndexTest.projection(id, VECTOR.clone(), "Job", "City", "1", List.of(), 1), 4);
    }

    private record Offer(String id, float score) {
    }

    @Test
    void keepsTheKBestBestFirstAndTheThresholdIsTheKthBestSoFar() {
        Random random = new Random(1);
        for (int trial = 0; trial < 200; trial++) {
            int k = 1 + random.nextInt(12);
            TopKCollector top = new TopKCollector(k);
            List<Offer> offered = new ArrayList<>();
            for (int i = 0; i < random.nextInt(60); i++) {
                Offer offer = new Offer(String.format("p%03d", i), random.nextInt(40) / 8f); // ties included
                float before = top.threshold();
                top.offer(profile(offer.id), offer.score, offer.score - 0.5f);
                offered.add(offer);
                List<Float> best = offered.stream().map(Offer::score).sorted(Comparator.reverseOrder()).toList();
                assertEquals(best.size() < k ? Float.NEGATIVE_INFINITY : best.get(k - 1), top.threshold());
                assertTrue(top.threshold() >= before, "the threshold never falls");
            }
            List<MatchHit> hits = top.hits();
            List<Double> expectedScores = offered.stream().map(o -> (double) o.score).sorted(Comparator.reverseOrder())
                    .limit(k).toList();
            assertEquals(expectedScores, hits.stream().map(MatchHit::score).toList(), "trial " + trial);
            for (int i = 1; i < hits.size(); i++) {
                if (hits.get(i).score() == hits.get(i - 1).score()) {
                    assertTrue(hits.get(i - 1).id().compareTo(hits.get(i).id()) < 0, "equal scores by id");
                }
            }
            for (MatchHit hit : hits) {
                assertEquals((double) ((float) hit.score() - 0.5f), hit.cosine(), "the cosine travels with its profile");
            }
        }
    }

    @Test
    void aScoreEqualToTheThresholdDoesNotEnter() {
        TopKCollector top = new TopKCollector(2);
        top.offer(profile("b"), 0.9f, 0.9f);
        top.offer(profile("c"), 0.5f, 0.5f);
        top.offer(profile("a"), 0.5f, 0.5f);
        assertEquals(List.of("b", "c"), top.hits().stream().map(MatchHit::id).toList());
        top.offer(profile("d"), 0.6f, 0.6f);
        assertEquals(0.6f, top.threshold());
        assertEquals(List.of("b", "d"), top.hits().stream().map(MatchHit::id).toList());
    }

    @Test
    void fewerOffersThanK() {
        TopKCollector top = new TopKCollector(5);
        assertEquals(List.of(), top.hits());
        top.offer(profile("x"), -0.3f, -0.3f);
        top.offer(profile("y"), 0.2f, 0.1f);
        assertEquals(Float.NEGATIVE_INFINITY, top.threshold());
        List<MatchHit> hits = top.hits();
        assertEquals(List.of("y", "x"), hits.stream().map(MatchHit::id).toList());
        assertEquals("Job", hits.get(0).job());
        assertEquals(0.1f, hits.get(0).cosine());
    }
}
