package io.agentmatch.bench.stages;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ProcessorCountersTest {

    /** Near the target the wait polls every 100 ms (the instant it is reached is seen within 100 ms). */
    @Test
    void pollsEvery100MsWhenTheTargetIsClose() {
        assertEquals(100, ProcessorCounters.pollMillis(0));
        assertEquals(100, ProcessorCounters.pollMillis(40));
    }

    /** Far from it, at half the time the current rate needs, and never less often than once a second. */
    @Test
    void pollsAtHalfTheRemainingTimeUpToOnceASecond() {
        assertEquals(400, ProcessorCounters.pollMillis(400));
        assertEquals(1000, ProcessorCounters.pollMillis(30_000));
    }
}
