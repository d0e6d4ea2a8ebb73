package io.agentmatch.migrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmatch.contract.events.EventEnvelope;
import io.agentmatch.contract.events.EventSource;
import io.agentmatch.contract.events.EventType;
import io.agentmatch.contract.events.JsonCodec;
import io.agentmatch.contract.events.EventPosition;
import io.agentmatch.contract.events.ProfileLogFold;
import io.agentmatch.contract.events.ProfileRecord;
import io.agentmatch.contract.events.ProfileState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafePathsTest {
    static final List<String> HOSTILE = List.of("../x", "a/b", "..", ".", "", "/etc/passwd", "..\\x", "a\\b",
            "a\u0000b", "a\nb", "x\u001b[2J", ".hidden", "a/../../b", "~", "con:", "x".repeat(200), "a..b", " a");

    @TempDir
    Path root;

    @Test
    void hostileIdsNeverResolve() throws Exception {
        Path dir = Files.createDirectories(root.resolve("out"));
        for (String id : HOSTILE) {
            assertThrows(SafePaths.UnsafeIdException.class, () -> SafePaths.child(dir, id, ".json"), id);
        }
        assertEquals(dir.resolve("abc-123.json"), SafePaths.child(dir, "abc-123", ".json"));
        assertEquals(dir.toAbsolutePath().normalize(), SafePaths.child(dir.resolve("sub/.."), "a.b_c", ".json").getParent());
    }

    @Test
    void exportNeverWritesOutsideItsFolderWhateverTheEventsSay() throws IOException {
        Path dir = Files.createDirectories(root.resolve("out"));
        ExportCommand export = ExportCommand.into(dir);
        ProfileLogFold fold = new ProfileLogFold();
        long offset = 0;
        for (String id : HOSTILE) {
            for (EventType type : new EventType[] {EventType.PROFILE_IMPORTED, EventType.PROFILE_CREATED,
                    EventType.PROFILE_UPDATED, EventType.PROFILE_DELETED}) {
                ObjectNode payload = JsonNodeFactory.instance.objectNode();
                payload.put("id", id);
                payload.put("timestamp", "2024-05-05T10:00:00.123456");
                payload.putObject("data").put("name", "Evil");
                EventEnvelope event = EventEnvelope.of(type, EventSource.API, id, null, payload);
                fold.accept(id, JsonCodec.toBytes(event), EventPosition.of("t", 0, offset++));
            }
        }
        export.writeProfiles(fold.folded(offset));
        try (Stream<Path> all = Files.walk(root)) {
            assertEquals(List.of(root, dir), all.toList(), "nothing written anywhere");
        }
        assertEquals(HOSTILE.size() * 4L, export.invalidEvents.get(), "every event of a key that is no well-formed id is refused");
        assertEquals(0, export.profilesWritten.get());
    }

    @Test
    void aFoldedStateWithAnUnsafeIdIsReportedNotWritten() throws IOException {
        Path dir = Files.createDirectories(root.resolve("out"));
        ExportCommand export = ExportCommand.into(dir);
        ProfileState state = new ProfileState("2024-05-05T10:00:00.123456", "h", EventSource.API, false, 1);
        ObjectNode data = JsonNodeFactory.instance.objectNode().put("name", "Evil");
        Map<String, ProfileLogFold.Profile> live = new HashMap<>();
        Map<String, ProfileState> states = new HashMap<>();
        for (String id : List.of("../x", "ok-1")) {
            live.put(id, new ProfileLogFold.Profile(new ProfileRecord(id, state.timestamp(), data), state));
            states.put(id, state);
        }
        export.writeProfiles(new ProfileLogFold.Folded(2, live, states, 0, List.of(), Map.of()));
        assertEquals(1, export.unsafe.size());
        assertEquals(1, export.profilesWritten.get());
        try (Stream<Path> all = Files.walk(root)) {
            assertEquals(List.of(root, dir, dir.resolve("ok-1.json")), all.sorted().toList());
        }
    }

    @Test
    void conversationIdsAreCheckedToo() throws IOException {
        Path dir = Files.createDirectories(root.resolve("out"));
        ExportCommand export = ExportCommand.into(dir);
        Files.createDirectories(dir.resolve("conversations"));
        export.writeConversation("../../escape", List.of());
        export.writeConversation("ok-1", List.of());
        assertFalse(Files.exists(root.resolve("escape.json")));
        assertTrue(Files.exists(dir.resolve("conversations/ok-1.json")));
        assertEquals(1, export.unsafe.size());
    }

    @Test
    void atomicWriteLeavesNoTemporaryFiles() throws IOException {
        Path target = root.resolve("a.json");
        SafePaths.writeAtomically(target, "{}".getBytes(StandardCharsets.UTF_8));
        SafePaths.writeAtomically(target, "{\"x\": 1}".getBytes(StandardCharsets.UTF_8));
        try (Stream<Path> all = Files.list(root)) {
            assertEquals(List.of(target), all.toList());
        }
        assertEquals("{\"x\": 1}", Files.readString(target));
    }
}
