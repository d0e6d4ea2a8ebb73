package io.agentmatch.api.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RequestLogTest {
    @Test
    void theAccessLinesMillisecondsAreWhatFormatWroteRoundedHalfUp() {
        SplittableRandom random = new SplittableRandom(18);
        for (int i = 0; i < 100_000; i++) {
            float ms = i < 20_000 ? i / 100f + 0.05f : (float) (random.nextDouble() * Math.pow(10, random.nextInt(7)));
            assertEquals(String.format(Locale.ROOT, "%.1f", ms), RequestLog.millis(ms), "for " + ms);
        }
        for (float edge : new float[] {0f, 0.05f, 0.25f, 0.95f, 9.95f, 99.95f, 1e9f, -1f, Float.NaN, Float.POSITIVE_INFINITY}) {
            assertEquals(String.format(Locale.ROOT, "%.1f", edge), RequestLog.millis(edge), "for " + edge);
        }
    }
}
