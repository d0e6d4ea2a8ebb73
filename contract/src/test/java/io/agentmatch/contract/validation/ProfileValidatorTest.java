package io.agentmatch.contract.validation;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentmatch.contract.events.JsonCodec;
import io.agentmatch.contract.events.ProfileRecord;
import org.junit.jupiter.api.Test;

class ProfileValidatorTest {
    private static String problem(String json) throws Exception {
        var data = JsonCodec.readTree(json);
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
        var e = assertThrows(ValidationException.class, () -> ProfileValidator.checkItemSize(new ProfileRecord("a", "t", data)));
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
                ProfileValidator.checkItemSize(record);
                accepted = true;
            } catch (ValidationException e) {
                accepted = false;
            }
            assertTrue(accepted == exact <= ProfileValidator.MAX_ITEM_BYTES, "exact size " + exact + ", accepted " + accepted);
        }
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
