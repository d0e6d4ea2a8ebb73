package io.agentmatch.contract.events;

/**
 * The fold of conversation events, as one pure function shared by the processor and the export.
 * Messages of one conversation arrive in log order (one partition per conversation id); each gets
 * a timestamp strictly after the previous message's, so two messages sent in the same microsecond
 * (or from API instances with skewed clocks) never share the table's sort key, and the
 * conversation reads back in log order. The result depends only on the log, so a replay rewrites
 * the same items.
 */
public final class ConversationLedger {

    /** The outcome of one event. */
    public sealed interface Decision permits Append, Duplicate {
    }

    /** Store {@code message} (its timestamp possibly moved forward); {@code lastTimestamp} is the new state. */
    public record Append(ConversationMessage message) implements Decision {
    }

    /** The message id was already appended: a retried POST with the same Idempotency-Key. */
    public record Duplicate(String messageId) implements Decision {
    }

    private ConversationLedger() {
    }

    /**
     * @param lastTimestamp the timestamp of the conversation's latest message, or null
     * @param alreadySeen   whether this message id was already appended to this conversation
     */
    public static Decision decide(String lastTimestamp, boolean alreadySeen, EventEnvelope event)
            throws InvalidEventException {
        return decide(lastTimestamp, alreadySeen, null, event);
    }

    /**
     * @param seenFingerprint the request fingerprint the already appended message came with, or null:
     *                        a message id derived from an Idempotency-Key that was reused with another
     *                        request (two API instances, within the processing delay) is refused as
     *                        invalid (dead-lettered with the reason), never silently dropped
     */
    public static Decision decide(String lastTimestamp, boolean alreadySeen, String seenFingerprint, EventEnvelope event)
            throws InvalidEventException {
        if (event.type() != EventType.CONVERSATION_MESSAGE_POSTED) {
            throw new InvalidEventException("event type " + event.type() + " does not belong on the conversation topic");
        }
        event = EventVersions.toCurrent(event);
        ConversationMessage message = event.message();
        if (message.conversationId() == null || !message.conversationId().equals(event.key())) {
            throw new InvalidEventException("payload conversation_id " + message.conversationId()
                    + " does not match event key " + event.key());
        }
        if (message.messageId() == null || message.agentId() == null || message.message() == null
                || message.sender() == null) {
            throw new InvalidEventException("message_id, agent_id, message and sender are required");
        }
        String timestamp = Timestamps.normalize(message.timestamp());
        if (timestamp == null) {
            throw new InvalidEventException("timestamp " + message.timestamp() + " is not an ISO-8601 local date-time");
        }
        if (alreadySeen) {
            if (seenFingerprint != null && event.requestFingerprint() != null
                    && !seenFingerprint.equals(event.requestFingerprint())) {
                throw new InvalidEventException("idempotency conflict: Idempotency-Key " + event.idempotencyKey()
                        + " was first used with another request body; this message was not appended");
            }
            return new Duplicate(message.messageId());
        }
        if (lastTimestamp != null && timestamp.compareTo(lastTimestamp) <= 0) {
            timestamp = Timestamps.plusOneMicro(lastTimestamp);
        }
        return new Append(message.withTimestamp(timestamp));
    }
}
