package io.agentmatch.matching;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The legacy server's rule: cosine plus 0.1 for each of five hard-coded professions whose name occurs
 * in the profile's job title and one of whose keywords occurs in the request text.
 *
 * <p>The legacy keyword lists are not known to us (only the rule is documented); the lists below are
 * plausible reconstructions. Matching is lower-case substring matching, as a naive Python
 * {@code any(k in text.lower() for k in keywords)} would do.
 */
public final class LegacyScoring implements Ranker {
    public static final float BOOST = 0.1f;

    public static final Map<String, List<String>> KEYWORDS;

    static {
        Map<String, List<String>> keywords = new LinkedHashMap<>();
        keywords.put("plumber", List.of("plumb", "leak", "pipe", "drain", "sink", "toilet", "faucet", "water heater",
                "clog", "sewer", "shower"));
        keywords.put("carpenter", List.of("carpent", "wood", "cabinet", "furniture", "shelf", "shelves", "deck",
                "door", "frame", "timber"));
        keywords.put("mechanic", List.of("car", "engine", "brake", "vehicle", "tire", "tyre", "oil change",
                "transmission", "auto", "repair"));
        keywords.put("electrician", List.of("electric", "wiring", "wire", "outlet", "socket", "circuit", "breaker",
                "light", "power", "fuse"));
        keywords.put("doctor", List.of("doctor", "medical", "sick", "fever", "pain", "health", "symptom", "illness",
                "medicine", "cough"));
        KEYWORDS = Map.copyOf(keywords);
    }

    private static final List<String> PROFESSIONS = List.of("plumber", "carpenter", "mechanic", "electrician",
            "doctor");

    @Override
    public String name() {
        return "legacy";
    }

    @Override
    public QueryScorer prepare(String queryText) {
        String text = queryText == null ? "" : queryText.toLowerCase(Locale.ROOT);
        List<String> hit = new ArrayList<>();
        for (String profession : PROFESSIONS) {
            if (KEYWORDS.get(profession).stream().anyMatch(text::contains)) {
                hit.add(profession);
            }
        }
        String[] professions = hit.toArray(String[]::new);
        float max = BOOST * professions.length;
        return new QueryScorer() {
            @Override
            public float maxBoost() {
                return max;
            }

            @Override
            public float boost(ProfileFeatures profile) {
                float boost = 0f;
                for (String profession : professions) {
                    if (profile.jobLower().contains(profession)) {
                        boost += BOOST;
                    }
                }
                return boost;
            }
        };
    }
}
