package io.agentmatch.contract.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * {@link JsonCodec#canonical} is the spelling content hashes are made of, and hashes made by earlier
 * releases sit in ledgers, items and idempotency records: a changed byte would make every unchanged
 * profile look changed. The former implementation (convert to maps, sort, write) is kept here as
 * the reference the fast one must equal.
 */
class CanonicalJsonTest {
    private static final ObjectMapper REFERENCE = JsonCodec.MAPPER.copy().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

    /** The canonical spelling up to this release, verbatim. */
    private static String reference(JsonNode node) throws Exception {
        Object plain = REFERENCE.convertValue(node, Object.class);
        return REFERENCE.writeValueAsString(sortKeys(plain));
    }

    @SuppressWarnings("unchecked")
    private static Object sortKeys(Object value) {
        if (value instanceof Map<?, ?> map) {
            var sorted = new TreeMap<String, Object>();
            map.forEach((k, v) -> sorted.put((String) k, sortKeys(v)));
            return sorted;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(CanonicalJsonTest::sortKeys).toList();
        }
        if (value instanceof Number number) {
            return new BigDecimal(number.toString()).stripTrailingZeros();
        }
        return value;
    }

    @Test
    void parsedDocumentsSpellExactlyAsTheFormerCanonicalForm() throws Exception {
        for (String json : List.of("{}", "[]", "null", "0", "-0", "0.0", "40", "40.0", "4E+1", "4e1", "-1.50", "1e-7",
                "123456789012345678901234567890123456.78", "9223372036854775807", "9223372036854775808",
                "\"\"", "\"é\\u0000\\n\\t\\\"\\\\/\u2028😀\"", "true",
                "{\"b\":1,\"a\":[3,{\"z\":null,\"Z\":false,\"é\":\"x\",\"\":0.10}],\"aa\":{}}",
                "{\"name\":\"Alice\",\"skills\":[\"plumbing\"],\"averagePrice\":179.26,\"location\":{\"lat\":1.0,\"lon\":-2}}")) {
            JsonNode node = JsonCodec.readTree(json);
            assertEquals(reference(node), JsonCodec.canonical(node), json);
        }
    }

    @Test
    void twentyThousandRandomTreesSpellExactlyAsTheFormerCanonicalForm() throws Exception {
        Random random = new Random(18);
        for (int i = 0; i < 20_000; i++) {
            JsonNode node = randomNode(random, 0);
            // Also through text and back, as every stored profile is.
            JsonNode parsed = JsonCodec.readTree(JsonCodec.toString(node));
            assertEquals(reference(node), JsonCodec.canonical(node), "tree " + i);
            assertEquals(reference(parsed), JsonCodec.canonical(parsed), "parsed tree " + i);
        }
    }

    @Test
    void nodesNoParserMakesSpellAsBefore() throws Exception {
        ObjectNode node = NODES.objectNode();
        node.put("double", 0.1d).put("float", 0.1f).put("long", Long.MIN_VALUE).put("short", (short) 7)
                .put("binary", new byte[] {1, 2, 3}).put("bigInteger", new BigInteger("-123456789012345678901234567890"));
        node.putPOJO("pojo", Map.of("b", 2, "a", List.of(1.5, "x")));
        assertEquals(reference(node), JsonCodec.canonical(node));
    }

    private static JsonNode randomNode(Random random, int depth) {
        int kind = random.nextInt(depth > 4 ? 6 : 8);
        return switch (kind) {
            case 0 -> NODES.nullNode();
            case 1 -> NODES.booleanNode(random.nextBoolean());
            case 2 -> NODES.textNode(randomText(random));
            case 3 -> NODES.numberNode(random.nextInt(2_000_001) - 1_000_000);
            case 4 -> NODES.numberNode(random.nextLong());
            case 5 -> NODES.numberNode(new BigDecimal(new BigInteger(random.nextInt(120) + 1, random)
                    .multiply(BigInteger.valueOf(random.nextBoolean() ? 1 : -1)), random.nextInt(40) - 20));
            case 6 -> {
                ArrayNode array = NODES.arrayNode();
                for (int n = random.nextInt(5); n > 0; n--) {
                    array.add(randomNode(random, depth + 1));
                }
                yield array;
            }
            default -> {
                ObjectNode object = NODES.objectNode();
                for (int n = random.nextInt(6); n > 0; n--) {
                    object.set(randomText(random), randomNode(random, depth + 1));
                }
                yield object;
            }
        };
    }

    /** Short strings over ASCII, Latin-1, control characters, other BMP characters and surrogate pairs. */
    private static String randomText(Random random) {
        StringBuilder text = new StringBuilder();
        for (int n = random.nextInt(8); n > 0; n--) {
            switch (random.nextInt(5)) {
                case 0 -> text.append((char) ('a' + random.nextInt(26)));
                case 1 -> text.append((char) ('A' + random.nextInt(26)));
                case 2 -> text.append((char) random.nextInt(0x20));
                case 3 -> text.append((char) (0xA0 + random.nextInt(0x2000)));
                default -> text.appendCodePoint(0x1F600 + random.nextInt(80));
            }
        }
        return text.toString();
    }
}
