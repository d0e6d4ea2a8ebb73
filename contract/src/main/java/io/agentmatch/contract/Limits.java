package io.agentmatch.contract;

import io.agentmatch.contract.events.JsonCodec;
import io.agentmatch.contract.validation.ProfileIds;

/**
 * Every size and depth limit of the pipeline, each derived from the stage after it, so that what
 * the API and the migrator accept is exactly what every later stage can carry (a 2xx means stored).
 * Read top to bottom: each number is the one before it, less what the next stage adds.
 *
 * <ol>
 * <li><b>DynamoDB</b> (developer guide, quotas): an item is at most {@value #DYNAMODB_MAX_ITEM_BYTES}
 *     bytes (names + values, {@code ItemSize}); a partition key value, of the table or of a GSI, is
 *     1 to {@value #DYNAMODB_MAX_KEY_BYTES} bytes, and an empty string is no key value at all; an
 *     attribute name (also a map key inside {@code profile_data}) is 1 to
 *     {@value #DYNAMODB_MAX_NAME_BYTES} bytes of UTF-8; a number has at most 38 significant digits,
 *     magnitude 1E-130 to 9.99..E+125; values nest at most {@value #DYNAMODB_MAX_NESTING} levels;
 *     strings are UTF-8, so a Java string holding an unpaired surrogate cannot be stored as sent; a set
 *     must be non-empty without duplicates (we never write sets: JSON arrays become lists). dynalite
 *     enforces the item size and the table key, not the GSI key size nor empty GSI keys: those rules
 *     are ours ({@code ProfileValidator}).</li>
 * <li><b>Profile data</b>: the item holds the data twice (top-level copies and {@code profile_data}),
 *     measured exactly near the limit. Nesting: an event wraps the data in
 *     {@value #EVENT_ENVELOPE_LEVELS} objects (the envelope and its {@code payload}), and every reader
 *     of our records parses at most {@link JsonCodec#MAX_NESTING_DEPTH} levels, so the data nests at
 *     most {@value #MAX_DATA_DEPTH} levels (under DynamoDB's 32 too), and a legacy file
 *     ({@code {"id", "timestamp", "data"}}) at most {@value #MAX_LEGACY_FILE_DEPTH}. The same readers take
 *     field names of at most {@value #MAX_NAME_BYTES} bytes (under DynamoDB's 64 KB) and strings of at
 *     most {@link JsonCodec#MAX_STRING_LENGTH} characters, and numbers as the event spells them (at most
 *     {@link JsonCodec#MAX_NUMBER_LENGTH} characters).</li>
 * <li><b>Event JSON</b>: the data's JSON plus at most {@value #MAX_EVENT_ENVELOPE_BYTES} bytes of
 *     envelope (event id, type, source, key and id of at most 128 characters, an Idempotency-Key of at
 *     most 200 visible ASCII characters, each at most 2 bytes escaped, a timestamp of at most 64
 *     characters, each at most 6 bytes escaped). JSON is not the stored size: the control character
 *     U+0001 is 6 bytes of JSON (escaped) and 1 byte stored, so an item well under 400 KB can make an
 *     event over 1 MiB; both limits are checked.</li>
 * <li><b>Kafka</b>: every topic takes records of up to {@value #KAFKA_MAX_RECORD_BYTES} bytes
 *     ({@code max.message.bytes}, Kafka's default for producers), and every producer sends up to that
 *     ({@code max.request.size}); set explicitly, so a cluster with other defaults changes nothing.
 *     A record needs up to {@value #RECORD_FRAMING_BYTES} bytes beyond its key, value and headers
 *     (batch and record headers, lz4 framing); our keys are ids of at most {@value #MAX_KEY_BYTES} bytes.</li>
 * <li><b>Dead letter</b>: the original record, whatever wrote it, its headers included, plus the
 *     reason (cut to {@value #MAX_DEAD_LETTER_REASON_BYTES} bytes) and origin headers, at most
 *     {@value #DEAD_LETTER_HEADER_BYTES} bytes: the dead-letter topic takes
 *     {@value #DEAD_LETTER_MAX_RECORD_BYTES} bytes, and the processor's producers send that much.
 *     The records the persister derives from an event (its change, its outbox entry) wrap the same
 *     payload in at most {@value #DERIVED_RECORD_FIELDS_BYTES} bytes of other fields and carry the
 *     trace context, at most {@value #TRACE_HEADER_BYTES} bytes of headers ({@code TraceHeaders}: a
 *     valid {@code traceparent}, a {@code tracestate} of at most 512 characters, a request id of at
 *     most 64, whatever the event's own headers were), so the persister applies events of up to
 *     {@value #MAX_PROCESSABLE_EVENT_BYTES} bytes and dead-letters larger ones.</li>
 * <li><b>Projection</b>: the data's matched fields as in the event, plus the city (a copy of
 *     {@code location[0]}, a GSI key: at most 6 x 2,048 bytes of JSON), the {@value #EMBEDDING_DIMENSIONS}-float
 *     embedding (base64: {@value #EMBEDDING_JSON_BYTES} bytes), the text hash, id and version: at most
 *     {@value #PROJECTION_EXTRA_BYTES} bytes more than the event, and the trace headers. So an event may be at most
 *     {@value #MAX_EVENT_BYTES} bytes (= {@value #KAFKA_MAX_RECORD_BYTES} - {@value #RECORD_FRAMING_BYTES}
 *     - {@value #MAX_KEY_BYTES} - {@value #PROJECTION_EXTRA_BYTES} - {@value #TRACE_HEADER_BYTES}), and the profile's data JSON at most
 *     {@value #MAX_DATA_JSON_BYTES} bytes; its dead letter then takes at most
 *     {@value #MAX_EVENT_BYTES} + {@value #MAX_KEY_BYTES} + {@value #DEAD_LETTER_HEADER_BYTES} + framing,
 *     well under {@value #DEAD_LETTER_MAX_RECORD_BYTES}.</li>
 * <li><b>API body and legacy files</b>: read whole before parsing, so bounded at one Kafka record
 *     ({@value #MAX_BODY_BYTES} bytes, {@code API_MAX_BODY_BYTES}; legacy files
 *     {@value #MAX_LEGACY_FILE_BYTES}, {@code --max-file-bytes}); what decides is the exact event
 *     check after it (whitespace and escapes make a body longer or shorter than its event).</li>
 * </ol>
 */
public final class Limits {
    // 1. DynamoDB
    public static final int DYNAMODB_MAX_ITEM_BYTES = 400 * 1024;
    public static final int DYNAMODB_MAX_KEY_BYTES = 2048;
    public static final int DYNAMODB_MAX_NAME_BYTES = 64 * 1024;
    public static final int DYNAMODB_MAX_NESTING = 32;
    /** DynamoDB numbers: at most 38 significant digits, magnitude 1E-130 to this (or zero). */
    public static final String DYNAMODB_MAX_NUMBER = "9.9999999999999999999999999999999999999E+125";
    public static final String DYNAMODB_MIN_POSITIVE_NUMBER = "1E-130";
    public static final int DYNAMODB_MAX_NUMBER_DIGITS = 38;

    // 2. Profile data
    public static final int EVENT_ENVELOPE_LEVELS = 2;
    public static final int MAX_DATA_DEPTH = JsonCodec.MAX_NESTING_DEPTH - EVENT_ENVELOPE_LEVELS;
    public static final int MAX_LEGACY_FILE_DEPTH = MAX_DATA_DEPTH + 1;
    /** Jackson counts a field name's UTF-8 bytes against its name limit: under DynamoDB's 64 KB. */
    public static final int MAX_NAME_BYTES = JsonCodec.MAX_NAME_LENGTH;

    // 3. Event JSON
    public static final int MAX_EVENT_ENVELOPE_BYTES = 2048;
    /** The envelope's fields that {@link #MAX_EVENT_ENVELOPE_BYTES} is derived from (docs/schemas/envelope.json states them too). */
    public static final int MAX_EVENT_ID_CHARS = 128;
    public static final int MAX_IDEMPOTENCY_KEY_CHARS = 200;
    public static final int MAX_TIMESTAMP_CHARS = 64;
    /** A conversation message's text, and its agent id and sender (the API's limits, the schema's too). */
    public static final int MAX_MESSAGE_CHARS = 100_000;
    public static final int MAX_AGENT_NAME_CHARS = 256;

    // 4. Kafka
    public static final int KAFKA_MAX_RECORD_BYTES = 1024 * 1024;
    public static final int RECORD_FRAMING_BYTES = 1024;
    public static final int MAX_KEY_BYTES = ProfileIds.MAX_LENGTH;

    // 5. Dead letter
    public static final int MAX_DEAD_LETTER_REASON_BYTES = 1024;
    public static final int DEAD_LETTER_HEADER_BYTES = 4096;
    public static final int DEAD_LETTER_MAX_RECORD_BYTES = KAFKA_MAX_RECORD_BYTES + DEAD_LETTER_HEADER_BYTES;
    public static final int DERIVED_RECORD_FIELDS_BYTES = 1024;
    /** The trace context a derived record (change, projection) carries as headers, names included. */
    public static final int TRACE_HEADER_BYTES = 1024;
    public static final int MAX_PROCESSABLE_EVENT_BYTES =
            KAFKA_MAX_RECORD_BYTES - RECORD_FRAMING_BYTES - MAX_KEY_BYTES - DERIVED_RECORD_FIELDS_BYTES - TRACE_HEADER_BYTES;

    // 6. Projection
    public static final int EMBEDDING_DIMENSIONS = 384;
    public static final int EMBEDDING_JSON_BYTES = (EMBEDDING_DIMENSIONS * Float.BYTES + 2) / 3 * 4;
    public static final int PROJECTION_EXTRA_BYTES = 6 * DYNAMODB_MAX_KEY_BYTES + EMBEDDING_JSON_BYTES + 512;
    public static final int MAX_EVENT_BYTES =
            KAFKA_MAX_RECORD_BYTES - RECORD_FRAMING_BYTES - MAX_KEY_BYTES - PROJECTION_EXTRA_BYTES - TRACE_HEADER_BYTES;
    public static final int MAX_DATA_JSON_BYTES = MAX_EVENT_BYTES - MAX_EVENT_ENVELOPE_BYTES;

    // 7. API body and legacy files
    public static final int MAX_BODY_BYTES = KAFKA_MAX_RECORD_BYTES;
    public static final int MAX_LEGACY_FILE_BYTES = KAFKA_MAX_RECORD_BYTES;

    private Limits() {
    }

    /** What a record of this key, value and headers needs of a Kafka record limit, framing included. */
    public static long recordBytes(byte[] key, byte[] value, int headerBytes) {
        return (key == null ? 0L : key.length) + (value == null ? 0L : value.length) + headerBytes + RECORD_FRAMING_BYTES;
    }
}
