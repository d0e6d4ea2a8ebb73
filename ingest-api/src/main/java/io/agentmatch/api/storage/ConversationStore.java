package io.agentmatch.api.storage;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Reads of the conversation messages, in time order, one bounded round trip per call.
 * {@link ConversationReader} reads DynamoDB; the route tests use an in-memory one.
 */
public interface ConversationStore {

    /** One page of messages in the legacy shape: at most {@code max}, after {@code cursor}. */
    Page<ObjectNode> messagePage(MessageFilter filter, int max, String cursor);

    /** How many messages there are after {@code cursor}, counting at most {@code max} (no item is held in memory). */
    long count(MessageFilter filter, String cursor, long max);

    /** The messages of one conversation, or of one agent across conversations. */
    record MessageFilter(boolean byAgent, String value) {
        public static MessageFilter conversation(String conversationId) {
            return new MessageFilter(false, conversationId);
        }

        public static MessageFilter agent(String agentId) {
            return new MessageFilter(true, agentId);
        }
    }
}
