package io.agentmatch.contract.events;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/**
 * A micro-measurement, not a timed test (nothing here asserts a duration; `./pipeline bench persist`
 * holds the persister's speed): what reading an event against its schema costs on the persister's hot
 * path, next to the plain parse it replaced, printed for the record. A typical API profile event.
 */
class EventReaderCostTest {
    private static final int WARMUP = 20_000;
    private static final int ROUNDS = 50_000;

    @Test
    void measuresTheCostOfTheSchemaCheckPerEvent() throws Exception {
        ObjectNode data = (ObjectNode) JsonCodec.readTree("{\"name\":\"Pia Plumber\",\"address\":\"0x1f3a\",\"job\":\"Plumber\","
                + "\"averagePrice\":40.5,\"tags\":[\"pipes\",\"sinks\",\"leaks\"],\"location\":[\"Berlin\",\"DE\"],"
                + "\"description\":\"I fix leaking pipes and sinks, twenty years of experience, weekends too.\"}");
        EventEnvelope event = EventEnvelope.of(EventType.PROFILE_CREATED, EventSource.API, "p-123", "key-1",
                new ProfileRecord("p-123", "2026-01-01T00:00:00.000001", data).toJson()).withRequestFingerprint("0123456789abcdef0123456789abcdef");
        byte[] bytes = JsonCodec.toBytes(event);
        assertInstanceOf(EventReader.Read.class, EventReader.read("p-123", bytes));

        long sink = 0;
        for (int i = 0; i < WARMUP; i++) {
            sink += EventSerde.parse(bytes).key().length();
            sink += EventReader.read("p-123", bytes) instanceof EventReader.Read ? 1 : 0;
        }
        long plain = time(() -> EventSerde.parse(bytes).key().length());
        long checked = time(() -> EventReader.read("p-123", bytes) instanceof EventReader.Read ? 1 : 0);
        long parseOnly = time(() -> JsonCodec.MAPPER.readTree(bytes).size());
        System.out.printf("event of %d bytes: plain parse %.1f us, tree parse %.1f us, read (parse + schema + upcast + bind) %.1f us"
                        + " per event (%d rounds; sink %d)%n", bytes.length, plain / 1000.0, parseOnly / 1000.0, checked / 1000.0,
                ROUNDS, sink);
    }

    private interface Work {
        long run() throws Exception;
    }

    /** Nanoseconds per call, the best of three runs. */
    private static long time(Work work) throws Exception {
        long best = Long.MAX_VALUE;
        long sink = 0;
        for (int run = 0; run < 3; run++) {
            long start = System.nanoTime();
            for (int i = 0; i < ROUNDS; i++) {
                sink += work.run();
            }
            best = Math.min(best, (System.nanoTime() - start) / ROUNDS);
        }
        return sink == Long.MIN_VALUE ? -1 : best;
    }
}
