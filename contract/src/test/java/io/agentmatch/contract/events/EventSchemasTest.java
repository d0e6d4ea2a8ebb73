package io.agentmatch.contract.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The schemas accept what the code writes and refuse, naming the place and the rule, what it does not. */
class EventSchemasTest {
    private static final EventSchemas SCHEMAS = EventSchemas.get();

    static ObjectNode created(String dataJson) throws Exception {
        ObjectNode payload = (ObjectNode) JsonCodec.readTree("{\"id\":\"p-1\",\"timestamp\":\"2026-01-01T00:00:00.000001\",\"data\":" + dataJson + "}");
        return (ObjectNode) JsonCodec.MAPPER.valueToTree(EventEnvelope.of(EventType.PROFILE_CREATED, EventSource.API, "p-1", "key-1", payload));
    }

    private static Optional<String> check(JsonNode event) {
        return SCHEMAS.check(event, EventType.valueOf(event.get("type").asText()), event.get("schemaVersion").asInt());
    }

    @Test
    void anEventAsTheApiWritesItIsValid() throws Exception {
        assertEquals(Optional.empty(), check(created("{\"name\":\"A\",\"tags\":[\"x\"],\"averagePrice\":12.5,\"extra\":{\"deep\":[1,{\"a\":null}]}}")));
    }

    @Test
    void aFailureNamesTheInstancePathAndTheSchemaRule() throws Exception {
        String reason = check(created("{\"tags\":[\"ok\",3]}")).orElseThrow();
        assertTrue(reason.contains("schema: /payload/data/tags/1: "), reason);
        assertTrue(reason.contains("profile-data.json#/$defs/knownFields/properties/tags/items/type"), reason);
        ObjectNode badKey = created("{}");
        badKey.put("key", "../etc");
        assertTrue(check(badKey).orElseThrow().contains("schema: /key: "));
    }

    @Test
    void dataNestsAtMostThirtyLevels() throws Exception {
        String deep = "1";
        for (int i = 0; i < 29; i++) {
            deep = "[" + deep + "]";
        }
        assertEquals(Optional.empty(), check(created("{\"x\":" + deep + "}")));
        String reason = check(created("{\"x\":[" + deep + "]}")).orElseThrow();
        assertTrue(reason.contains("level31"), reason);
    }
}
