package io.agentmatch.api.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmatch.api.http.ApiError;
import io.agentmatch.contract.events.JsonCodec;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Opaque pagination cursors: DynamoDB's LastEvaluatedKey (string attributes only), base64url.
 * A cursor is checked against the key of the read it continues (its attribute names, and the
 * partition value the read asks for) before DynamoDB sees it: a crafted cursor is the client's
 * error (400 naming {@code cursor}), never a DynamoDB failure.
 */
public final class Cursors {
    private static final int MAX_CURSOR_CHARS = 8192;
    /** DynamoDB's limit for a sort key value (a partition key may have 2,048: those are the read's own value). */
    private static final int MAX_KEY_VALUE_BYTES = 1024;

    private Cursors() {
    }

    public static String encode(Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> lastKey) {
        if (lastKey == null || lastKey.isEmpty()) {
            return null;
        }
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        lastKey.forEach((k, v) -> node.put(k, v.s()));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(JsonCodec.toBytes(node));
    }

    /** Any cursor this API could have issued (string attributes), not checked against a read. */
    public static Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> decode(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return null;
        }
        try {
            if (cursor.length() > MAX_CURSOR_CHARS) {
                throw new IllegalArgumentException();
            }
            JsonNode node = JsonCodec.readTree(Base64.getUrlDecoder().decode(cursor));
            if (!node.isObject() || node.size() == 0 || node.size() > 4) {
                throw new IllegalArgumentException();
            }
            Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> key = new HashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                var entry = it.next();
                if (!entry.getValue().isTextual() || entry.getValue().textValue().isEmpty()) {
                    throw new IllegalArgumentException();
                }
                key.put(entry.getKey(), software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(entry.getValue().textValue()));
            }
            return key;
        } catch (Exception e) {
            throw invalid();
        }
    }

    /**
     * A cursor of a read whose key has exactly {@code attributes}, where {@code fixed} (the
     * partition key of a Query) must have the value the read asks for.
     */
    public static Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> decode(
            String cursor, Set<String> attributes, Map<String, String> fixed) {
        var key = decode(cursor);
        if (key == null) {
            return null;
        }
        if (!key.keySet().equals(attributes)) {
            throw invalid();
        }
        key.forEach((attribute, value) -> {
            String expected = fixed.get(attribute);
            if (expected != null ? !expected.equals(value.s())
                    : value.s().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_KEY_VALUE_BYTES) {
                throw invalid();
            }
        });
        return key;
    }

    public static ApiError invalid() {
        return ApiError.badRequest("cursor: not a cursor this API issued for this list; "
                + "pass the next_cursor of the previous page unchanged");
    }
}
