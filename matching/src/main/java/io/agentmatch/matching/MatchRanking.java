package io.agentmatch.matching;

import java.util.List;

/**
 * Our ranking: cosine plus a generalized keyword boost. Every distinct (crudely stemmed, stop-word
 * free) word of the request that is also a word of the profile's job title adds {@code jobWeight},
 * one that is a word of its tags adds {@code tagWeight}; the boost is capped at {@code maxBoost}.
 * Optionally the legacy profession boosts are added on top. The defaults were chosen with
 * {@link RelevanceEvaluation} on the shared data (see the matching README).
 */
public final class MatchRanking implements Ranker {

    public static final MatchRanking DEFAULT = new MatchRanking(0.10f, 0.05f, 0.15f, false);

    private final float jobWeight;
    private final float tagWeight;
    private final float cap;
    private final boolean legacyBoosts;
    private final LegacyScoring legacy = new LegacyScoring();

    public MatchRanking(float jobWeight, float tagWeight, float cap, boolean legacyBoosts) {
        if (jobWeight < 0 || tagWeight < 0 || cap < 0) {
            throw new IllegalArgumentException("weights must be >= 0");
        }
        this.jobWeight = jobWeight;
        this.tagWeight = tagWeight;
        this.cap = cap;
        this.legacyBoosts = legacyBoosts;
    }

    @Override
    public String name() {
        return "ours(job=" + jobWeight + ",tag=" + tagWeight + ",cap=" + cap + (legacyBoosts ? ",+legacy" : "") + ")";
    }

    @Override
    public QueryScorer prepare(String queryText) {
        List<String> words = Words.stems(queryText);
        String[] query = words.toArray(String[]::new);
        QueryScorer legacyScorer = legacyBoosts ? legacy.prepare(queryText) : null;
        float wordMax = query.length == 0 ? 0f : cap;
        float max = wordMax + (legacyScorer == null ? 0f : legacyScorer.maxBoost());
        return new QueryScorer() {
            @Override
            public float maxBoost() {
                return max;
            }

            @Override
            public float boost(ProfileFeatures profile) {
                float boost = 0f;
                for (String word : query) {
                    if (contains(profile.jobStems(), word)) {
                        boost += jobWeight;
                    } else if (contains(profile.tagStems(), word)) {
                        boost += tagWeight;
                    }
                }
                boost = Math.min(boost, cap);
                return legacyScorer == null ? boost : boost + legacyScorer.boost(profile);
            }
        };
    }

    private static boolean contains(String[] stems, String word) {
        for (String stem : stems) {
            if (stem.equals(word)) {
                return true;
            }
        }
        return false;
    }
}
