package io.agentmatch.contract.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON Schemas (draft 2020-12) of the published contract, compiled once: the files of
 * {@code docs/schemas/} that {@code docs/asyncapi.yaml} references, loaded from this module's jar
 * (the build copies them there), so the code checks exactly what producers read.
 *
 * <p>Thread-safe after construction; {@link #get()} is the one instance every reader shares.
 */
public final class EventSchemas {
    /** Where the build puts docs/asyncapi.yaml and docs/schemas/ on the classpath. */
    public static final String CLASSPATH_ROOT = "contract/";
    public static final String DOCUMENT = CLASSPATH_ROOT + "asyncapi.yaml";
    public static final String SCHEMAS = CLASSPATH_ROOT + "schemas/";
    /** Every file of docs/schemas (a test holds this list equal to the folder): what the API serves at /schemas/. */
    public static final List<String> FILES = List.of("envelope.json", "profile-data.json", "record-key.json",
            "profile-created.v1.json", "profile-imported.v1.json", "profile-updated.v1.json", "profile-updated.v2.json",
            "profile-deleted.v1.json", "conversation-message-posted.v1.json", "profile-change.json", "match-projection.json",
            "dead-letter-headers.json", "trace-headers.json");
    private static final int MAX_REASON_CHARS = 600;

    private static final class Holder {
        static final EventSchemas INSTANCE = new EventSchemas();
    }

    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private final Map<EventType, Map<Integer, Schema>> events = new EnumMap<>(EventType.class);
    private final Map<String, Schema> byFile = new HashMap<>();
    private final Schema envelope;

    private EventSchemas() {
        for (EventType type : EventType.values()) {
            Map<Integer, Schema> versions = new HashMap<>();
            for (int major = 1; major <= EventVersions.currentMajor(type); major++) {
                versions.put(major, load(fileOf(type, major)));
            }
            events.put(type, versions);
        }
        envelope = load("envelope.json");
    }

    public static EventSchemas get() {
        return Holder.INSTANCE;
    }

    /** The schema file of an event type's major version, e.g. {@code profile-updated.v2.json}. */
    public static String fileOf(EventType type, int major) {
        return type.name().toLowerCase().replace('_', '-') + ".v" + major + ".json";
    }

    /** A schema of docs/schemas by file name (compiled on first use, then kept). */
    public synchronized Schema schema(String file) {
        return byFile.computeIfAbsent(file, f -> {
            Schema schema = registry.getSchema(SchemaLocation.of("classpath:" + SCHEMAS + f));
            schema.initializeValidators();
            return schema;
        });
    }

    private Schema load(String file) {
        return schema(file);
    }

    /**
     * Checks an event (the whole envelope) against the schema of its type and major version, or, when
     * either is not one this reader has, against the envelope's. Empty when valid, else the first
     * failure: where in the event, what, and which schema rule (file and JSON pointer), e.g.
     * {@code schema: /payload/data/tags/1: integer found, string expected (profile-data.json#/$defs/...)} (a JSON pointer into the event, then the rule).
     */
    public Optional<String> check(JsonNode event, EventType type, int major) {
        Map<Integer, Schema> versions = type == null ? null : events.get(type);
        Schema schema = versions == null ? null : versions.get(major);
        return firstFailure(schema == null ? envelope : schema, event);
    }

    /** The first failure of {@code node} against a docs/schemas file, or empty. */
    public Optional<String> check(String file, JsonNode node) {
        return firstFailure(schema(file), node);
    }

    private static Optional<String> firstFailure(Schema schema, JsonNode node) {
        List<Error> errors = schema.validate(node);
        if (errors.isEmpty()) {
            return Optional.empty();
        }
        Error first = errors.get(0);
        String where = String.valueOf(first.getInstanceLocation());
        String reason = "schema: " + (where.isEmpty() ? "/" : where) + ": " + first.getMessage() + " (" + relative(String.valueOf(first.getSchemaLocation())) + ")"
                + (errors.size() > 1 ? " and " + (errors.size() - 1) + " more" : "");
        return Optional.of(reason.length() <= MAX_REASON_CHARS ? reason : reason.substring(0, MAX_REASON_CHARS - 3) + "...");
    }

    /** A schema location as a producer finds it: the file in docs/schemas and the JSON pointer. */
    static String relative(String location) {
        int at = location.indexOf(SCHEMAS);
        return at < 0 ? location : location.substring(at + SCHEMAS.length());
    }
}
