package io.agentmatch.contract.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One conversation message. {@code messageId} identifies the message across retries and replays;
 * {@code timestamp} is the time the API accepted it (the processor may move it forward by
 * microseconds so that the messages of one conversation never share a sort key).
 */
public record ConversationMessage(
        String conversationId, String messageId, String agentId, String message, String sender, String timestamp) {

    public static ConversationMessage fromJson(JsonNode node) {
        return new ConversationMessage(
                node.path("conversation_id").asText(null),
                node.path("message_id").asText(null),
                node.path("agent_id").asText(null),
                node.path("message").asText(null),
                node.path("sender").asText(null),
                node.path("timestamp").asText(null));
    }

    public ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("conversation_id", conversationId);
        node.put("message_id", messageId);
        node.put("agent_id", agentId);
        node.put("message", message);
        node.put("sender", sender);
        node.put("timestamp", timestamp);
        return node;
    }

    public ConversationMessage withTimestamp(String newTimestamp) {
        return new ConversationMessage(conversationId, messageId, agentId, message, sender, newTimestamp);
    }
}
