package io.agentmatch.bench;

/** Reads Prometheus text exposition: the sum of every sample of one metric name (any labels). */
public final class PromText {
    private PromText() {
    }

    public static double sum(String text, String name) {
        double sum = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith("#") || !line.startsWith(name)) {
                continue;
            }
            int rest = name.length();
            if (rest >= line.length() || (line.charAt(rest) != ' ' && line.charAt(rest) != '{')) {
                continue;
            }
            String value = line.substring(line.lastIndexOf(' ') + 1).trim();
            try {
                sum += Double.parseDouble(value);
            } catch (NumberFormatException e) {
                // not a sample line
            }
        }
        return sum;
    }
}
