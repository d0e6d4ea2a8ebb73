package io.agentmatch.matching;

import java.util.List;
import java.util.Locale;

/**
 * What the rankers look at besides the cosine, computed once per profile when it enters the index.
 *
 * @param jobLower  the job title, lower case
 * @param jobStems  crude stems of the job title's words
 * @param tagStems  crude stems of the tags' words
 */
public record ProfileFeatures(String jobLower, String[] jobStems, String[] tagStems) {

    public static ProfileFeatures of(String job, List<String> tags) {
        String jobLower = job == null ? "" : job.toLowerCase(Locale.ROOT);
        String[] jobStems = Words.stems(job).toArray(String[]::new);
        String[] tagStems = tags == null ? new String[0]
                : tags.stream().flatMap(t -> Words.stems(t).stream()).distinct().toArray(String[]::new);
        return new ProfileFeatures(jobLower, jobStems, tagStems);
    }
}
