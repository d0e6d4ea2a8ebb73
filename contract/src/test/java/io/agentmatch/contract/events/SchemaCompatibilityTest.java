package io.agentmatch.contract.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every schema of every release is still read by the current schemas: the copies kept in
 * src/test/resources/schemas-released/<release>/ (add one at each release: a copy of docs/schemas)
 * against docs/schemas. A breaking change fails here before it ships: make it a new major version
 * (a new file, profile-x.v2.json, with an upcaster in EventVersions) instead.
 */
class SchemaCompatibilityTest {
    private static final Path RELEASED = Path.of("src/test/resources/schemas-released");

    @Test
    void everyReleasedSchemaIsStillReadByTheCurrentOne() throws IOException {
        List<String> problems = new ArrayList<>();
        int compared = 0;
        try (Stream<Path> releases = Files.list(RELEASED)) {
            for (Path release : releases.sorted().toList()) {
                try (Stream<Path> files = Files.list(release)) {
                    for (Path file : files.sorted().toList()) {
                        String name = file.getFileName().toString();
                        if (!EventSchemas.FILES.contains(name)) {
                            problems.add(release.getFileName() + "/" + name + ": removed (events of that release are on the topics forever)");
                            continue;
                        }
                        SchemaCompatibility.breaks(JsonCodec.readTree(Files.readString(file)), ContractDocument.schema(name))
                                .forEach(p -> problems.add(release.getFileName() + "/" + name + "#" + p));
                        compared++;
                    }
                }
            }
        }
        assertEquals(List.of(), problems);
        assertTrue(compared >= 11, "the released schemas were compared: " + compared);
    }

    private static List<String> breaks(String file, Consumer<ObjectNode> change) {
        JsonNode released = ContractDocument.schema(file);
        ObjectNode changed = released.deepCopy();
        change.accept(changed);
        return SchemaCompatibility.breaks(released, changed);
    }

    private static void assertBreaks(String expected, List<String> problems) {
        assertEquals(1, problems.size(), problems::toString);
        assertTrue(problems.get(0).contains(expected), problems::toString);
    }

    @Test
    void theCheckerRefusesEachBreakingChangeItClaims() {
        assertBreaks("/required: required field(s) added [schemaMinor]",
                breaks("envelope.json", s -> ((ArrayNode) s.get("required")).add("schemaMinor")));
        assertBreaks("/properties/payload/properties/agent_id/type: narrowed",
                breaks("conversation-message-posted.v1.json", s -> ((ObjectNode) s.at("/properties/payload/properties/agent_id"))
                        .put("type", "integer")));
        assertBreaks("/properties/source/enum: enum value(s) removed [REPLAY]",
                breaks("envelope.json", s -> ((ArrayNode) s.at("/properties/source/enum")).remove(2)));
        assertBreaks("/properties/idempotencyKey: removed",
                breaks("envelope.json", s -> ((ObjectNode) s.get("properties")).remove("idempotencyKey")));
        assertBreaks("/$defs/id/maxLength: tightened from 128 to 64",
                breaks("envelope.json", s -> ((ObjectNode) s.at("/$defs/id")).put("maxLength", 64)));
        assertBreaks("/properties/payload/properties/message/minLength: tightened from 1 to 2",
                breaks("conversation-message-posted.v1.json", s -> ((ObjectNode) s.at("/properties/payload/properties/message"))
                        .put("minLength", 2)));
        assertBreaks("/$defs/level31/type: narrowed",
                breaks("profile-data.json", s -> ((ArrayNode) s.at("/$defs/level31/type")).remove(2)));
        assertBreaks("/$defs/level30: removed",
                breaks("profile-data.json", s -> ((ObjectNode) s.get("$defs")).remove("level30")));
        assertBreaks("/pattern: appeared",
                breaks("envelope.json", s -> ((ObjectNode) s.at("/properties/eventId")).put("pattern", "^[0-9a-f-]+$")));
        assertBreaks("/additionalProperties: true became false",
                breaks("envelope.json", s -> s.put("additionalProperties", false)));
        assertBreaks("/const: changed",
                breaks("profile-created.v1.json", s -> ((ObjectNode) s.at("/properties/schemaVersion")).put("const", 2)));
        assertBreaks("/not: changed",
                breaks("envelope.json", s -> ((ObjectNode) s.at("/$defs/id")).putObject("not").put("pattern", "--")));
    }

    @Test
    void additiveChangesAndAnnotationsPass() {
        assertEquals(List.of(), breaks("envelope.json", s -> {
            ((ObjectNode) s.get("properties")).putObject("traceparent").put("type", "string");
            ((ObjectNode) s.at("/$defs/id")).put("maxLength", 256);
            ((ObjectNode) s.at("/properties/source")).put("description", "who");
            ((ArrayNode) s.at("/properties/source/enum")).add("PARTNER");
            ((ArrayNode) s.at("/properties/idempotencyKey/type")).add("number");
        }));
        assertFalse(breaks("profile-data.json", s -> ((ObjectNode) s.at("/$defs/level31")).put("maxLength", 10)).isEmpty());
    }
}
