package io.agentmatch.contract.validation;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmatch.contract.Limits;
import io.agentmatch.contract.events.EventEnvelope;
import io.agentmatch.contract.events.EventSerde;
import io.agentmatch.contract.events.EventSource;
import io.agentmatch.contract.events.EventType;
import io.agentmatch.contract.events.JsonCodec;
import io.agentmatch.contract.storage.ItemSize;
import io.agentmatch.contract.storage.ProfileItems;
import io.agentmatch.contract.events.ProfileRecord;
import org.junit.jupiter.api.Test;

class ProfileValidatorTest {
    private static String problem(String json) throws Exception {
        return problem(JsonCodec.readTree(json));
    }

    private static String problem(com.fasterxml.jackson.databind.JsonNode data) {
        return assertThrows(ValidationException.class, () -> ProfileValidator.validateData(data, null)).getMessage();
    }

    @Test
    void eachRuleNamesTheField() throws Exception {
        assertTrue(problem("{\"averagePrice\":\"10\"}").startsWith("averagePrice: must be a number"));
        assertTrue(problem("{\"tags\":\"a\"}").startsWith("tags: must be a list of strings"));
        assertTrue(problem("{\"tags\":[\"a\",{}]}").startsWith("tags[1]: must be a string"));
        assertTrue(problem("{\"location\":[1]}").startsWith("location[0]"));
        assertTrue(problem("{\"job\":[]}").startsWith("job: must be a string"));
        assertTrue(problem("{\"x\":{\"y\":1e200}}").startsWith("x.y: number"));
        assertTrue(problem("{\"x\":[1.00000000000000000000000000000000000001]}").contains("38 significant digits"));
        assertTrue(problem("[1]").contains("JSON object"));
        assertDoesNotThrow(() -> ProfileValidator.validateData(JsonCodec.readTree("{\"extra\":{\"a\":[1,\"b\"]},\"name\":null}"), null));
    }

    @Test
    void tooLargeForDynamoDbIsRefused() throws Exception {
        var data = (com.fasterxml.jackson.databind.node.ObjectNode) JsonCodec.readTree("{\"description\":\"" + "x".repeat(210_000) + "\"}");
        var e = assertThrows(ValidationException.class, () -> ProfileValidator.checkSizes(new ProfileRecord("a", "t", data)));
        assertTrue(e.getMessage().contains("too large"));
    }

    @Test
    void theFastSizeBoundNeverPassesWhatTheExactCountRefuses() throws Exception {
        java.util.Random random = new java.util.Random(1);
        for (int i = 0; i < 200; i++) {
            StringBuilder json = new StringBuilder("{\"tags\":[");
            int tags = random.nextInt(40_000);
            for (int t = 0; t < tags; t++) {
                json.append(t == 0 ? "" : ",").append(random.nextBoolean() ? "[]" : "\"" + "x".repeat(random.nextInt(3)) + "\"");
            }
            json.append("],\"description\":\"").append("é".repeat(random.nextInt(60_000))).append("\"}");
            ProfileRecord record = new ProfileRecord("a", "t",
                    (com.fasterxml.jackson.databind.node.ObjectNode) JsonCodec.readTree(json.toString()));
            long exact = io.agentmatch.contract.storage.ItemSize.of(io.agentmatch.contract.storage.ProfileItems.toItem(record, 0L, "api"));
            boolean accepted;
            try {
                ProfileValidator.checkSizes(record);
                accepted = true;
            } catch (ValidationException e) {
                accepted = false;
            }
            assertTrue(accepted == exact <= ProfileValidator.MAX_ITEM_BYTES, "exact size " + exact + ", accepted " + accepted);
        }
    }

    /** {"a":{"a":...{}}} with {@code levels} objects, the outermost included. */
    static ObjectNode nested(int levels) throws Exception {
        return (ObjectNode) JsonCodec.readTree("{\"a\":".repeat(levels - 1) + "{}" + "}".repeat(levels - 1));
    }

    @Test
    void dataNestedToTheLimitMakesAnEventTheProcessorCanParseOneMoreLevelIsRefused() throws Exception {
        ObjectNode atLimit = nested(Limits.MAX_DATA_DEPTH);
        ProfileValidator.validateSubmission(new ProfileRecord("a", "t", atLimit));
        EventEnvelope event = EventEnvelope.of(EventType.PROFILE_CREATED, EventSource.API, "a", null,
                new ProfileRecord("a", "t", atLimit).toJson());
        assertEquals(atLimit, EventSerde.parse(JsonCodec.toBytes(event)).profile().data());

        ObjectNode pastLimit = nested(Limits.MAX_DATA_DEPTH + 1);
        assertTrue(problem(pastLimit.toString()).startsWith("a.a.a"), problem(pastLimit.toString()));
        assertTrue(problem(pastLimit.toString()).contains("nests deeper than 30 levels"));
        // Why: the processor could not read the event of such data.
        EventEnvelope tooDeep = EventEnvelope.of(EventType.PROFILE_CREATED, EventSource.API, "a", null,
                new ProfileRecord("a", "t", pastLimit).toJson());
        assertThrows(java.io.IOException.class, () -> EventSerde.parse(JsonCodec.toBytes(tooDeep)));
        // Lists count as levels too.
        assertTrue(problem("{\"x\":" + "[".repeat(30) + "]".repeat(30) + "}").startsWith("x[0]"));
    }

    @Test
    void indexKeysOverTwoKilobytesOfUtf8AreRefusedEmptyOrBlankOnesAreNoKeys() throws Exception {
        String euros = "€".repeat(682) + "xx"; // 2,048 bytes
        assertDoesNotThrow(() -> ProfileValidator.validateData(json("job", euros), null));
        assertDoesNotThrow(() -> ProfileValidator.validateData(jsonLocation(euros), null));
        assertTrue(problem(json("job", euros + "x").toString()).startsWith("job: is 2049 bytes of UTF-8, the limit is 2048"));
        assertTrue(problem(jsonLocation(euros + "x").toString()).startsWith("location[0]: is 2049 bytes"));
        // Only the first location is a key; an empty job or blank city is left out of the index.
        assertDoesNotThrow(() -> ProfileValidator.validateData(JsonCodec.readTree(
                "{\"job\":\"\",\"location\":[\" \",\"" + "y".repeat(5000) + "\"]}"), null));
        var item = ProfileItems.toItem(new ProfileRecord("a", "t", (ObjectNode) JsonCodec.readTree(
                "{\"job\":\"\",\"location\":[\"  \"]}")), 1, "api");
        assertFalse(item.containsKey(ProfileItems.JOB));
        assertFalse(item.containsKey(ProfileItems.LOCATION_CITY));
    }

    @Test
    void fieldNamesDynamoDbRefusesAreRefused() throws Exception {
        assertTrue(problem("{\"x\":{\"\":1}}").startsWith("x.: an empty field name"));
        // Within DynamoDB's 64 KB, but longer than the event's readers (Jackson counts the UTF-8 bytes) take.
        ObjectNode longName = JsonNodeFactory.instance.objectNode();
        longName.putObject("x").put("€".repeat(16_666) + "xx", 1); // 50,000 bytes
        assertDoesNotThrow(() -> ProfileValidator.validateData(longName, null));
        ProfileRecord record = new ProfileRecord("a", "t", longName);
        EventEnvelope event = EventEnvelope.of(EventType.PROFILE_CREATED, EventSource.API, "a", null, record.toJson());
        assertEquals(longName, EventSerde.parse(JsonCodec.toBytes(event)).profile().data());
        longName.removeAll();
        longName.putObject("x").put("€".repeat(16_667), 1); // 50,001 bytes
        assertTrue(problem(longName).startsWith("x.€€€"));
        assertTrue(problem(longName).contains("field name is 50001 bytes of UTF-8, the most the event's readers take is 50000"));
    }

    @Test
    void aNumberTheEventWouldSpellLongerThanItsReadersTakeIsRefused() throws Exception {
        // 64 characters in the body, 67 in the event (0.000001000...): the processor could not read it.
        String longForm = "1." + "0".repeat(59) + "e-6";
        assertEquals(JsonCodec.MAX_NUMBER_LENGTH, longForm.length());
        assertTrue(problem("{\"x\":" + longForm + "}").startsWith("x: number is written with 67 characters"));
        String fits = "1." + "0".repeat(56) + "e-6"; // 64 characters in the event
        assertDoesNotThrow(() -> ProfileValidator.validateData(JsonCodec.readTree("{\"x\":" + fits + "}"), null));
        ProfileRecord record = new ProfileRecord("a", "t", (ObjectNode) JsonCodec.readTree("{\"x\":" + fits + "}"));
        EventEnvelope event = EventEnvelope.of(EventType.PROFILE_CREATED, EventSource.API, "a", null, record.toJson());
        assertEquals(record.data(), EventSerde.parse(JsonCodec.toBytes(event)).profile().data());
    }

    @Test
    void textThatIsNotUnicodeIsRefused() throws Exception {
        assertTrue(problem("{\"name\":\"ok \\ud800\"}").startsWith("name: contains an unpaired surrogate"));
        assertTrue(problem("{\"x\":[\"\\udc00a\"]}").startsWith("x[0]: contains an unpaired surrogate"));
        // Jackson's parser already refuses a broken pair in a field name; a tree built otherwise is checked too.
        ObjectNode name = JsonNodeFactory.instance.objectNode().put("\ud800", 1);
        assertTrue(assertThrows(ValidationException.class, () -> ProfileValidator.validateData(name, null))
                .getMessage().contains("unpaired surrogate"));
        assertDoesNotThrow(() -> ProfileValidator.validateData(JsonCodec.readTree("{\"name\":\"\\ud83d\\ude00\"}"), null));
    }

    @Test
    void escapedCharactersCountAsTheirJsonBytesAgainstTheEventLimit() throws Exception {
        // U+0001 is 6 bytes of JSON and 1 byte stored: a 300 KB item whose event would be 1.03 MB.
        int overhead = JsonCodec.toBytes(json("description", "")).length;
        int atLimit = (Limits.MAX_DATA_JSON_BYTES - overhead) / 6;
        ProfileRecord fits = new ProfileRecord("a", "t", json("description", "\u0001".repeat(atLimit)));
        assertDoesNotThrow(() -> ProfileValidator.checkSizes(fits));
        ProfileRecord over = new ProfileRecord("a", "t", json("description", "\u0001".repeat(atLimit + 1)));
        var e = assertThrows(ValidationException.class, () -> ProfileValidator.checkSizes(over));
        assertTrue(e.getMessage().startsWith("profile is too large: its data is"), e.getMessage());
        assertTrue(e.getMessage().contains("the limit is " + Limits.MAX_DATA_JSON_BYTES), e.getMessage());
        assertTrue(ItemSize.of(ProfileItems.toItem(over, 1, "api")) < ProfileValidator.MAX_ITEM_BYTES, "DynamoDB alone would take it");
        // The processor applies what DynamoDB can store, whatever its JSON size: events in the log stay applicable.
        assertDoesNotThrow(() -> ProfileValidator.validateRecord(over));
    }

    private static ObjectNode json(String field, String value) {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put(field, value);
        return data;
    }

    private static ObjectNode jsonLocation(String first) {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.putArray("location").add(first).add("DE");
        return data;
    }

    @Test
    void idsAreSafeFileNames() {
        for (String bad : new String[] {"", "..", "../x", "a/b", "a\\b", ".hidden", "a\u0000b", "a b", "x".repeat(129)}) {
            assertThrows(ValidationException.class, () -> ProfileIds.check("id", bad), bad);
        }
        for (String good : new String[] {"6513270e-269e-4d37-b2a7-4de452e6b438", "x", "a.b_c-1"}) {
            assertDoesNotThrow(() -> ProfileIds.check("id", good));
        }
    }
}
