package io.agentmatch.contract.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmatch.contract.events.JsonCodec;
import io.agentmatch.contract.events.ProfileRecord;
import io.agentmatch.contract.storage.ItemSize;
import io.agentmatch.contract.storage.ProfileItems;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;

/**
 * What a storable profile is. The API, the migrator and the processor all check with this class,
 * so a profile the API accepts is one the processor can write, and a legacy file the migrator
 * skips is one the API would have refused.
 */
public final class ProfileValidator {
    /** DynamoDB's item size limit. */
    public static final int MAX_ITEM_BYTES = 400 * 1024;
    private static final BigDecimal DYNAMO_MAX = new BigDecimal("9.9999999999999999999999999999999999999E+125");
    private static final BigDecimal DYNAMO_MIN_POSITIVE = new BigDecimal("1E-130");

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
        checkNumbers(object, field == null ? "" : field);
        return object;
    }

    /** Checks a whole record (event payload or legacy file): id, timestamp, data and the stored item's size. */
    public static void validateRecord(ProfileRecord record) throws ValidationException {
        ProfileIds.check("id", record.id());
        if (record.timestamp() == null || record.timestamp().isBlank() || record.timestamp().length() > 64) {
            throw new ValidationException("timestamp", "must be a non-empty string of at most 64 characters");
        }
        if (record.data() == null) {
            throw new ValidationException("data", "is required and must be a JSON object");
        }
        validateData(record.data(), "data");
        checkItemSize(record);
    }

    /** Refuses what DynamoDB could not store, before it reaches Kafka. */
    public static void checkItemSize(ProfileRecord record) throws ValidationException {
        // The item holds the data twice (top-level copies and profile_data). Per value, DynamoDB's
        // size is at most its JSON text plus 3 bytes per list or map, which themselves take at least
        // 2 characters of JSON: so 3x the JSON text (+ names, id, timestamp) bounds the item. Only
        // profiles near the limit pay for building the item and measuring it exactly.
        long jsonBytes = JsonCodec.toBytes(record.data()).length;
        if (3 * jsonBytes + 1024 <= MAX_ITEM_BYTES) {
            return;
        }
        long size = ItemSize.of(ProfileItems.toItem(record, 0L, "api"));
        if (size > MAX_ITEM_BYTES) {
            throw new ValidationException(null, "profile is too large: it would be a " + size
                    + "-byte DynamoDB item, the limit is " + MAX_ITEM_BYTES + " bytes");
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

    private static void checkNumbers(JsonNode node, String path) throws ValidationException {
        if (node.isNumber()) {
            BigDecimal value = node.decimalValue();
            if (node.isFloatingPointNumber() && !node.isBigDecimal() && !Double.isFinite(node.doubleValue())) {
                throw new ValidationException(path, "must be a finite number");
            }
            BigDecimal magnitude = value.abs();
            if (magnitude.signum() != 0
                    && (magnitude.compareTo(DYNAMO_MAX) > 0 || magnitude.compareTo(DYNAMO_MIN_POSITIVE) < 0)) {
                throw new ValidationException(path, "number " + abbreviate(value.toString())
                        + " is outside the range DynamoDB can store (1E-130 to 1E+126 in magnitude)");
            }
            if (value.stripTrailingZeros().precision() > 38) {
                throw new ValidationException(path, "number has more than 38 significant digits, which DynamoDB cannot store");
            }
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                var entry = it.next();
                checkNumbers(entry.getValue(), path.isEmpty() ? entry.getKey() : path + "." + entry.getKey());
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                checkNumbers(node.get(i), path + "[" + i + "]");
            }
        }
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
}
