package io.agentmatch.contract.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Optional;

/**
 * Reads an event record as every consumer must (the processor, export, verify, the chaos checks), in
 * one place: JSON, then the schema of its type and major version ({@link EventSchemas}, compiled
 * once), then the upcast to the current version ({@link EventVersions}), then the key check. One
 * parse and one schema validation per event.
 */
public final class EventReader {

    /** What a record is to this reader. */
    public sealed interface Reading permits Read, Invalid, Unknown {
    }

    /** A valid event, as of its type's current version. */
    public record Read(EventEnvelope event) implements Reading {
    }

    /** A record that can never apply: dead-letter it with the reason (a schema failure names its path). */
    public record Invalid(String reason) implements Reading {
    }

    /** A newer producer's event (a major version this reader does not know): hold its key behind it. */
    public record Unknown(String reason) implements Reading {
    }

    private EventReader() {
    }

    /**
     * @param recordKey the Kafka record's key, which the event's key must equal
     * @param value     the record's value
     */
    public static Reading read(String recordKey, byte[] value) {
        if (value == null) {
            return new Invalid("empty record value");
        }
        JsonNode node;
        try {
            node = JsonCodec.MAPPER.readTree(value);
        } catch (IOException | RuntimeException e) {
            return new Invalid("unparseable event: " + e.getMessage());
        }
        if (!(node instanceof ObjectNode object)) {
            return new Invalid("unparseable event: not a JSON object");
        }
        EventType type = typeOf(object.get("type"));
        JsonNode version = object.get("schemaVersion");
        int major = version != null && version.canConvertToExactIntegral() && version.canConvertToInt() ? version.intValue() : 0;
        if (type != null && major > EventVersions.currentMajor(type)) {
            return new Unknown(EventVersions.unknown(type, major).getMessage());
        }
        Optional<String> failure = EventSchemas.get().check(object, type, major);
        if (failure.isPresent()) {
            return new Invalid(failure.get());
        }
        EventEnvelope event;
        try {
            event = EventVersions.toCurrent(JsonCodec.MAPPER.treeToValue(object, EventEnvelope.class));
        } catch (IOException | RuntimeException | UnknownSchemaVersionException e) {
            return new Invalid("unparseable event: " + e.getMessage());
        }
        if (recordKey == null || !recordKey.equals(event.key())) {
            return new Invalid("record key " + recordKey + " does not match event key " + event.key());
        }
        return new Read(event);
    }

    private static EventType typeOf(JsonNode node) {
        if (node == null || !node.isTextual()) {
            return null;
        }
        try {
            return EventType.valueOf(node.textValue());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
