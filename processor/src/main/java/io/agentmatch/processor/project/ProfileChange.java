package io.agentmatch.processor.project;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.agentmatch.contract.events.JsonCodec;
import io.agentmatch.contract.events.ProfileRecord;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A profile change as the persister applied it, handed to the projector on the changes topic.
 * {@code record} is null for a delete.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProfileChange(String id, long version, boolean deleted, com.fasterxml.jackson.databind.node.ObjectNode record) {

    public static ProfileChange upsert(ProfileRecord profile, long version) {
        return new ProfileChange(profile.id(), version, false, profile.toJson());
    }

    public static ProfileChange delete(String id, long version) {
        return new ProfileChange(id, version, true, null);
    }

    public ProfileRecord profile() {
        return record == null ? null : ProfileRecord.fromJson(record);
    }

    public byte[] toBytes() {
        return JsonCodec.toBytes(this);
    }

    public static ProfileChange fromBytes(byte[] bytes) {
        try {
            return JsonCodec.MAPPER.readValue(bytes, ProfileChange.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
