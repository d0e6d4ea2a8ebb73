package io.agentmatch.processor.storage;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmatch.contract.events.ConversationMessage;
import io.agentmatch.contract.events.JsonCodec;
import io.agentmatch.contract.events.ProfileRecord;
import io.agentmatch.contract.storage.ConversationItems;
import io.agentmatch.contract.storage.ProfileItems;
import java.io.IOException;
import java.io.UncheckedIOException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * One DynamoDB write the processor owes, kept in the outbox store until DynamoDB acknowledged it.
 * It records the source offset so a write DynamoDB rejects as invalid can be dead-lettered with
 * its origin. A profile write (a put, or a delete's tombstone) carries its version and goes out
 * under the version condition; a message is immutable (its key always holds the same content) and
 * goes out as is. {@code requestFingerprint} goes into a profile item (see {@link ProfileItems#REQUEST_FINGERPRINT}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PendingWrite(Kind kind, String id, long version, String origin, ObjectNode payload,
                           String sourceTopic, int sourcePartition, long sourceOffset, String requestFingerprint) {

    public enum Kind { PROFILE_PUT, PROFILE_DELETE, MESSAGE_PUT }

    public static PendingWrite profilePut(ProfileRecord record, long version, String origin,
                                          String topic, int partition, long offset) {
        return profilePut(record, version, origin, null, topic, partition, offset);
    }

    public static PendingWrite profilePut(ProfileRecord record, long version, String origin, String requestFingerprint,
                                          String topic, int partition, long offset) {
        return new PendingWrite(Kind.PROFILE_PUT, record.id(), version, origin, record.toJson(), topic, partition, offset,
                requestFingerprint);
    }

    public static PendingWrite profileDelete(String id, long version, String topic, int partition, long offset) {
        return new PendingWrite(Kind.PROFILE_DELETE, id, version, null, null, topic, partition, offset, null);
    }

    public static PendingWrite messagePut(ConversationMessage message, String topic, int partition, long offset) {
        return new PendingWrite(Kind.MESSAGE_PUT, message.conversationId(), offset, null, message.toJson(),
                topic, partition, offset, null);
    }

    /** The outbox key: one pending change per DynamoDB item, the newest replacing older ones. */
    public String outboxKey() {
        return kind == Kind.MESSAGE_PUT
                ? "M:" + id + "\u0000" + payload.path("timestamp").asText()
                : "P:" + id;
    }

    public boolean isProfile() {
        return kind != Kind.MESSAGE_PUT;
    }

    /** Whether the write must carry the version condition (it may find a newer version in the table). */
    public boolean isVersioned() {
        return isProfile();
    }

    /** The item to put: the profile, a delete's tombstone, or the message. */
    public java.util.Map<String, AttributeValue> item() {
        return switch (kind) {
            case PROFILE_PUT -> ProfileItems.toItem(ProfileRecord.fromJson(payload), version, origin, requestFingerprint);
            case PROFILE_DELETE -> ProfileItems.tombstone(id, version);
            case MESSAGE_PUT -> ConversationItems.toItem(ConversationMessage.fromJson(payload));
        };
    }

    /** The unconditional batch form: only for unversioned writes (BatchWriteItem has no conditions). */
    public WriteRequest toWriteRequest() {
        if (isVersioned()) {
            throw new IllegalStateException("a profile write carries the version condition; it cannot go in a batch");
        }
        return WriteRequest.builder().putRequest(PutRequest.builder().item(item()).build()).build();
    }

    public byte[] toBytes() {
        return JsonCodec.toBytes(this);
    }

    public static PendingWrite fromBytes(byte[] bytes) {
        try {
            return JsonCodec.MAPPER.readValue(bytes, PendingWrite.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
