package io.agentmatch.contract.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Schema versions in the fold: a log of version-1 and version-2 events folds exactly as if every
 * event were version 2; a newer minor is read tolerantly; a newer major holds its key until its
 * redrive, which applies it in its original place; a redriven event never overwrites a newer state.
 */
class EventVersionsFoldTest {
    private static final String TOPIC = "agent-profile-events";

    private static byte[] bytes(ObjectNode event) {
        return JsonCodec.toBytes(event);
    }

    private static ObjectNode event(EventType type, String id, String name) {
        ObjectNode data = JsonCodec.MAPPER.createObjectNode();
        if (name != null) {
            data.put("name", name).put("job", "Plumber");
        }
        ProfileRecord record = new ProfileRecord(id, type == EventType.PROFILE_DELETED ? null : "2026-01-01T00:00:00.000001",
                type == EventType.PROFILE_DELETED ? null : data);
        EventSource source = type == EventType.PROFILE_IMPORTED ? EventSource.MIGRATION : EventSource.API;
        return JsonCodec.MAPPER.valueToTree(EventEnvelope.of(type, source, id, null, record.toJson()));
    }

    /** The final files of a fold: id to its record's JSON, and how many events were refused. */
    private static Map<String, String> fold(List<ObjectNode> log) {
        Map<String, String> files = new LinkedHashMap<>();
        ProfileLogFold fold = new ProfileLogFold(new ProfileLogFold.Listener() {
            @Override
            public void applied(String id, ProfileLedger.Apply apply, EventPosition position) {
                if (apply.isDelete()) {
                    files.remove(id);
                } else {
                    files.put(id, JsonCodec.canonical(apply.record().toJson()) + " v" + position.position());
                }
            }

            @Override
            public void refused(String key, EventPosition position, String reason) {
                files.put("refused@" + position.offset(), reason);
            }
        });
        for (int offset = 0; offset < log.size(); offset++) {
            fold.accept(log.get(offset).get("key").asText(), bytes(log.get(offset)), EventPosition.of(TOPIC, 0, offset));
        }
        return files;
    }

    @Test
    void aLogOfVersionOneAndTwoEventsFoldsExactlyAsIfAllWereVersionTwo() {
        Random random = new Random(17);
        List<ObjectNode> mixed = new ArrayList<>();
        List<ObjectNode> allV2 = new ArrayList<>();
        String[] types = {"create", "update", "update", "import", "delete", "update"};
        for (int i = 0; i < 400; i++) {
            String id = "p" + random.nextInt(40);
            String kind = types[random.nextInt(types.length)];
            ObjectNode event = switch (kind) {
                case "create" -> event(EventType.PROFILE_CREATED, id, "n" + i);
                case "import" -> event(EventType.PROFILE_IMPORTED, id, "n" + i);
                case "delete" -> event(EventType.PROFILE_DELETED, id, null);
                default -> event(EventType.PROFILE_UPDATED, id, "n" + i);
            };
            ObjectNode v2 = event.deepCopy();
            if (kind.equals("update") && random.nextBoolean()) {
                event.put("schemaVersion", 1); // as a version-1 producer wrote it
            }
            mixed.add(event);
            allV2.add(v2);
        }
        assertTrue(mixed.stream().anyMatch(e -> e.get("schemaVersion").asInt() == 1));
        Map<String, String> expected = fold(allV2);
        assertEquals(expected, fold(mixed));
        assertTrue(expected.keySet().stream().noneMatch(k -> k.startsWith("refused")), expected::toString);
    }

    @Test
    void aNewerMinorIsReadTolerantlyAndAnOlderMajorIsUpcast() {
        ObjectNode newer = event(EventType.PROFILE_CREATED, "m1", "A");
        newer.put("schemaMinor", 3);
        newer.putObject("tracing").put("span", "x");
        ((ObjectNode) newer.get("payload")).put("locale", "de");
        EventEnvelope read = assertInstanceOf(EventReader.Read.class, EventReader.read("m1", bytes(newer))).event();
        assertEquals("A", read.profile().data().get("name").asText());

        ObjectNode old = event(EventType.PROFILE_UPDATED, "m1", "B");
        old.put("schemaVersion", 1);
        EventEnvelope upcast = assertInstanceOf(EventReader.Read.class, EventReader.read("m1", bytes(old))).event();
        assertEquals(2, upcast.schemaVersion());
        assertEquals(0, upcast.schemaMinor());

        ObjectNode future = event(EventType.PROFILE_UPDATED, "m1", "C");
        future.put("schemaVersion", 3);
        assertTrue(assertInstanceOf(EventReader.Unknown.class, EventReader.read("m1", bytes(future))).reason()
                .contains("unknown schema version 3 of PROFILE_UPDATED"));
        ObjectNode zero = event(EventType.PROFILE_CREATED, "m1", "C");
        zero.put("schemaVersion", 0);
        assertTrue(assertInstanceOf(EventReader.Invalid.class, EventReader.read("m1", bytes(zero))).reason()
                .contains("/schemaVersion"));
    }

    @Test
    void aNewerMajorHoldsItsKeyAndItsRedriveAppliesItInItsOriginalPlace() {
        List<ObjectNode> log = new ArrayList<>(List.of(
                event(EventType.PROFILE_CREATED, "h", "A"),
                event(EventType.PROFILE_UPDATED, "h", "B").put("schemaVersion", 5),
                event(EventType.PROFILE_UPDATED, "h", "C"),
                event(EventType.PROFILE_CREATED, "other", "O")));
        Map<String, String> files = new LinkedHashMap<>();
        List<String> refused = new ArrayList<>();
        ProfileLogFold fold = new ProfileLogFold(new ProfileLogFold.Listener() {
            @Override
            public void applied(String id, ProfileLedger.Apply apply, EventPosition position) {
                files.put(id, apply.record().data().get("name").asText() + "@" + position.position());
            }

            @Override
            public void refused(String key, EventPosition position, String reason) {
                refused.add(position.offset() + ": " + reason);
            }
        });
        for (int offset = 0; offset < log.size(); offset++) {
            fold.accept(log.get(offset).get("key").asText(), bytes(log.get(offset)), EventPosition.of(TOPIC, 0, offset));
        }
        assertEquals(Map.of("h", "A@0", "other", "O@3"), files, "C waits behind the unknown B");
        assertEquals(1, refused.size());
        assertEquals(Map.of("h", 1L), fold.held());

        // The upgraded reader's redrive of offset 1, at offset 4: B applies at 1, then C at 2.
        ObjectNode redriven = log.get(1).deepCopy().put("schemaVersion", 2);
        Map<String, byte[]> headers = Map.of(Topics.HEADER_REDRIVE_TOPIC, TOPIC.getBytes(StandardCharsets.UTF_8),
                Topics.HEADER_REDRIVE_PARTITION, "0".getBytes(StandardCharsets.UTF_8),
                Topics.HEADER_REDRIVE_OFFSET, "1".getBytes(StandardCharsets.UTF_8));
        fold.accept("h", bytes(redriven), EventPosition.of(TOPIC, 0, 4, headers::get));
        assertEquals("C@2", files.get("h"));
        assertEquals(Map.of(), fold.held());

        // The same copy again (a second redrive): its position 1 is behind the state's 2: superseded, nothing changes.
        fold.accept("h", bytes(redriven), EventPosition.of(TOPIC, 0, 5, headers::get));
        assertEquals("C@2", files.get("h"));
        assertEquals(1, refused.size());
    }

    @Test
    void anExpectedVersionIsAConditionTheFoldHolds() throws Exception {
        ProfileState state = assertInstanceOf(ProfileLedger.Apply.class,
                ProfileLedger.decide(null, EventEnvelope.of(EventType.PROFILE_CREATED, EventSource.API, "e", null,
                        event(EventType.PROFILE_CREATED, "e", "A").get("payload").deepCopy()), 10)).next();
        ObjectNode payload = (ObjectNode) event(EventType.PROFILE_UPDATED, "e", "B").get("payload");
        payload.put("expectedVersion", 10);
        EventEnvelope atTen = EventEnvelope.of(EventType.PROFILE_UPDATED, EventSource.API, "e", null, payload);
        assertInstanceOf(ProfileLedger.Apply.class, ProfileLedger.decide(state, atTen, 11));
        payload.put("expectedVersion", 9);
        EventEnvelope stale = EventEnvelope.of(EventType.PROFILE_UPDATED, EventSource.API, "e", null, payload);
        InvalidEventException conflict = org.junit.jupiter.api.Assertions.assertThrows(InvalidEventException.class,
                () -> ProfileLedger.decide(state, stale, 11));
        assertTrue(conflict.getMessage().startsWith("version conflict: the update expected version 9, the profile is at version 10"));
    }
}
