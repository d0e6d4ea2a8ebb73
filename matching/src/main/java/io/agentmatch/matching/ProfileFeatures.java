package io.agentmatch.matching;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * What the rankers look at besides the cosine, computed once per profile when it enters the index.
 * The stems are kept with their {@link Words#key 64-bit keys}, so that a ranker compares numbers
 * in one small array instead of chasing strings (the boost is asked of thousands of profiles per
 * search), and with two 64-bit signatures ({@link StemFilter}) that lets an index skip profiles
 * sharing no stem with a query.
 *
 * @param jobLower       the job title, lower case
 * @param stems          crude stems of the job title's words, then those of the tags' words not
 *                       already among the job's
 * @param jobStemCount   how many of {@code stems} come from the job title
 * @param stemKeys       {@link Words#key} of each of {@code stems}
 * @param jobSignature   {@link StemFilter#bits} of the job title's stems, or-ed
 * @param tagSignature   {@link StemFilter#bits} of the other stems (the tags'), or-ed
 */
public record ProfileFeatures(String jobLower, String[] stems, int jobStemCount, long[] stemKeys,
                              long jobSignature, long tagSignature) {

    public static ProfileFeatures of(String job, List<String> tags) {
        String jobLower = job == null ? "" : job.toLowerCase(Locale.ROOT).intern();
        List<String> jobStems = Words.stems(job);
        Stream<String> tagStems = tags == null ? Stream.empty()
                : tags.stream().flatMap(t -> Words.stems(t).stream()).filter(s -> !jobStems.contains(s));
        // Stems repeat across profiles: one shared copy each.
        String[] stems = Stream.concat(jobStems.stream(), tagStems).distinct().map(String::intern).toArray(String[]::new);
        long[] keys = Arrays.stream(stems).mapToLong(Words::key).toArray();
        long jobSignature = 0L;
        long tagSignature = 0L;
        for (int i = 0; i < keys.length; i++) {
            if (i < jobStems.size()) {
                jobSignature |= StemFilter.bits(keys[i]);
            } else {
                tagSignature |= StemFilter.bits(keys[i]);
            }
        }
        return new ProfileFeatures(jobLower, stems, jobStems.size(), keys, jobSignature, tagSignature);
    }

    /** The index of {@code stem} (with its key) in {@link #stems()}, or -1. */
    public int indexOf(String stem, long key) {
        for (int i = 0; i < stemKeys.length; i++) {
            if (stemKeys[i] == key && stems[i].equals(stem)) {
                return i;
            }
        }
        return -1;
    }
}
