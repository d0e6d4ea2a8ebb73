package io.agentmatch.matching;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Lower-casing, splitting on non-letters, stop words and a deliberately crude suffix stemmer. */
public final class Words {
    private static final Set<String> STOP = Set.of(
            "a", "an", "and", "are", "as", "at", "be", "been", "before", "but", "by", "can", "could", "do",
            "does", "for", "from", "get", "got", "had", "has", "have", "help", "her", "his", "how", "i", "if",
            "in", "into", "is", "it", "its", "just", "like", "looking", "me", "my", "need", "needs", "new",
            "of", "on", "or", "our", "out", "please", "some", "someone", "something", "than", "that", "the",
            "their", "them", "there", "this", "to", "up", "us", "very", "want", "wanted", "was", "we", "what",
            "when", "which", "who", "will", "with", "would", "you", "your", "am", "make", "makes",
            "one", "two", "three", "days", "day", "people", "small", "good", "all", "about", "after");
    /** Longest first; a stem keeps at least three letters. */
    private static final String[] SUFFIXES = {
            "ations", "ation", "ings", "ing", "ers", "ors", "ies", "er", "or", "es", "ed", "ly", "s", "e", "y"};

    private Words() {
    }

    /** Distinct stems of the words of {@code text}, stop words dropped, in order of appearance. */
    public static List<String> stems(String text) {
        if (text == null || text.isEmpty()) {
            return List.of();
        }
        Set<String> out = new LinkedHashSet<>();
        for (String word : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (word.length() < 3 || STOP.contains(word)) {
                continue;
            }
            out.add(stem(word));
        }
        return new ArrayList<>(out);
    }

    public static String stem(String word) {
        String w = word;
        for (String suffix : SUFFIXES) {
            if (w.endsWith(suffix) && w.length() - suffix.length() >= 3) {
                w = w.substring(0, w.length() - suffix.length());
                break;
            }
        }
        // "clogged" -> "clogg" -> "clog", "trimming" -> "trimm" -> "trim"
        int n = w.length();
        if (n >= 4 && w.charAt(n - 1) == w.charAt(n - 2) && "bdgmnprt".indexOf(w.charAt(n - 1)) >= 0) {
            w = w.substring(0, n - 1);
        }
        return w;
    }

    /** A 64-bit key of a stem (FNV-1a over its chars, then mixed): equal stems, equal keys. */
    public static long key(String stem) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < stem.length(); i++) {
            h = (h ^ stem.charAt(i)) * 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        return h ^ (h >>> 33);
    }
}
