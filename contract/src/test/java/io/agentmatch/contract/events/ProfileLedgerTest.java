package io.agentmatch.contract.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class ProfileLedgerTest {
    private static final String TS = "2024-03-01T09:00:00.000001";

    private static ObjectNode data(String json) throws Exception {
        return (ObjectNode) JsonCodec.readTree(json);
    }

    private static EventEnvelope event(EventType type, String id, String timestamp, ObjectNode data) {
        EventSource source = type == EventType.PROFILE_IMPORTED ? EventSource.MIGRATION : EventSource.API;
        return EventEnvelope.of(type, source, id, null, new ProfileRecord(id, timestamp, data).toJson());
    }

    private static ProfileState applied(ProfileState state, EventEnvelope event, long version) throws Exception {
        ProfileLedger.Decision decision = ProfileLedger.decide(state, event, version);
        return assertInstanceOf(ProfileLedger.Apply.class, decision).next();
    }

    @Test
    void createAppliesOnceAndARetriedCreateIsIgnored() throws Exception {
        ProfileState state = applied(null, event(EventType.PROFILE_CREATED, "a", TS, data("{\"name\":\"x\"}")), 1);
        assertEquals(EventSource.API, state.origin());
        assertInstanceOf(ProfileLedger.Ignore.class,
                ProfileLedger.decide(state, event(EventType.PROFILE_CREATED, "a", TS, data("{\"name\":\"y\"}")), 2));
    }

    @Test
    void importsNeverOverwriteApiChangesNorResurrectDeletes() throws Exception {
        ProfileState imported = applied(null, event(EventType.PROFILE_IMPORTED, "m", TS, data("{\"job\":\"A\"}")), 1);
        assertEquals(EventSource.MIGRATION, imported.origin());
        assertInstanceOf(ProfileLedger.Ignore.class,
                ProfileLedger.decide(imported, event(EventType.PROFILE_IMPORTED, "m", TS, data("{\"job\":\"A\"}")), 2));
        ProfileState changedFile = applied(imported, event(EventType.PROFILE_IMPORTED, "m", TS, data("{\"job\":\"B\"}")), 3);
        ProfileState updated = applied(changedFile, event(EventType.PROFILE_UPDATED, "m", null, data("{\"job\":\"C\"}")), 4);
        assertEquals(TS, updated.timestamp(), "an update keeps the creation timestamp");
        assertInstanceOf(ProfileLedger.Ignore.class,
                ProfileLedger.decide(updated, event(EventType.PROFILE_IMPORTED, "m", TS, data("{\"job\":\"B\"}")), 5));
        ProfileState deleted = applied(updated, event(EventType.PROFILE_DELETED, "m", null, null), 6);
        assertTrue(deleted.deleted());
        assertInstanceOf(ProfileLedger.Ignore.class,
                ProfileLedger.decide(deleted, event(EventType.PROFILE_IMPORTED, "m", TS, data("{\"job\":\"A\"}")), 7));
        assertInstanceOf(ProfileLedger.Ignore.class,
                ProfileLedger.decide(deleted, event(EventType.PROFILE_UPDATED, "m", null, data("{\"job\":\"D\"}")), 8));
    }

    @Test
    void sameContentSpelledDifferentlyIsNoChange() throws Exception {
        ProfileState state = applied(null, event(EventType.PROFILE_IMPORTED, "n", TS, data("{\"p\":40,\"a\":[1,2]}")), 1);
        assertInstanceOf(ProfileLedger.Ignore.class,
                ProfileLedger.decide(state, event(EventType.PROFILE_IMPORTED, "n", TS, data("{\"a\":[1.0,2],\"p\":40.00}")), 2));
    }

    @Test
    void eventsThatCanNeverApplyAreInvalid() throws Exception {
        EventEnvelope mismatched = EventEnvelope.of(EventType.PROFILE_CREATED, EventSource.API, "a", null,
                new ProfileRecord("b", TS, data("{}")).toJson());
        assertThrows(InvalidEventException.class, () -> ProfileLedger.decide(null, mismatched, 1));
        assertThrows(InvalidEventException.class,
                () -> ProfileLedger.decide(null, event(EventType.PROFILE_CREATED, "../x", TS, data("{}")), 1));
        assertThrows(InvalidEventException.class,
                () -> ProfileLedger.decide(null, event(EventType.PROFILE_CREATED, "a", TS, data("{\"tags\":[1]}")), 1));
        assertThrows(InvalidEventException.class,
                () -> ProfileLedger.decide(null, event(EventType.CONVERSATION_MESSAGE_POSTED, "a", TS, data("{}")), 1));
    }

    @Test
    void aCreateReusingAnIdempotencyKeyWithAnotherRequestIsRefusedNotDropped() throws Exception {
        EventEnvelope first = EventEnvelope.of(EventType.PROFILE_CREATED, EventSource.API, "k", "key-1",
                new ProfileRecord("k", TS, data("{\"name\":\"x\"}")).toJson()).withRequestFingerprint("fp-1");
        ProfileState state = applied(null, first, 1);
        assertEquals("fp-1", state.requestFingerprint());
        EventEnvelope retry = EventEnvelope.of(EventType.PROFILE_CREATED, EventSource.API, "k", "key-1",
                new ProfileRecord("k", TS, data("{\"name\":\"x\"}")).toJson()).withRequestFingerprint("fp-1");
        assertInstanceOf(ProfileLedger.Ignore.class, ProfileLedger.decide(state, retry, 2));
        EventEnvelope conflict = EventEnvelope.of(EventType.PROFILE_CREATED, EventSource.API, "k", "key-1",
                new ProfileRecord("k", TS, data("{\"name\":\"y\"}")).toJson()).withRequestFingerprint("fp-2");
        InvalidEventException e = assertThrows(InvalidEventException.class, () -> ProfileLedger.decide(state, conflict, 3));
        assertTrue(e.getMessage().contains("idempotency conflict") && e.getMessage().contains("key-1"), e.getMessage());
        ProfileState updated = applied(state, event(EventType.PROFILE_UPDATED, "k", null, data("{\"name\":\"z\"}")), 4);
        assertEquals("fp-1", updated.requestFingerprint(), "the creating request's fingerprint outlives updates");
        assertThrows(InvalidEventException.class, () -> ProfileLedger.decide(updated, conflict, 5));
    }
}
