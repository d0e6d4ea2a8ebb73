package io.agentmatch.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmatch.api.events.EventSink;
import io.agentmatch.api.storage.ConversationStore;
import io.agentmatch.api.storage.ConversationStore.MessageFilter;
import io.agentmatch.contract.events.ConversationMessage;
import io.agentmatch.contract.events.EventEnvelope;
import io.agentmatch.contract.events.EventSource;
import io.agentmatch.contract.events.EventType;
import io.agentmatch.contract.events.JsonCodec;
import io.agentmatch.contract.events.Timestamps;
import io.agentmatch.contract.validation.ProfileIds;
import io.agentmatch.contract.validation.ValidationException;
import io.javalin.http.Context;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/** The legacy conversation routes. Messages are events; reads come back in time order. */
public final class ConversationRoutes {
    private static final int MAX_MESSAGE_CHARS = io.agentmatch.contract.Limits.MAX_MESSAGE_CHARS;
    private static final int MAX_NAME_CHARS = io.agentmatch.contract.Limits.MAX_AGENT_NAME_CHARS;

    private static final String POST = "POST /conversation";

    private final EventSink publisher;
    private final ConversationStore reader;
    private final RequestBodies bodies;
    private final String topic;
    private final Idempotency idempotency;
    private final String tokenScope;
    private final BoundedLists lists;

    public ConversationRoutes(EventSink publisher, ConversationStore reader, RequestBodies bodies, String topic,
                              Idempotency idempotency, String tokenScope, BoundedLists lists) {
        this.lists = lists;
        this.idempotency = idempotency;
        this.tokenScope = tokenScope;
        this.publisher = publisher;
        this.reader = reader;
        this.bodies = bodies;
        this.topic = topic;
    }

    /**
     * POST /conversation: 201 with the (given or new) conversation id, once Kafka acknowledged the message.
     * With an Idempotency-Key the ids are derived from the key; the same body answers as the first time,
     * another body 422.
     */
    public void post(Context ctx) {
        ObjectNode body = bodies.object(ctx);
        String agentId = requiredText(body, "agent_id", MAX_NAME_CHARS);
        String message = requiredText(body, "message", MAX_MESSAGE_CHARS);
        String sender = requiredText(body, "sender", MAX_NAME_CHARS);
        JsonNode givenConversation = body.get("conversation_id");
        String given = checkedConversationId(givenConversation);
        Idempotency.Claim claim = idempotency.claim(ctx, POST, body, tokenScope);
        if (claim instanceof Idempotency.Repeat repeat) {
            Replies.replay(ctx, repeat);
            return;
        }
        Idempotency.First first = (Idempotency.First) claim;
        String conversationId = given != null ? given
                : first == null ? UUID.randomUUID().toString() : Idempotency.derive("conversation", first);
        String messageId = first == null ? UUID.randomUUID().toString()
                : Idempotency.derive("message:" + conversationId, first);
        ConversationMessage posted = new ConversationMessage(conversationId, messageId, agentId, message, sender,
                Timestamps.now());
        EventEnvelope event = EventEnvelope.of(EventType.CONVERSATION_MESSAGE_POSTED, EventSource.API, conversationId,
                first == null ? null : first.key(), posted.toJson())
                .withRequestFingerprint(first == null ? null : first.fingerprint());
        CompletableFuture<Void> done = publisher.publish(topic, event).handle((metadata, error) -> {
            if (error != null) {
                ApiError apiError = Replies.apiError(error);
                if (first != null) {
                    idempotency.failed(first, POST, apiError);
                }
                Responses.error(ctx, apiError.status(), apiError.getMessage());
                return null;
            }
            ObjectNode answer = Responses.success("Message stored successfully");
            answer.put("conversation_id", conversationId);
            answer.put("message_id", messageId);
            answer.put("status", "success");
            Idempotency.Answer replayable = new Idempotency.Answer(201, JsonCodec.toBytes(answer), Map.of());
            if (first != null) {
                idempotency.answered(first, replayable);
            }
            replayable.send(ctx);
            return null;
        });
        ctx.future(() -> done);
    }

    /** GET /conversation/{conversation_id}: the messages in time order; bounded memory whatever their number. */
    public void byConversation(Context ctx) {
        String conversationId = Params.id(ctx, "conversation_id");
        messages(ctx, MessageFilter.conversation(conversationId), BoundedLists.head("conversation_id", conversationId),
                "messages");
    }

    /** GET /agent/{agent_id}/conversations: the agent's messages across conversations, in time order. */
    public void byAgent(Context ctx) {
        String agentId = ctx.pathParam("agent_id");
        if (agentId.isBlank() || agentId.length() > MAX_NAME_CHARS) {
            throw ApiError.badRequest("agent_id: must be 1 to " + MAX_NAME_CHARS + " characters");
        }
        messages(ctx, MessageFilter.agent(agentId), BoundedLists.head("agent_id", agentId), "conversations");
    }

    private void messages(Context ctx, MessageFilter filter, Map<String, String> head, String arrayName) {
        int limit = Params.limit(ctx, 0, 10_000);
        lists.legacy(ctx, new BoundedLists.Legacy("messages", head, arrayName,
                (max, cursor) -> reader.messagePage(filter, max, cursor),
                (cursor, max) -> reader.count(filter, cursor, max)), limit, ctx.queryParam("cursor"));
    }

    private static String requiredText(ObjectNode body, String field, int maxChars) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            throw ApiError.badRequest(field + ": is required");
        }
        if (!value.isTextual()) {
            throw ApiError.badRequest(field + ": must be a string, got " + RequestBodies.kind(value));
        }
        if (value.textValue().isBlank()) {
            throw ApiError.badRequest(field + ": must not be empty");
        }
        if (value.textValue().length() > maxChars) {
            throw new ApiError(413, field + ": must be at most " + maxChars + " characters, got " + value.textValue().length());
        }
        return value.textValue();
    }

    /** The conversation_id the client gave (checked), or null when it gave none. */
    private static String checkedConversationId(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw ApiError.badRequest("conversation_id: must be a string, got " + RequestBodies.kind(value));
        }
        try {
            ProfileIds.check("conversation_id", value.textValue());
        } catch (ValidationException e) {
            throw ApiError.badRequest(e.getMessage());
        }
        return value.textValue();
    }
}
