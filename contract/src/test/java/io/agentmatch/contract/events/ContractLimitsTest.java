package io.agentmatch.contract.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentmatch.contract.Limits;
import io.agentmatch.contract.validation.ProfileIds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

/**
 * The numbers of the published contract are the code's: every limit a schema or the AsyncAPI
 * document states equals the constant the code enforces, every topic's binding equals what the
 * provisioner creates, so that neither can change without the other.
 */
class ContractLimitsTest {
    private static final JsonNode ENVELOPE = ContractDocument.schema("envelope.json");
    private static final JsonNode DATA = ContractDocument.schema("profile-data.json");
    private static final JsonNode MESSAGE = ContractDocument.schema("conversation-message-posted.v1.json");
    private static final JsonNode DOCUMENT = ContractDocument.asyncApi();

    private static int number(JsonNode root, String pointer) {
        JsonNode node = root.at(pointer);
        assertFalse(node.isMissingNode(), pointer + " is stated");
        return node.asInt();
    }

    @Test
    void idsAndTheEnvelopeHaveTheApisLimits() {
        assertEquals(ProfileIds.MAX_LENGTH, number(ENVELOPE, "/$defs/id/maxLength"));
        assertEquals("^[A-Za-z0-9][A-Za-z0-9._-]*$", ENVELOPE.at("/$defs/id/pattern").asText(), "ProfileIds.ALLOWED");
        assertEquals(Limits.MAX_EVENT_ID_CHARS, number(ENVELOPE, "/properties/eventId/maxLength"));
        assertEquals(Limits.MAX_TIMESTAMP_CHARS, number(ENVELOPE, "/properties/occurredAt/maxLength"));
        assertEquals(Limits.MAX_TIMESTAMP_CHARS, number(ENVELOPE, "/$defs/profileTimestamp/maxLength"));
        assertEquals("^[!-~]{1," + Limits.MAX_IDEMPOTENCY_KEY_CHARS + "}$", ENVELOPE.at("/properties/idempotencyKey/pattern").asText());
        List<String> types = new ArrayList<>();
        ENVELOPE.at("/properties/type/enum").forEach(t -> types.add(t.asText()));
        assertEquals(java.util.Arrays.stream(EventType.values()).map(Enum::name).toList(), types);
        List<String> sources = new ArrayList<>();
        ENVELOPE.at("/properties/source/enum").forEach(t -> sources.add(t.asText()));
        assertEquals(java.util.Arrays.stream(EventSource.values()).map(Enum::name).toList(), sources);
    }

    @Test
    void dataNestsAsDeepAndHoldsStringsAsLongAsTheReadersTake() {
        int levels = 0;
        while (DATA.at("/$defs/level" + (levels + 1)).isObject()) {
            levels++;
        }
        assertEquals(Limits.MAX_DATA_DEPTH + 1, levels, "level1..level30 may be containers, level31 may not");
        assertEquals(List.of("string", "number", "boolean", "null").toString(), DATA.at("/$defs/level" + levels + "/type").toString()
                .replace("\"", "").replace(",", ", "));
        for (int level = 1; level <= levels; level++) {
            assertEquals(JsonCodec.MAX_STRING_LENGTH, number(DATA, "/$defs/level" + level + "/maxLength"));
        }
        assertEquals(Limits.DYNAMODB_MAX_KEY_BYTES, number(DATA, "/$defs/knownFields/properties/job/maxLength"));
        assertEquals(Limits.DYNAMODB_MAX_KEY_BYTES, number(DATA, "/$defs/knownFields/properties/location/prefixItems/0/maxLength"));
    }

    @Test
    void messagesHaveTheApisLimits() {
        assertEquals(Limits.MAX_MESSAGE_CHARS, number(MESSAGE, "/properties/payload/properties/message/maxLength"));
        assertEquals(Limits.MAX_AGENT_NAME_CHARS, number(MESSAGE, "/properties/payload/properties/agent_id/maxLength"));
        assertEquals(Limits.MAX_AGENT_NAME_CHARS, number(MESSAGE, "/properties/payload/properties/sender/maxLength"));
        assertEquals(Limits.MAX_DEAD_LETTER_REASON_BYTES,
                number(ContractDocument.schema("dead-letter-headers.json"), "/properties/dlq.reason/maxLength"));
        assertEquals(Limits.EMBEDDING_JSON_BYTES, number(ContractDocument.schema("match-projection.json"), "/properties/embedding/maxLength"));
    }

    @Test
    void theSizesJsonSchemaCannotStateAreTheDerivedLimits() {
        JsonNode limits = DOCUMENT.get("x-agentmatch-limits");
        Map<String, Object> expected = new TreeMap<>(Map.ofEntries(
                Map.entry("maxRecordBytes", Limits.KAFKA_MAX_RECORD_BYTES),
                Map.entry("maxEventBytes", Limits.MAX_EVENT_BYTES),
                Map.entry("maxDataJsonBytes", Limits.MAX_DATA_JSON_BYTES),
                Map.entry("maxEnvelopeBytes", Limits.MAX_EVENT_ENVELOPE_BYTES),
                Map.entry("maxItemBytes", Limits.DYNAMODB_MAX_ITEM_BYTES),
                Map.entry("maxIndexKeyBytes", Limits.DYNAMODB_MAX_KEY_BYTES),
                Map.entry("maxFieldNameBytes", Limits.MAX_NAME_BYTES),
                Map.entry("maxDataDepth", Limits.MAX_DATA_DEPTH),
                Map.entry("maxNumberDigits", Limits.DYNAMODB_MAX_NUMBER_DIGITS),
                Map.entry("minPositiveNumber", Limits.DYNAMODB_MIN_POSITIVE_NUMBER),
                Map.entry("maxNumber", Limits.DYNAMODB_MAX_NUMBER),
                Map.entry("maxDeadLetterReasonBytes", Limits.MAX_DEAD_LETTER_REASON_BYTES),
                Map.entry("deadLetterMaxRecordBytes", Limits.DEAD_LETTER_MAX_RECORD_BYTES)));
        Map<String, Object> stated = new TreeMap<>();
        limits.fields().forEachRemaining(e -> {
            if (!e.getKey().equals("description")) {
                stated.put(e.getKey(), e.getValue().isNumber() ? (Object) e.getValue().asInt() : e.getValue().asText());
            }
        });
        assertEquals(expected, stated);
    }

    @Test
    void everyTopicIsDocumentedAsTheProvisionerCreatesIt() {
        Topics topics = new Topics("");
        Map<String, String> documented = new TreeMap<>();
        DOCUMENT.get("channels").forEach(channel -> {
            JsonNode kafka = channel.at("/bindings/kafka");
            documented.put(channel.get("address").asText(), kafka.get("partitions").asInt() + " " + config(kafka.get("topicConfiguration")));
            assertEquals(channel.get("address").asText(), kafka.get("topic").asText());
        });
        Map<String, String> created = new TreeMap<>();
        for (NewTopic topic : topics.all(6, (short) 1)) {
            Map<String, String> configs = new TreeMap<>(topic.configs());
            configs.remove("min.insync.replicas"); // follows TOPIC_REPLICATION_FACTOR
            created.put(topic.name(), topic.numPartitions() + " " + configs);
        }
        assertEquals(created, documented, "channels' kafka bindings vs Topics.all(TOPIC_PARTITIONS=6, RF=1)");
    }

    private static String config(JsonNode topicConfiguration) {
        Map<String, String> configs = new TreeMap<>();
        topicConfiguration.fields().forEachRemaining(e -> configs.put(e.getKey(),
                e.getValue().isArray() ? e.getValue().get(0).asText() : e.getValue().asText()));
        return configs.toString();
    }

    @Test
    void theSchemaFilesAreExactlyTheOnesTheCodeLoadsAndServes() throws IOException {
        TreeSet<String> inDocs = new TreeSet<>();
        try (var files = Files.list(Path.of("../docs/schemas"))) {
            files.forEach(f -> inDocs.add(f.getFileName().toString()));
        }
        assertEquals(inDocs, new TreeSet<>(EventSchemas.FILES));
    }
}
