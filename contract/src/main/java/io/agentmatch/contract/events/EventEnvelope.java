package io.agentmatch.contract.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * Every event on every event topic, serialized as JSON. The Kafka record key is {@link #key}: the
 * profile id for profile events, the conversation id for conversation events, so that all events
 * of one aggregate land in one partition, in order.
 *
 * @param eventId        unique per publication; a retried publication reuses it
 * @param type           what happened
 * @param schemaVersion  the major version of the type's schema ({@link EventVersions}): older ones are upcast on
 *                       read, a newer one is dead-lettered and its key held until it is redriven after an upgrade
 * @param schemaMinor    the minor version (additive changes only), null meaning 0: a newer one is read tolerantly
 * @param occurredAt     when the producer accepted the change, ISO-8601 UTC instant
 * @param source         api, migration or replay
 * @param key            the aggregate id, equal to the Kafka record key
 * @param idempotencyKey the client's Idempotency-Key header, when it sent one
 * @param payload        the type's payload: {@link ProfileRecord} or {@link ConversationMessage} as JSON
 * @param requestFingerprint with an Idempotency-Key: the hash of the request (route and canonical body)
 *                       the key was used with; the fold refuses a create that reuses a key with another
 *                       request, and the stored profile keeps it, so that any API instance can check a retry
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EventEnvelope(
        String eventId,
        EventType type,
        int schemaVersion,
        Integer schemaMinor,
        String occurredAt,
        EventSource source,
        String key,
        String idempotencyKey,
        ObjectNode payload,
        String requestFingerprint) {

    public EventEnvelope {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(payload, "payload");
    }

    public static EventEnvelope of(EventType type, EventSource source, String key, String idempotencyKey,
                                   ObjectNode payload) {
        return new EventEnvelope(UUID.randomUUID().toString(), type, EventVersions.currentMajor(type),
                EventVersions.currentMinor(type), Instant.now().toString(), source, key, idempotencyKey, payload, null);
    }

    /** This event, bound to the request its Idempotency-Key came with. */
    public EventEnvelope withRequestFingerprint(String fingerprint) {
        return new EventEnvelope(eventId, type, schemaVersion, schemaMinor, occurredAt, source, key, idempotencyKey, payload,
                fingerprint);
    }

    /** This event as of another schema version (an upcast; the payload as given). */
    public EventEnvelope withVersion(int major, Integer minor, ObjectNode newPayload) {
        return new EventEnvelope(eventId, type, major, minor, occurredAt, source, key, idempotencyKey, newPayload,
                requestFingerprint);
    }

    public ProfileRecord profile() {
        return ProfileRecord.fromJson(payload);
    }

    public ConversationMessage message() {
        return ConversationMessage.fromJson(payload);
    }
}
