package io.agentmatch.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmatch.contract.Limits;
import io.agentmatch.contract.events.EventEnvelope;
import io.agentmatch.contract.events.EventSerde;
import io.agentmatch.contract.events.EventSource;
import io.agentmatch.contract.events.EventType;
import io.agentmatch.contract.events.JsonCodec;
import io.agentmatch.contract.events.MatchProjection;
import io.agentmatch.contract.events.ProfileRecord;
import io.agentmatch.contract.storage.ItemSize;
import io.agentmatch.contract.storage.ProfileItems;
import io.agentmatch.contract.trace.TraceHeaders;
import io.agentmatch.contract.validation.ProfileValidator;
import io.agentmatch.contract.validation.ValidationException;
import io.agentmatch.matching.MatchProjections;
import io.agentmatch.processor.persist.DeadLetters;
import io.agentmatch.processor.project.ProfileChange;
import io.agentmatch.processor.storage.PendingWrite;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.internal.AbstractRecords;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.RecordBatch;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The acceptance rule is exactly the envelope of every later stage. For any generated body (reaching
 * the edges: nesting, escaped and multi-byte characters, long index keys, big numbers, long field
 * names, many tags): when the API's validator accepts it, its event (the largest envelope we write),
 * dead letter (the longest reason we write), change, outbox entry and match projection (with a
 * 384-float embedding) fit Kafka's limits as the producer measures them, the processor parses and
 * applies the event, and the item fits every DynamoDB rule; when the validator refuses it, the
 * refusal names the field, and the body really breaks a later stage (or is within the size margin).
 */
class AcceptedProfilesFitEveryStagePropertyTest {
    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);
    /** Units of text: JSON bytes and stored bytes differ most for control characters (6 to 1). */
    private static final List<String> UNITS = List.of("x", "\u0001", "\"", "\n", "é", "€", "😀");
    private static final String ID = "6513270e-269e-4d37-b2a7-4de452e6b438";
    private static final String TIMESTAMP = "2024-05-05T10:00:00.123456";
    /** The longest envelope we write: an Idempotency-Key of 200 characters that JSON escapes. */
    private static final String IDEMPOTENCY_KEY = "\"\\".repeat(100);
    /** The longest source topic name Kafka allows. */
    private static final String SOURCE_TOPIC = "t".repeat(249);
    /** The largest trace context a record carries (TraceHeaders' bounds): on the event, its change and projection. */
    private static final Header[] TRACE = new Header[] {
            new RecordHeader(TraceHeaders.TRACEPARENT, ("00-" + "a".repeat(32) + "-" + "b".repeat(16) + "-01").getBytes(StandardCharsets.UTF_8)),
            new RecordHeader(TraceHeaders.TRACESTATE, ("k=" + "v".repeat(TraceHeaders.MAX_TRACESTATE_CHARS - 2)).getBytes(StandardCharsets.UTF_8)),
            new RecordHeader(TraceHeaders.REQUEST_ID, "r".repeat(TraceHeaders.MAX_REQUEST_ID_CHARS).getBytes(StandardCharsets.UTF_8))};

    @Property(tries = 120, seed = "20240301")
    void anAcceptedBodyFitsEveryStageARefusedOneNamesWhatWouldBreak(@ForAll("bodies") ObjectNode data) {
        ProfileRecord record = new ProfileRecord(ID, TIMESTAMP, data);
        ValidationException refusal = null;
        try {
            ProfileValidator.validateData(data, null);
            ProfileValidator.checkSizes(record);
        } catch (ValidationException e) {
            refusal = e;
        }
        String broken = laterStageBreaks(record);
        Statistics.label("outcome").collect(refusal == null ? "accepted" : "refused: " + kind(refusal));
        Statistics.label("accepted at an edge").collect(refusal == null ? edge(record) : "-");
        Statistics.label("outcome").coverage(coverage -> {
            for (String outcome : List.of("accepted", "refused: event size", "refused: item size", "refused: nests deeper",
                    "refused: bytes of UTF-8, the limit", "refused: empty field name", "refused: field name is",
                    "refused: unpaired surrogate", "refused: number", "refused: characters long")) {
                coverage.check(outcome).count(n -> n > 0);
            }
        });
        Statistics.label("accepted at an edge").coverage(coverage -> {
            for (String edge : List.of("data nested 30 levels", "event within 1% of its limit", "index key of 2,048 bytes")) {
                coverage.check(edge).count(n -> n > 0);
            }
        });
        if (refusal == null) {
            assertEquals(null, broken, "accepted, but a later stage breaks");
        } else {
            assertTrue(refusal.field() != null || refusal.getMessage().startsWith("profile is too large"), refusal.getMessage());
            assertTrue(broken != null || refusal.getMessage().startsWith("profile is too large: its data is"),
                    "refused although every stage takes it: " + refusal.getMessage());
        }
    }

    /** What goes wrong downstream, checked with the real records and Kafka's own size estimate; null when nothing. */
    static String laterStageBreaks(ProfileRecord record) {
        byte[] event;
        try {
            event = JsonCodec.toBytes(EventEnvelope.of(EventType.PROFILE_IMPORTED, EventSource.MIGRATION, ID,
                    IDEMPOTENCY_KEY, record.toJson()));
        } catch (RuntimeException e) {
            return "the event cannot be written: " + e.getMessage();
        }
        byte[] key = ID.getBytes(StandardCharsets.UTF_8);
        if (recordSize(key, event, TRACE) > Limits.KAFKA_MAX_RECORD_BYTES) {
            return "event record too large";
        }
        Header[] deadLetterHeaders = DeadLetters.headers(new RecordHeaders(TRACE), "r".repeat(5000), SOURCE_TOPIC,
                Integer.MAX_VALUE, Long.MAX_VALUE).toArray();
        if (recordSize(key, event, deadLetterHeaders) > Limits.DEAD_LETTER_MAX_RECORD_BYTES) {
            return "dead letter too large";
        }
        EventEnvelope parsed;
        try {
            parsed = EventSerde.parse(event);
        } catch (java.io.IOException e) {
            return "the processor cannot parse the event: " + e.getMessage();
        }
        ProfileRecord applied = parsed.profile();
        try {
            // What the processor's fold checks before applying (ProfileLedger.validated).
            ProfileValidator.validateRecord(applied);
        } catch (ValidationException e) {
            return "the processor dead-letters the event: " + e.getMessage();
        }
        if (recordSize(key, ProfileChange.upsert(applied, Long.MAX_VALUE).toBytes(), TRACE) > Limits.KAFKA_MAX_RECORD_BYTES) {
            return "change record too large";
        }
        PendingWrite owed = PendingWrite.profilePut(applied, Long.MAX_VALUE, "migration", SOURCE_TOPIC, Integer.MAX_VALUE,
                Long.MAX_VALUE);
        if (recordSize(("P:" + ID).getBytes(StandardCharsets.UTF_8), owed.toBytes(), new Header[0]) > Limits.KAFKA_MAX_RECORD_BYTES) {
            return "outbox changelog record too large";
        }
        float[] embedding = new float[Limits.EMBEDDING_DIMENSIONS];
        java.util.Arrays.fill(embedding, -0.123456789f);
        MatchProjection projection = MatchProjections.of(ID, applied.data(), "f".repeat(32), embedding, Long.MAX_VALUE);
        if (recordSize(key, MatchProjection.toBytes(projection), TRACE) > Limits.KAFKA_MAX_RECORD_BYTES) {
            return "projection record too large";
        }
        return dynamoDbBreaks(ProfileItems.toItem(applied, Long.MAX_VALUE, "migration"));
    }

    /** The item against DynamoDB's rules, walked independently of the validator. */
    static String dynamoDbBreaks(Map<String, AttributeValue> item) {
        if (ItemSize.of(item) > Limits.DYNAMODB_MAX_ITEM_BYTES) {
            return "item over 400 KB";
        }
        for (String indexKey : List.of(ProfileItems.ID, ProfileItems.JOB, ProfileItems.LOCATION_CITY)) {
            AttributeValue value = item.get(indexKey);
            if (value != null && (value.s().isEmpty() || utf8(value.s()) > Limits.DYNAMODB_MAX_KEY_BYTES)) {
                return "key " + indexKey + " empty or over 2,048 bytes";
            }
        }
        for (var entry : item.entrySet()) {
            String broken = valueBreaks(entry.getKey(), entry.getValue(), 0);
            if (broken != null) {
                return broken;
            }
        }
        return null;
    }

    private static String valueBreaks(String name, AttributeValue value, int depth) {
        if (name.isEmpty() || utf8(name) > Limits.DYNAMODB_MAX_NAME_BYTES || !roundTrips(name)) {
            return "attribute name refused";
        }
        if (depth > Limits.DYNAMODB_MAX_NESTING) {
            return "nested deeper than 32";
        }
        switch (value.type()) {
            case S -> {
                return roundTrips(value.s()) ? null : "string not UTF-8";
            }
            case N -> {
                BigDecimal number = new BigDecimal(value.n()).abs();
                boolean inRange = number.signum() == 0 || (number.compareTo(new BigDecimal("1E-130")) >= 0
                        && number.compareTo(new BigDecimal("9.9999999999999999999999999999999999999E+125")) <= 0);
                return inRange && number.stripTrailingZeros().precision() <= 38 ? null : "number refused";
            }
            case L -> {
                for (AttributeValue element : value.l()) {
                    String broken = valueBreaks("element", element, depth + 1);
                    if (broken != null) {
                        return broken;
                    }
                }
                return null;
            }
            case M -> {
                for (var entry : value.m().entrySet()) {
                    String broken = valueBreaks(entry.getKey(), entry.getValue(), depth + 1);
                    if (broken != null) {
                        return broken;
                    }
                }
                return null;
            }
            case SS, NS, BS -> {
                return "a set was written";
            }
            default -> {
                return null;
            }
        }
    }

    /** What the producer checks against {@code max.request.size}, and the broker (uncompressed) against the topic. */
    private static long recordSize(byte[] key, byte[] value, Header[] headers) {
        return AbstractRecords.estimateSizeInBytesUpperBound(RecordBatch.CURRENT_MAGIC_VALUE, CompressionType.LZ4, key, value,
                headers);
    }

    private static boolean roundTrips(String text) {
        return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).equals(text);
    }

    private static long utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    /** The edge an accepted body sits on, to show the generators reach it from the accepted side. */
    private static String edge(ProfileRecord record) {
        int eventBytes = JsonCodec.toBytes(record.toJson()).length;
        if (eventBytes >= Limits.MAX_EVENT_BYTES * 0.99) {
            return "event within 1% of its limit";
        }
        if (depth(record.data()) == Limits.MAX_DATA_DEPTH) {
            return "data nested 30 levels";
        }
        String job = ProfileItems.jobOf(record.data());
        String city = ProfileItems.cityOf(record.data());
        if ((job != null && utf8(job) == Limits.DYNAMODB_MAX_KEY_BYTES) || (city != null && utf8(city) == Limits.DYNAMODB_MAX_KEY_BYTES)) {
            return "index key of 2,048 bytes";
        }
        return "none";
    }

    private static int depth(JsonNode node) {
        int deepest = 0;
        for (JsonNode child : node) {
            deepest = Math.max(deepest, depth(child));
        }
        return node.isContainerNode() ? deepest + 1 : 0;
    }

    private static String kind(ValidationException e) {
        if (e.field() == null) {
            return e.getMessage().contains("DynamoDB item") ? "item size" : "event size";
        }
        String message = e.getMessage();
        for (String rule : List.of("nests deeper", "bytes of UTF-8, the limit", "empty field name", "field name is",
                "unpaired surrogate", "number", "characters long")) {
            if (message.contains(rule)) {
                return rule;
            }
        }
        return "other";
    }

    // ---------------------------------------------------------------- generators

    /** A plain profile with one feature pushed to an edge: each edge is reached from both sides. */
    @Provide
    Arbitrary<ObjectNode> bodies() {
        return Arbitraries.oneOf(
                bigText().map(text -> base().put("description", text)),
                bigText().map(text -> base().put("notes", text)),
                indexKey().map(job -> base().put("job", job)),
                indexKey().map(city -> {
                    ObjectNode data = base();
                    data.putArray("location").add(city).add("DE");
                    return data;
                }),
                tags().map(tags -> (ObjectNode) base().set("tags", tags)),
                price().map(price -> (ObjectNode) base().set("averagePrice", price)),
                price().map(price -> (ObjectNode) base().set("extra", NODES.arrayNode().add(price))),
                nested().map(nested -> (ObjectNode) base().set("extra", nested)),
                names().map(names -> (ObjectNode) base().set("named", names)));
    }

    private static ObjectNode base() {
        ObjectNode data = NODES.objectNode();
        data.put("name", "Alice").put("address", "0xa11ce").put("job", "Plumber").put("description", "Fixes pipes");
        data.putArray("location").add("Berlin").add("DE");
        data.putArray("tags").add("pipes");
        data.put("averagePrice", new BigDecimal("40"));
        return data;
    }

    /** An index key: around 2,048 bytes of UTF-8 (mixing one-byte and multi-byte characters), short, empty, blank, broken. */
    private static Arbitrary<String> indexKey() {
        Arbitrary<String> nearEdge = Arbitraries.of(UNITS).flatMap(unit -> {
            int stored = unit.getBytes(StandardCharsets.UTF_8).length;
            return Arbitraries.integers().between(-1, 1).map(d -> {
                int bytes = Limits.DYNAMODB_MAX_KEY_BYTES + d;
                return unit.repeat(bytes / stored) + "x".repeat(bytes % stored);
            });
        });
        return Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.of("", " ", "   ", "\ud800x", "a\udc00", "Berlin")),
                Tuple.of(4, nearEdge));
    }

    /**
     * Long text at one of its edges: the event's (only escaped control characters reach it under the item
     * limit: 6 bytes of JSON, 1 stored), the item's (the text stored twice as a known field, once as an
     * extra one), the readers' string length, or short.
     */
    private static Arbitrary<String> bigText() {
        int escapedAtEventEdge = Limits.MAX_DATA_JSON_BYTES / 6;
        return Arbitraries.oneOf(
                Arbitraries.integers().between(-60, 3).map(d -> "\u0001".repeat(escapedAtEventEdge + d)),
                Arbitraries.of(UNITS).flatMap(unit -> Arbitraries.of(Limits.DYNAMODB_MAX_ITEM_BYTES / 2, Limits.DYNAMODB_MAX_ITEM_BYTES)
                        .flatMap(edge -> Arbitraries.integers().between(-60, 3)
                                .map(d -> unit.repeat(Math.max(0, edge / unit.getBytes(StandardCharsets.UTF_8).length + d))))),
                Arbitraries.of("x", "é").flatMap(unit -> Arbitraries.integers().between(-2, 2)
                        .map(d -> unit.repeat(JsonCodec.MAX_STRING_LENGTH + d))),
                Arbitraries.of(UNITS).flatMap(unit -> Arbitraries.integers().between(0, 20).map(unit::repeat)));
    }

    /** Many tags: each costs its bytes and one of list overhead, twice (top-level copy and profile_data). */
    private static Arbitrary<ArrayNode> tags() {
        return Arbitraries.of(UNITS).flatMap(unit -> {
            int edge = Limits.DYNAMODB_MAX_ITEM_BYTES / (2 * (1 + unit.getBytes(StandardCharsets.UTF_8).length));
            return Arbitraries.oneOf(Arbitraries.integers().between(0, 5), Arbitraries.integers().between(edge - 120, edge + 5))
                    .map(n -> {
                        ArrayNode tags = NODES.arrayNode();
                        for (int i = 0; i < n; i++) {
                            tags.add(unit);
                        }
                        return tags;
                    });
        });
    }

    private static Arbitrary<JsonNode> price() {
        Arbitrary<String> spelled = Arbitraries.of(
                "9.9999999999999999999999999999999999999E+125", "1E+126", "1E-130", "9.9E-131", "-1E-130",
                "12345678901234567890123456789012345678", "123456789012345678901234567890123456789",
                "1." + "0".repeat(56) + "E-6", "1." + "0".repeat(57) + "E-6", "0.000001", "0E-200", "40", "179.26");
        return spelled.map(text -> (JsonNode) NODES.numberNode(new BigDecimal(text)));
    }

    /** Objects and lists nested around the limit, with numbers and text at the bottom. */
    private static Arbitrary<JsonNode> nested() {
        Arbitrary<Integer> depth = Arbitraries.oneOf(Arbitraries.integers().between(1, 3),
                Arbitraries.integers().between(Limits.MAX_DATA_DEPTH - 1, Limits.MAX_DATA_DEPTH + 1));
        return Combinators.combine(depth, Arbitraries.integers().between(0, 1 << 20)).as((levels, shape) -> {
                    // "extra" is level 2 of the data: levels-1 containers below it make the data levels deep.
                    JsonNode node = NODES.numberNode(new BigDecimal("1.5"));
                    for (int level = levels - 1; level >= 1; level--) {
                        if ((shape >> (level % 20) & 1) == 0) {
                            node = NODES.arrayNode().add(node).add("€\u0001");
                        } else {
                            ObjectNode object = NODES.objectNode();
                            object.set("k", node);
                            node = object;
                        }
                    }
                    return node;
                });
    }

    /** Field names: empty, long (in characters and in bytes), unpaired surrogates. */
    private static Arbitrary<ObjectNode> names() {
        Arbitrary<String> name = Arbitraries.oneOf(
                Arbitraries.of("", "ok", "\ud800", "a\"b\u0001"),
                Arbitraries.just(""),
                Arbitraries.integers().between(-2, 2).map(d -> "n".repeat(JsonCodec.MAX_NAME_LENGTH + d)),
                Arbitraries.integers().between(-2, 2).map(d -> "€".repeat(Limits.MAX_NAME_BYTES / 3 + d)),
                Arbitraries.integers().between(-2, 2).map(d -> "€".repeat(Limits.DYNAMODB_MAX_NAME_BYTES / 3 + d)));
        return name.map(n -> NODES.objectNode().put(n, 1));
    }
}
