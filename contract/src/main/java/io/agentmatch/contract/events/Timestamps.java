package io.agentmatch.contract.events;

import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * Timestamps in the legacy format: ISO-8601 without zone, always with six fractional digits, so
 * that string order is time order (the conversation table sorts on it). New ones are UTC.
 */
public final class Timestamps {
    public static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS");

    private Timestamps() {
    }

    public static String now(Clock clock) {
        return LocalDateTime.now(clock).truncatedTo(ChronoUnit.MICROS).format(FORMAT);
    }

    public static String now() {
        return now(Clock.systemUTC());
    }

    /** The timestamp one microsecond after {@code timestamp}. */
    public static String plusOneMicro(String timestamp) {
        return LocalDateTime.parse(timestamp).plus(1, ChronoUnit.MICROS).format(FORMAT);
    }

    /** Normalizes any ISO local date-time to the fixed-width format, or returns null if it is not one. */
    public static String normalize(String timestamp) {
        try {
            return LocalDateTime.parse(timestamp).format(FORMAT);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
