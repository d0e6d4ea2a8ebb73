package io.agentmatch.matching;

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
        String[] query = Words.stems(queryText).toArray(String[]::new);
        long[] keys = new long[query.length];
        for (int i = 0; i < query.length; i++) {
            keys[i] = Words.key(query[i]);
        }
        QueryScorer legacyScorer = legacyBoosts ? legacy.prepare(queryText) : null;
        float wordMax = query.length == 0 ? 0f : cap;
        float max = wordMax + (legacyScorer == null ? 0f : legacyScorer.maxBoost());
        // The legacy boosts look at the job title's text, not at shared stems.
        StemFilter stems = legacyScorer == null ? StemFilter.of(keys) : StemFilter.ANY;
        return new QueryScorer() {
            @Override
            public float maxBoost() {
                return max;
            }

            @Override
            public StemFilter stems() {
                return stems;
            }

            @Override
            public float boostBound(long jobSignature, long tagSignature) {
                if (legacyScorer != null) {
                    return max;
                }
                // A profile whose signatures may hold one tag word is bounded by 0.05, not by the cap:
                // that keeps almost every profile out of boost(), which reads the profile's words.
                return Math.min(cap, stems.weigh(jobSignature, tagSignature, jobWeight, tagWeight));
            }

            @Override
            public float boost(ProfileFeatures profile) {
                float boost = 0f;
                if (stems.mayShare(profile.jobSignature(), profile.tagSignature())) {
                    for (int i = 0; i < query.length; i++) {
                        int at = profile.indexOf(query[i], keys[i]);
                        if (at >= 0) {
                            boost += at < profile.jobStemCount() ? jobWeight : tagWeight;
                        }
                    }
                }
                boost = Math.min(boost, cap);
                return legacyScorer == null ? boost : boost + legacyScorer.boost(profile);
            }
        };
    }
}
