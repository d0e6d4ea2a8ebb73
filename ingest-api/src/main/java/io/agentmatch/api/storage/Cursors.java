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
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Opaque pagination cursors: DynamoDB's LastEvaluatedKey (string attributes only), base64url. */
public final class Cursors {
    private Cursors() {
    }

    public static String encode(Map<String, AttributeValue> lastKey) {
        if (lastKey == null || lastKey.isEmpty()) {
            return null;
        }
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        lastKey.forEach((k, v) -> node.put(k, v.s()));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(JsonCodec.toBytes(node));
    }

    public static Map<String, AttributeValue> decode(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return null;
        }
        try {
            JsonNode node = JsonCodec.readTree(Base64.getUrlDecoder().decode(cursor));
            if (!node.isObject() || node.size() == 0 || node.size() > 4) {
                throw new IllegalArgumentException();
            }
            Map<String, AttributeValue> key = new HashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                var entry = it.next();
                if (!entry.getValue().isTextual()) {
                    throw new IllegalArgumentException();
                }
                key.put(entry.getKey(), AttributeValue.fromS(entry.getValue().textValue()));
            }
            return key;
        } catch (Exception e) {
            throw ApiError.badRequest("cursor: not a cursor this API issued");
        }
    }
}
