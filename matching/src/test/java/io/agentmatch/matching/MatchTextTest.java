package io.agentmatch.matching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmatch.contract.events.JsonCodec;
import org.junit.jupiter.api.Test;

class MatchTextTest {

    private static ObjectNode json(String text) throws Exception {
        return (ObjectNode) JsonCodec.readTree(text);
    }

    @Test
    void fullProfile() throws Exception {
        assertEquals("Plumber I fix leaks. Skills: pipes, drains, water heaters", MatchText.of(json(
                "{\"job\":\"Plumber\",\"description\":\"I fix leaks.\",\"tags\":[\"pipes\",\"drains\",\"water heaters\"],"
                        + "\"name\":\"x\",\"averagePrice\":40}")));
    }

    @Test
    void missingFieldsAreEmptyStrings() throws Exception {
        assertEquals("  Skills: ", MatchText.of(json("{}")));
        assertEquals("Painter Walls Skills: ", MatchText.of(json("{\"job\":\"Painter\",\"description\":\"Walls\"}")));
        assertEquals(" Walls Skills: a", MatchText.of(json("{\"description\":\"Walls\",\"tags\":[\"a\"]}")));
        assertEquals("Hacker  Skills: ", MatchText.of(json("{\"job\":\"Hacker\",\"description\":null}")));
        assertEquals("  Skills: ", MatchText.of(null));
    }

    @Test
    void tagJoining() throws Exception {
        assertEquals("J D Skills: ", MatchText.of(json("{\"job\":\"J\",\"description\":\"D\",\"tags\":[]}")));
        assertEquals("J D Skills: one", MatchText.of(json("{\"job\":\"J\",\"description\":\"D\",\"tags\":[\"one\"]}")));
        assertEquals("J D Skills: a, b, c",
                MatchText.of(json("{\"job\":\"J\",\"description\":\"D\",\"tags\":[\"a\",\"b\",\"c\"]}")));
        assertEquals("J D Skills: , x", MatchText.of(json("{\"job\":\"J\",\"description\":\"D\",\"tags\":[\"\",\"x\"]}")));
    }

    @Test
    void unicodeIsKeptVerbatim() throws Exception {
        assertEquals("Plumber Reparo canos — 漏水修理 ✅ Skills: plomería, 水道, 🔧", MatchText.of(json(
                "{\"job\":\"Plumber\",\"description\":\"Reparo canos — 漏水修理 ✅\",\"tags\":[\"plomería\",\"水道\",\"🔧\"]}")));
    }

    @Test
    void hashDependsOnModelAndTextOnly() {
        String h = MatchText.hash("all-minilm-l6-v2-q", "Plumber x Skills: ");
        assertEquals(h, MatchText.hash("all-minilm-l6-v2-q", "Plumber x Skills: "));
        assertEquals(32, h.length());
        assertNotEquals(h, MatchText.hash("all-minilm-l6-v2", "Plumber x Skills: "));
        assertNotEquals(h, MatchText.hash("all-minilm-l6-v2-q", "Plumber y Skills: "));
    }
}
