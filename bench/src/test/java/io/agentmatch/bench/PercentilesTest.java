package io.agentmatch.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PercentilesTest {

    @Test
    void nearestRankOnHundredSamples() {
        long[] samples = new long[100];
        for (int i = 0; i < 100; i++) {
            samples[99 - i] = (i + 1) * 1_000_000L; // 1..100 ms, unsorted
        }
        Percentiles p = new Percentiles(samples);
        assertEquals(50.0, p.atMillis(50));
        assertEquals(99.0, p.atMillis(99));
        assertEquals(100.0, p.atMillis(100));
        assertEquals(1.0, p.atMillis(0));
        assertEquals(50.5, p.meanMillis(), 1e-9);
    }

    @Test
    void smallSamplesRoundUp() {
        Percentiles p = new Percentiles(new long[] {30, 10, 20});
        assertEquals(20, p.at(50));  // rank ceil(1.5) = 2
        assertEquals(30, p.at(99));  // rank ceil(2.97) = 3
        assertEquals(10, p.at(33));  // rank ceil(0.99) = 1
    }

    @Test
    void noSamples() {
        assertThrows(IllegalStateException.class, () -> new Percentiles(new long[0]).at(50));
    }
}
