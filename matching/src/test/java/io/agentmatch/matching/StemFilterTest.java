package io.agentmatch.matching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StemFilterTest {

    @Test
    void neverRejectsAProfileThatSharesAStem() {
        Random random = new Random(1);
        for (int trial = 0; trial < 2_000; trial++) {
            List<String> tags = List.of(word(random), word(random), word(random));
            ProfileFeatures profile = ProfileFeatures.of(word(random) + " " + word(random), tags);
            String shared = profile.stems()[random.nextInt(profile.stems().length)];
            List<String> queryWords = new ArrayList<>(List.of(shared));
            for (int i = random.nextInt(30); i > 0; i--) { // beyond 16 stems the union test is used
                queryWords.add(word(random));
            }
            StemFilter filter = StemFilter.of(queryWords.stream().map(Words::key).mapToLong(Long::longValue).toArray());
            assertTrue(filter.mayShare(profile.jobSignature(), profile.tagSignature()), queryWords + " vs " + profile);
        }
    }

    @Test
    void rejectsAlmostAllProfilesThatShareNothing() {
        Random random = new Random(2);
        StemFilter filter = StemFilter.of(Words.stems("leaking kitchen sink pipes urgent").stream()
                .mapToLong(Words::key).toArray());
        int passed = 0;
        for (int i = 0; i < 10_000; i++) {
            ProfileFeatures profile = ProfileFeatures.of("Job" + word(random), List.of(word(random), word(random), word(random)));
            passed += filter.mayShare(profile.jobSignature(), profile.tagSignature()) ? 1 : 0;
        }
        assertTrue(passed < 400, passed + " of 10,000 unrelated profiles passed"); // ~2.5% expected
    }

    @Test
    void anyAndNone() {
        assertTrue(StemFilter.ANY.mayShare(0L, 0L));
        assertFalse(StemFilter.NONE.mayShare(-1L, -1L));
        assertEquals(StemFilter.NONE, StemFilter.of(new long[0]));
    }

    @Test
    void boostBoundIsNeverBelowTheBoostAndMostlyTight() {
        Random random = new Random(3);
        String[] vocabulary = {"plumber", "pipes", "leaks", "electrician", "wiring", "repairs", "kitchen", "garden",
                "tutor", "algebra", "painter", "walls", "chef", "catering", "mechanic", "brakes"};
        int tight = 0;
        int trials = 5_000;
        for (int trial = 0; trial < trials; trial++) {
            ProfileFeatures profile = ProfileFeatures.of(pick(random, vocabulary) + " " + word(random),
                    List.of(pick(random, vocabulary), pick(random, vocabulary), word(random)));
            StringBuilder query = new StringBuilder();
            for (int i = 1 + random.nextInt(6); i > 0; i--) {
                query.append(random.nextBoolean() ? pick(random, vocabulary) : word(random)).append(' ');
            }
            Ranker.QueryScorer scorer = MatchRanking.DEFAULT.prepare(query.toString());
            float boost = scorer.boost(profile);
            float bound = scorer.boostBound(profile.jobSignature(), profile.tagSignature());
            assertTrue(bound >= boost, query + "vs " + profile + ": bound " + bound + " < boost " + boost);
            assertTrue(bound <= scorer.maxBoost(), "bound above the cap");
            tight += Math.abs(bound - boost) < 1e-6 ? 1 : 0;
        }
        assertTrue(tight > trials * 0.95, tight + " of " + trials + " bounds equal to the boost");
    }

    @Test
    void boostIsUnchangedByTheSignature() {
        Ranker.QueryScorer scorer = MatchRanking.DEFAULT.prepare("plumber needed for leaking pipes");
        assertEquals(0.15f, scorer.boost(ProfileFeatures.of("Plumber", List.of("pipes", "leaks"))), 1e-6);
        assertEquals(0.05f, scorer.boost(ProfileFeatures.of("Electrician", List.of("pipes"))), 1e-6);
        assertEquals(0f, scorer.boost(ProfileFeatures.of("Electrician", List.of("wiring"))), 1e-6);
    }

    private static String pick(Random random, String[] words) {
        return words[random.nextInt(words.length)];
    }

    private static String word(Random random) {
        StringBuilder b = new StringBuilder();
        for (int i = 3 + random.nextInt(6); i > 0; i--) {
            b.append((char) ('a' + random.nextInt(26)));
        }
        return b.toString();
    }
}
