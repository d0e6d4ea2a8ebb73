package io.agentmatch.contract.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Converts JSON to DynamoDB attribute values and back, numbers exact (DynamoDB N, not floats). */
public final class AttributeValues {
    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

    private AttributeValues() {
    }

    public static AttributeValue fromJson(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return AttributeValue.fromNul(true);
        }
        return switch (node.getNodeType()) {
            case STRING -> AttributeValue.fromS(node.textValue());
            case NUMBER -> AttributeValue.fromN(number(node.decimalValue()));
            case BOOLEAN -> AttributeValue.fromBool(node.booleanValue());
            case ARRAY -> {
                List<AttributeValue> items = new ArrayList<>(node.size());
                node.forEach(element -> items.add(fromJson(element)));
                yield AttributeValue.fromL(items);
            }
            case OBJECT -> AttributeValue.fromM(mapFromJson((ObjectNode) node));
            default -> AttributeValue.fromNul(true);
        };
    }

    public static Map<String, AttributeValue> mapFromJson(ObjectNode object) {
        Map<String, AttributeValue> map = new LinkedHashMap<>();
        object.fields().forEachRemaining(e -> map.put(e.getKey(), fromJson(e.getValue())));
        return map;
    }

    public static JsonNode toJson(AttributeValue value) {
        if (value == null) {
            return NODES.nullNode();
        }
        return switch (value.type()) {
            case S -> NODES.textNode(value.s());
            case N -> numberNode(value.n());
            case BOOL -> NODES.booleanNode(value.bool());
            case NUL -> NODES.nullNode();
            case L -> {
                ArrayNode array = NODES.arrayNode();
                value.l().forEach(element -> array.add(toJson(element)));
                yield array;
            }
            case M -> mapToJson(value.m());
            case SS -> {
                ArrayNode array = NODES.arrayNode();
                value.ss().forEach(array::add);
                yield array;
            }
            case NS -> {
                ArrayNode array = NODES.arrayNode();
                value.ns().forEach(n -> array.add(numberNode(n)));
                yield array;
            }
            default -> NODES.nullNode();
        };
    }

    public static ObjectNode mapToJson(Map<String, AttributeValue> map) {
        ObjectNode object = NODES.objectNode();
        map.forEach((k, v) -> object.set(k, toJson(v)));
        return object;
    }

    static String number(BigDecimal value) {
        return value.toString();
    }

    /** Integers come back as integers (40, not 40.0); everything else as an exact decimal. */
    static JsonNode numberNode(String text) {
        BigDecimal value = new BigDecimal(text);
        boolean integral = text.indexOf('.') < 0 && text.indexOf('e') < 0 && text.indexOf('E') < 0;
        if (integral) {
            try {
                return NODES.numberNode(value.longValueExact());
            } catch (ArithmeticException tooBig) {
                return NODES.numberNode(value.toBigIntegerExact());
            }
        }
        return NODES.numberNode(value);
    }
}
