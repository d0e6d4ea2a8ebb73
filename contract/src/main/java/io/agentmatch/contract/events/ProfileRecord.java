package io.agentmatch.contract.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A profile in the legacy file format: {@code {"id", "timestamp", "data": {...as submitted...}}}.
 * The same shape is the profile events' payload, the {@code /retrieve} answer and the rollback file.
 * A delete event carries only the id.
 */
public record ProfileRecord(String id, String timestamp, ObjectNode data) {

    public static ProfileRecord fromJson(JsonNode node) {
        JsonNode data = node.get("data");
        JsonNode timestamp = node.get("timestamp");
        return new ProfileRecord(
                node.path("id").asText(null),
                timestamp == null || timestamp.isNull() ? null : timestamp.asText(),
                data instanceof ObjectNode object ? object : null);
    }

    public ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("id", id);
        if (timestamp != null) {
            node.put("timestamp", timestamp);
        }
        if (data != null) {
            node.set("data", data);
        }
        return node;
    }

    /** Identifies content: equal records (whatever their key order or number spelling) hash equally. */
    public String contentHash() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("timestamp", timestamp);
        node.set("data", data);
        return JsonCodec.sha256(JsonCodec.canonical(node));
    }
}
