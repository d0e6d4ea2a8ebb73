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
            assertTrue(filter.mayShare(profile.signatureLow(), profile.signatureHigh()), queryWords + " vs " + profile);
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
            passed += filter.mayShare(profile.signatureLow(), profile.signatureHigh()) ? 1 : 0;
        }
        assertTrue(passed < 300, passed + " of 10,000 unrelated profiles passed"); // ~2% expected
    }

    @Test
    void anyAndNone() {
        assertTrue(StemFilter.ANY.mayShare(0L, 0L));
        assertFalse(StemFilter.NONE.mayShare(-1L, -1L));
        assertEquals(StemFilter.NONE, StemFilter.of(new long[0]));
    }

    @Test
    void boostIsUnchangedByTheSignature() {
        Ranker.QueryScorer scorer = MatchRanking.DEFAULT.prepare("plumber needed for leaking pipes");
        assertEquals(0.15f, scorer.boost(ProfileFeatures.of("Plumber", List.of("pipes", "leaks"))), 1e-6);
        assertEquals(0.05f, scorer.boost(ProfileFeatures.of("Electrician", List.of("pipes"))), 1e-6);
        assertEquals(0f, scorer.boost(ProfileFeatures.of("Electrician", List.of("wiring"))), 1e-6);
    }

    private static String word(Random random) {
        StringBuilder b = new StringBuilder();
        for (int i = 3 + random.nextInt(6); i > 0; i--) {
            b.append((char) ('a' + random.nextInt(26)));
        }
        return b.toString();
    }
}
