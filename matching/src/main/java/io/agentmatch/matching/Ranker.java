package io.agentmatch.matching;

/**
 * Final score = cosine + a non-negative, bounded boost that depends on the query text and the profile.
 * The bound lets the index skip the boost for every profile that cannot reach the current top k.
 */
public interface Ranker {

    String name();

    /** Everything that depends on the query alone, computed once per search. */
    QueryScorer prepare(String queryText);

    interface QueryScorer {
        /** An upper bound of {@link #boost} over all profiles; 0 means the ranking is the cosine. */
        float maxBoost();

        /** 0 &lt;= boost &lt;= maxBoost. */
        float boost(ProfileFeatures profile);

        /**
         * The boost is 0 for every profile whose signature this filter rejects, so an index can skip
         * it without looking at the profile. {@link StemFilter#ANY} (the default) when the boost may
         * depend on something else than shared stems.
         */
        default StemFilter stems() {
            return StemFilter.ANY;
        }

        /**
         * An upper bound of {@link #boost} for a profile with these stem signatures
         * ({@link ProfileFeatures#jobSignature()}, {@link ProfileFeatures#tagSignature()}), from the
         * signatures alone: the index asks for the boost itself only when this bound could still
         * carry the profile into the top k, so the tighter, the fewer profiles it looks at.
         */
        default float boostBound(long jobSignature, long tagSignature) {
            return stems().mayShare(jobSignature, tagSignature) ? maxBoost() : 0f;
        }
    }

    /** Pure cosine similarity. */
    Ranker COSINE = new Ranker() {
        private final QueryScorer none = new QueryScorer() {
            @Override
            public float maxBoost() {
                return 0f;
            }

            @Override
            public float boost(ProfileFeatures profile) {
                return 0f;
            }

            @Override
            public StemFilter stems() {
                return StemFilter.NONE;
            }
        };

        @Override
        public String name() {
            return "cosine";
        }

        @Override
        public QueryScorer prepare(String queryText) {
            return none;
        }
    };
}
