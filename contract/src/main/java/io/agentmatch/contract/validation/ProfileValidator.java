package io.agentmatch.contract.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmatch.contract.Limits;
import io.agentmatch.contract.events.JsonCodec;
import io.agentmatch.contract.events.ProfileRecord;
import io.agentmatch.contract.storage.ItemSize;
import io.agentmatch.contract.storage.ProfileItems;
import io.agentmatch.contract.storage.TableDefinitions;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;

/**
 * What a storable profile is. The API, the migrator and the processor all check with this class,
 * so a profile the API accepts is one the processor can write, and a legacy file the migrator
 * skips is one the API would have refused. The limits and their derivation are in {@link Limits}.
 *
 * <p>DynamoDB's rules enforced here, because dynalite does not enforce all of them and real
 * DynamoDB would refuse the write after the client was answered 2xx:
 * <ul>
 * <li>the item, data twice included, is at most 400 KB ({@link ItemSize});</li>
 * <li>GSI keys: {@code job} (job-index) and the first {@code location} entry when not blank
 *     ({@code location_city}, location-index) are at most 2,048 bytes of UTF-8; an empty {@code job}
 *     and a blank first location are no key at all (the item mapping leaves them out of the indexes);</li>
 * <li>every map key of the data (an attribute name in {@code profile_data}) is 1 to 65,536 bytes of
 *     UTF-8 for DynamoDB, and at most {@value Limits#MAX_NAME_BYTES} for the event's readers; a string at
 *     most {@value JsonCodec#MAX_STRING_LENGTH} characters for them;</li>
 * <li>every string and map key is valid Unicode (no unpaired surrogate, which UTF-8 cannot carry);</li>
 * <li>numbers: at most 38 significant digits, magnitude 1E-130 to 9.99..E+125 (or zero); and, for
 *     the event's readers, at most {@value JsonCodec#MAX_NUMBER_LENGTH} characters as the event writes them;</li>
 * <li>nesting: at most {@value Limits#MAX_DATA_DEPTH} levels (the event's limit less its envelope,
 *     under DynamoDB's 32);</li>
 * <li>sets are never written (JSON arrays become lists), so the set rules (non-empty, no duplicates)
 *     cannot be broken; empty lists, maps and non-key strings are allowed by DynamoDB.</li>
 * </ul>
 * And Kafka's: the data's JSON is at most {@value Limits#MAX_DATA_JSON_BYTES} bytes, so the event,
 * its dead letter and its match projection fit ({@link #checkSizes}, for what is about to be published).
 */
public final class ProfileValidator {
    /** DynamoDB's item size limit. */
    public static final int MAX_ITEM_BYTES = Limits.DYNAMODB_MAX_ITEM_BYTES;
    private static final BigDecimal DYNAMO_MAX = new BigDecimal(Limits.DYNAMODB_MAX_NUMBER);
    private static final BigDecimal DYNAMO_MIN_POSITIVE = new BigDecimal(Limits.DYNAMODB_MIN_POSITIVE_NUMBER);
    private static final int MAX_PATH_CHARS = 120;

    private ProfileValidator() {
    }

    /** Checks a profile body as submitted by a client: known fields typed as the legacy clients sent them. */
    public static ObjectNode validateData(JsonNode data, String field) throws ValidationException {
        if (data == null || data.isNull() || data.isMissingNode()) {
            throw new ValidationException(field, "is required and must be a JSON object");
        }
        if (!data.isObject()) {
            throw new ValidationException(field, "must be a JSON object, got " + kind(data));
        }
        ObjectNode object = (ObjectNode) data;
        for (String name : new String[] {"name", "address", "job", "description"}) {
            requireType(object, name, JsonNode::isTextual, "a string");
        }
        requireType(object, "averagePrice", JsonNode::isNumber, "a number");
        requireStringList(object, "tags");
        requireStringList(object, "location");
        checkValues(object, field == null ? "" : field, 1);
        checkIndexKey("job", ProfileItems.jobOf(object), TableDefinitions.JOB_INDEX);
        checkIndexKey("location[0]", ProfileItems.cityOf(object), TableDefinitions.LOCATION_INDEX);
        return object;
    }

    /**
     * Checks a whole record as the processor applies it (event payload): id, timestamp, data and the
     * stored item's size. Not the event size: an event in the log is applied if DynamoDB can store it.
     */
    public static void validateRecord(ProfileRecord record) throws ValidationException {
        checkIdAndData(record);
        checkItemSize(record, JsonCodec.toBytes(record.data()).length);
    }

    /** Checks a record about to be published (a legacy file): {@link #validateRecord} and {@link #checkSizes}. */
    public static void validateSubmission(ProfileRecord record) throws ValidationException {
        checkIdAndData(record);
        checkSizes(record);
    }

    /**
     * Refuses what DynamoDB could not store or Kafka could not carry, before it reaches Kafka: the
     * item's size, and the data's JSON size that bounds the event, its dead letter and its projection.
     */
    public static void checkSizes(ProfileRecord record) throws ValidationException {
        int jsonBytes = JsonCodec.toBytes(record.data()).length;
        if (jsonBytes > Limits.MAX_DATA_JSON_BYTES) {
            throw new ValidationException(null, "profile is too large: its data is " + jsonBytes
                    + " bytes of JSON (an escaped character such as \\u0001 counts 6), the limit is "
                    + Limits.MAX_DATA_JSON_BYTES + " bytes, so that its event (at most " + Limits.MAX_EVENT_BYTES
                    + " bytes), dead letter and match projection fit Kafka's " + Limits.KAFKA_MAX_RECORD_BYTES
                    + "-byte records");
        }
        checkItemSize(record, jsonBytes);
    }

    private static void checkIdAndData(ProfileRecord record) throws ValidationException {
        ProfileIds.check("id", record.id());
        if (record.timestamp() == null || record.timestamp().isBlank() || record.timestamp().length() > Limits.MAX_TIMESTAMP_CHARS) {
            throw new ValidationException("timestamp", "must be a non-empty string of at most "
                    + Limits.MAX_TIMESTAMP_CHARS + " characters");
        }
        checkUnicode("timestamp", record.timestamp());
        if (record.data() == null) {
            throw new ValidationException("data", "is required and must be a JSON object");
        }
        validateData(record.data(), "data");
    }

    private static void checkItemSize(ProfileRecord record, long jsonBytes) throws ValidationException {
        // The item holds the data twice (top-level copies and profile_data). Per value, DynamoDB's
        // size is at most its JSON text plus 3 bytes per list or map, which themselves take at least
        // 2 characters of JSON: so 3x the JSON text (+ names, id, timestamp) bounds the item. Only
        // profiles near the limit pay for building the item and measuring it exactly.
        if (3 * jsonBytes + 1024 <= MAX_ITEM_BYTES) {
            return;
        }
        // The largest item this record can become: the longest version, origin and request fingerprint (a SHA-256 in hex).
        long size = ItemSize.of(ProfileItems.toItem(record, Long.MAX_VALUE, "migration", "0".repeat(64)));
        if (size > MAX_ITEM_BYTES) {
            throw new ValidationException(null, "profile is too large: it would be a " + size
                    + "-byte DynamoDB item, the limit is " + MAX_ITEM_BYTES + " bytes");
        }
    }

    private static void checkIndexKey(String field, String key, String index) throws ValidationException {
        if (key != null) {
            long bytes = utf8Length(key);
            if (bytes > Limits.DYNAMODB_MAX_KEY_BYTES) {
                throw new ValidationException(field, "is " + bytes + " bytes of UTF-8, the limit is "
                        + Limits.DYNAMODB_MAX_KEY_BYTES + ": it is the key of the DynamoDB index " + index);
            }
        }
    }

    private static void requireType(ObjectNode data, String name, java.util.function.Predicate<JsonNode> test,
                                     String expected) throws ValidationException {
        JsonNode value = data.get(name);
        if (value != null && !value.isNull() && !test.test(value)) {
            throw new ValidationException(name, "must be " + expected + ", got " + kind(value));
        }
    }

    private static void requireStringList(ObjectNode data, String name) throws ValidationException {
        JsonNode value = data.get(name);
        if (value == null || value.isNull()) {
            return;
        }
        if (!value.isArray()) {
            throw new ValidationException(name, "must be a list of strings, got " + kind(value));
        }
        for (int i = 0; i < value.size(); i++) {
            if (!value.get(i).isTextual()) {
                throw new ValidationException(name + "[" + i + "]", "must be a string, got " + kind(value.get(i)));
            }
        }
    }

    /** DynamoDB's rules for values, map keys and nesting, over the whole tree; {@code depth} is the node's level. */
    private static void checkValues(JsonNode node, String path, int depth) throws ValidationException {
        if (node.isContainerNode() && depth > Limits.MAX_DATA_DEPTH) {
            throw new ValidationException(abbreviatePath(path), "nests deeper than " + Limits.MAX_DATA_DEPTH
                    + " levels, the most an event can carry (its envelope adds " + Limits.EVENT_ENVELOPE_LEVELS
                    + " to the data's levels)");
        }
        if (node.isTextual()) {
            checkUnicode(path, node.textValue());
            if (node.textValue().length() > JsonCodec.MAX_STRING_LENGTH) {
                throw new ValidationException(abbreviatePath(path), "is " + node.textValue().length()
                        + " characters long, the most the event's readers take is " + JsonCodec.MAX_STRING_LENGTH);
            }
        } else if (node.isNumber()) {
            checkNumber(node, path);
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                var entry = it.next();
                String name = entry.getKey();
                String child = path.isEmpty() ? abbreviate(name) : path + "." + abbreviate(name);
                checkName(child, name);
                checkValues(entry.getValue(), child, depth + 1);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                checkValues(node.get(i), path + "[" + i + "]", depth + 1);
            }
        }
    }

    private static void checkName(String path, String name) throws ValidationException {
        if (name.isEmpty()) {
            throw new ValidationException(abbreviatePath(path), "an empty field name cannot be stored: DynamoDB "
                    + "attribute names are 1 to " + Limits.DYNAMODB_MAX_NAME_BYTES + " bytes");
        }
        checkUnicode(path, name);
        // The event's readers (Jackson, counting a name's UTF-8 bytes) take less than DynamoDB would.
        long bytes = utf8Length(name);
        if (bytes > Limits.MAX_NAME_BYTES) {
            throw new ValidationException(abbreviatePath(path), "field name is " + bytes + " bytes of UTF-8, the most "
                    + "the event's readers take is " + Limits.MAX_NAME_BYTES + " (DynamoDB's attribute names: "
                    + Limits.DYNAMODB_MAX_NAME_BYTES + ")");
        }
    }

    private static void checkUnicode(String path, String text) throws ValidationException {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new ValidationException(abbreviatePath(path), "contains an unpaired surrogate (\\u"
                        + Integer.toHexString(c) + " at character " + i + "), which is not Unicode text");
            }
        }
    }

    private static void checkNumber(JsonNode node, String path) throws ValidationException {
        BigDecimal value = node.decimalValue();
        if (node.isFloatingPointNumber() && !node.isBigDecimal() && !Double.isFinite(node.doubleValue())) {
            throw new ValidationException(path, "must be a finite number");
        }
        BigDecimal magnitude = value.abs();
        if (magnitude.signum() != 0
                && (magnitude.compareTo(DYNAMO_MAX) > 0 || magnitude.compareTo(DYNAMO_MIN_POSITIVE) < 0)) {
            throw new ValidationException(abbreviatePath(path), "number " + abbreviate(value.toString())
                    + " is outside the range DynamoDB can store (1E-130 to 1E+126 in magnitude)");
        }
        if (value.stripTrailingZeros().precision() > Limits.DYNAMODB_MAX_NUMBER_DIGITS) {
            throw new ValidationException(abbreviatePath(path),
                    "number has more than 38 significant digits, which DynamoDB cannot store");
        }
        // The event writes the number as BigDecimal spells it (1.000e-6 as 0.000001000): it must
        // still be a number every reader of the event takes.
        int written = value.toString().length();
        if (written > JsonCodec.MAX_NUMBER_LENGTH) {
            throw new ValidationException(abbreviatePath(path), "number is written with " + written
                    + " characters in the event, the most its readers take is " + JsonCodec.MAX_NUMBER_LENGTH
                    + "; drop trailing zeros");
        }
    }

    /** UTF-8 length of valid Unicode text, without encoding it. */
    static long utf8Length(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case ARRAY -> "a list";
            case OBJECT -> "an object";
            case NULL -> "null";
            default -> node.getNodeType().name().toLowerCase();
        };
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 37) + "...";
    }

    private static String abbreviatePath(String path) {
        return path.length() <= MAX_PATH_CHARS ? path : path.substring(0, MAX_PATH_CHARS - 3) + "...";
    }
}
