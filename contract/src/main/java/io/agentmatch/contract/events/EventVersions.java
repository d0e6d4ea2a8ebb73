package io.agentmatch.contract.events;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.EnumMap;
import java.util.Map;

/**
 * The schema versions of each event type, and how an older one is read as the current one.
 *
 * <p>The compatibility rule (docs/EVENTS.md, "Versions and compatibility"): a consumer reads every
 * event ever written, because the event topics keep everything forever. So
 * <ul>
 *   <li>a <b>minor</b> version only adds optional fields whose absence means what it meant before: a
 *       reader of an older minor ignores them (no schema forbids unknown fields), a reader of a newer
 *       minor reads an older event as if they were absent;</li>
 *   <li>anything else is a new <b>major</b> version, with an upcaster from the one before: a reader
 *       upcasts every older major to its current one, so the fold only ever sees current events;</li>
 *   <li>a major newer than the reader's is the only event refused for its version
 *       ({@link UnknownSchemaVersionException}): dead-lettered, its key held behind it until an
 *       upgraded reader gets it redriven.</li>
 * </ul>
 * Schemas of released versions never change in a way that breaks this (a test compares them with the
 * copies released before: docs/schemas and contract/src/test/resources/schemas-released).
 */
public final class EventVersions {
    private static final Map<EventType, Integer> CURRENT_MAJOR = new EnumMap<>(Map.of(
            EventType.PROFILE_CREATED, 1,
            EventType.PROFILE_IMPORTED, 1,
            // 2: expectedVersion, an optimistic-concurrency condition (a v1 reader would ignore it: so major).
            EventType.PROFILE_UPDATED, 2,
            EventType.PROFILE_DELETED, 1,
            EventType.CONVERSATION_MESSAGE_POSTED, 1));
    private static final Map<EventType, Integer> CURRENT_MINOR = new EnumMap<>(Map.of(
            EventType.PROFILE_CREATED, 0,
            EventType.PROFILE_IMPORTED, 0,
            EventType.PROFILE_UPDATED, 0,
            EventType.PROFILE_DELETED, 0,
            EventType.CONVERSATION_MESSAGE_POSTED, 0));

    private EventVersions() {
    }

    public static int currentMajor(EventType type) {
        return CURRENT_MAJOR.get(type);
    }

    public static int currentMinor(EventType type) {
        return CURRENT_MINOR.get(type);
    }

    /** Whether this reader has a schema (and an upcaster to the current one) for the major version. */
    public static boolean isKnown(EventType type, int major) {
        return major >= 1 && major <= currentMajor(type);
    }

    /**
     * The event as of its type's current version: an older major upcast step by step, a newer minor
     * as it is (its extra fields are ignored by whoever does not know them).
     *
     * @throws UnknownSchemaVersionException for a major this reader does not know
     */
    public static EventEnvelope toCurrent(EventEnvelope event) throws UnknownSchemaVersionException {
        int current = currentMajor(event.type());
        if (event.schemaVersion() > current) {
            throw unknown(event.type(), event.schemaVersion());
        }
        if (event.schemaVersion() < 1) {
            throw new UnknownSchemaVersionException("schema version " + event.schemaVersion() + " of " + event.type()
                    + " does not exist (versions start at 1)");
        }
        if (event.schemaVersion() == current) {
            return event;
        }
        ObjectNode payload = event.payload();
        for (int major = event.schemaVersion(); major < current; major++) {
            payload = upcast(event.type(), major, payload);
        }
        // An upcast event is the current major's oldest minor: what its fields say is all it says.
        return event.withVersion(current, 0, payload);
    }

    public static UnknownSchemaVersionException unknown(EventType type, int major) {
        return new UnknownSchemaVersionException("unknown schema version " + major + " of " + type
                + ": this reader knows 1 to " + currentMajor(type) + " (a newer producer's event; redrive it after"
                + " upgrading; later events of its key wait behind it)");
    }

    /** One step: the payload of {@code major} as the payload of {@code major + 1}. */
    private static ObjectNode upcast(EventType type, int major, ObjectNode payload) {
        if (type == EventType.PROFILE_UPDATED && major == 1) {
            // v1 replaced the data unconditionally: v2 without expectedVersion says exactly that.
            ObjectNode copy = payload.deepCopy();
            copy.remove("expectedVersion");
            return copy;
        }
        throw new IllegalStateException("no upcaster for " + type + " version " + major);
    }
}
