package io.agentmatch.contract.storage;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmatch.contract.events.ConversationMessage;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The {@code agent-conversations} item format: key {@code conversation_id} + sort key
 * {@code timestamp}; {@code message_id} is ours, so a replay or a retry rewrites the same item.
 */
public final class ConversationItems {
    public static final String CONVERSATION_ID = "conversation_id";
    public static final String TIMESTAMP = "timestamp";
    public static final String AGENT_ID = "agent_id";
    public static final String MESSAGE_ID = "message_id";

    private ConversationItems() {
    }

    public static Map<String, AttributeValue> toItem(ConversationMessage message) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put(CONVERSATION_ID, AttributeValue.fromS(message.conversationId()));
        item.put(TIMESTAMP, AttributeValue.fromS(message.timestamp()));
        item.put(AGENT_ID, AttributeValue.fromS(message.agentId()));
        item.put("message", AttributeValue.fromS(message.message()));
        item.put("sender", AttributeValue.fromS(message.sender()));
        item.put(MESSAGE_ID, AttributeValue.fromS(message.messageId()));
        return item;
    }

    /** The legacy message shape: conversation_id, timestamp, agent_id, message, sender. */
    public static ObjectNode toLegacyJson(Map<String, AttributeValue> item) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put(CONVERSATION_ID, text(item, CONVERSATION_ID));
        node.put(TIMESTAMP, text(item, TIMESTAMP));
        node.put(AGENT_ID, text(item, AGENT_ID));
        node.put("message", text(item, "message"));
        node.put("sender", text(item, "sender"));
        return node;
    }

    public static ConversationMessage toMessage(Map<String, AttributeValue> item) {
        return new ConversationMessage(text(item, CONVERSATION_ID), text(item, MESSAGE_ID), text(item, AGENT_ID),
                text(item, "message"), text(item, "sender"), text(item, TIMESTAMP));
    }

    private static String text(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
    }
}
