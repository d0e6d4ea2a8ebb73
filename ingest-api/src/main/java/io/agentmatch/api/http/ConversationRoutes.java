package io.agentmatch.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmatch.api.events.EventSink;
import io.agentmatch.api.storage.ConversationStore;
import io.agentmatch.api.storage.ConversationStore.MessageFilter;
import io.agentmatch.api.storage.Page;
import io.agentmatch.api.storage.Pages;
import io.agentmatch.contract.events.ConversationMessage;
import io.agentmatch.contract.events.EventEnvelope;
import io.agentmatch.contract.events.EventSource;
import io.agentmatch.contract.events.EventType;
import io.agentmatch.contract.events.IdempotencyIds;
import io.agentmatch.contract.events.Timestamps;
import io.agentmatch.contract.validation.ProfileIds;
import io.agentmatch.contract.validation.ValidationException;
import io.javalin.http.Context;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/** The legacy conversation routes. Messages are events; reads come back in time order. */
public final class ConversationRoutes {
    private static final int MAX_MESSAGE_CHARS = 100_000;
    private static final int MAX_NAME_CHARS = 256;

    private static final int PAGE = 1000;

    private final EventSink publisher;
    private final ConversationStore reader;
    private final RequestBodies bodies;
    private final String topic;

    public ConversationRoutes(EventSink publisher, ConversationStore reader, RequestBodies bodies, String topic) {
        this.publisher = publisher;
        this.reader = reader;
        this.bodies = bodies;
        this.topic = topic;
    }

    /** POST /conversation: 201 with the (given or new) conversation id, once Kafka acknowledged the message. */
    public void post(Context ctx) {
        ObjectNode body = bodies.object(ctx);
        String agentId = requiredText(body, "agent_id", MAX_NAME_CHARS);
        String message = requiredText(body, "message", MAX_MESSAGE_CHARS);
        String sender = requiredText(body, "sender", MAX_NAME_CHARS);
        String key = Params.idempotencyKey(ctx);
        String conversationId = optionalConversationId(body, key);
        String messageId = key == null ? UUID.randomUUID().toString() : IdempotencyIds.derive("message:" + conversationId, key);
        ConversationMessage posted = new ConversationMessage(conversationId, messageId, agentId, message, sender,
                Timestamps.now());
        EventEnvelope event = EventEnvelope.of(EventType.CONVERSATION_MESSAGE_POSTED, EventSource.API, conversationId,
                key, posted.toJson());
        CompletableFuture<Void> done = publisher.publish(topic, event).handle((metadata, error) -> {
            if (error != null) {
                ApiError apiError = error instanceof ApiError e ? e : ApiError.unavailable("Kafka is unavailable");
                Responses.error(ctx, apiError.status(), apiError.getMessage());
                return null;
            }
            ObjectNode answer = Responses.success("Message stored successfully");
            answer.put("conversation_id", conversationId);
            answer.put("message_id", messageId);
            Responses.send(ctx, 201, answer);
            return null;
        });
        ctx.future(() -> done);
    }

    /** GET /conversation/{conversation_id}: the messages in time order. */
    public void byConversation(Context ctx) {
        String conversationId = Params.id(ctx, "conversation_id");
        MessageFilter filter = MessageFilter.conversation(conversationId);
        Page<ObjectNode> page = Pages.collect((max, cursor) -> reader.messagePage(filter, max, cursor),
                Params.limit(ctx, 0, 10_000), PAGE, ctx.queryParam("cursor"));
        ObjectNode body = Responses.success("Found " + page.items().size() + " messages");
        body.put("conversation_id", conversationId);
        ArrayNode messages = body.putArray("messages");
        page.items().forEach(messages::add);
        if (page.nextCursor() != null) {
            body.put("next_cursor", page.nextCursor());
        }
        Responses.send(ctx, 200, body);
    }

    /** GET /agent/{agent_id}/conversations: the agent's messages across conversations, in time order. */
    public void byAgent(Context ctx) {
        String agentId = ctx.pathParam("agent_id");
        if (agentId.isBlank() || agentId.length() > MAX_NAME_CHARS) {
            throw ApiError.badRequest("agent_id: must be 1 to " + MAX_NAME_CHARS + " characters");
        }
        MessageFilter filter = MessageFilter.agent(agentId);
        Page<ObjectNode> page = Pages.collect((max, cursor) -> reader.messagePage(filter, max, cursor),
                Params.limit(ctx, 0, 10_000), PAGE, ctx.queryParam("cursor"));
        ObjectNode body = Responses.success("Found " + page.items().size() + " messages");
        body.put("agent_id", agentId);
        ArrayNode conversations = body.putArray("conversations");
        page.items().forEach(conversations::add);
        if (page.nextCursor() != null) {
            body.put("next_cursor", page.nextCursor());
        }
        Responses.send(ctx, 200, body);
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

    private static String optionalConversationId(ObjectNode body, String idempotencyKey) {
        JsonNode value = body.get("conversation_id");
        if (value == null || value.isNull()) {
            return idempotencyKey == null ? UUID.randomUUID().toString() : IdempotencyIds.derive("conversation", idempotencyKey);
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
