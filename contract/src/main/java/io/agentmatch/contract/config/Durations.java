package io.agentmatch.contract.config;

import java.time.Duration;

/** Durations as operators type them on command lines: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, or plain seconds. */
public final class Durations {
    private Durations() {
    }

    /** @throws IllegalArgumentException naming the text when it is not such a duration */
    public static Duration parse(String text) {
        String t = text.trim().toLowerCase();
        try {
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            if (t.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
            }
            if (t.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
            }
            if (t.endsWith("h")) {
                return Duration.ofHours(Long.parseLong(t.substring(0, t.length() - 1)));
            }
            return Duration.ofSeconds(Long.parseLong(t));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a duration such as 500ms, 120s, 5m or 1h");
        }
    }
}
