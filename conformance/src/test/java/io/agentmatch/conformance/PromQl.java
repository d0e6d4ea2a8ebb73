package io.agentmatch.conformance;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Just enough PromQL to find the metric names an expression reads: the identifiers that are not a
 * function or aggregation (followed by "("), a keyword, a label name (inside {...} or a by/without/
 * on/ignoring/group_left/group_right list), a string, a duration or part of a number. Histogram
 * series are named as queried ({@code x_bucket}, {@code x_count}, {@code x_sum}), which is how the
 * scrape text names them too.
 */
final class PromQl {
    private static final Pattern STRINGS = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
    private static final Pattern LABEL_LISTS = Pattern.compile(
            "\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
    private static final Pattern RANGES = Pattern.compile("\\[[^]]*]");
    /** An identifier, with what precedes it (a digit or dot: part of a number or duration) and the next non-blank. */
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![0-9.a-zA-Z_:$])([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*(\\()?");
    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
            "offset", "bool", "and", "or", "unless", "atan2", "inf", "nan", "Inf", "NaN", "start", "end");

    private PromQl() {
    }

    /** The metric names {@code expr} reads. */
    static Set<String> metricNames(String expr) {
        String rest = STRINGS.matcher(expr).replaceAll("\"\"");
        rest = LABEL_LISTS.matcher(rest).replaceAll(" ");
        rest = MATCHERS.matcher(rest).replaceAll("{}");
        rest = RANGES.matcher(rest).replaceAll("[]");
        Set<String> names = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(rest);
        while (m.find()) {
            String name = m.group(1);
            boolean call = m.group(2) != null;
            if (!call && !KEYWORDS.contains(name)) {
                names.add(name);
            }
        }
        return names;
    }
}
