package io.agentmatch.matching;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmatch.contract.events.JsonCodec;
import io.agentmatch.contract.events.MatchProjection;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class MatchProjectionsTest {

    @Test
    void fieldsAndHash() throws Exception {
        ObjectNode data = (ObjectNode) JsonCodec.readTree("{\"name\":\"Zoë\",\"address\":\"0xabc\",\"job\":\"Plumber\","
                + "\"averagePrice\":179.26,\"tags\":[\"pipes\",3],\"location\":[\"São Paulo\",\"BR\"],\"description\":\"d\","
                + "\"extra\":true}");
        float[] vector = {0.6f, 0.8f};
        String hash = MatchText.hash("m", MatchText.of(data));
        MatchProjection p = MatchProjections.of("id1", data, hash, vector, 7);
        assertEquals("Zoë", p.name());
        assertEquals("0xabc", p.address());
        assertEquals("Plumber", p.job());
        assertEquals("São Paulo", p.city());
        assertEquals(new BigDecimal("179.26"), p.averagePrice());
        assertEquals(List.of("pipes", "3"), p.tags());
        assertEquals("d", p.description());
        assertEquals(7, p.version());
        assertArrayEquals(vector, p.vector());
        assertFalse(MatchProjections.needsEmbedding(p, data, "m"));
        assertTrue(MatchProjections.needsEmbedding(p, data, "other-model"));
        data.put("description", "changed");
        assertTrue(MatchProjections.needsEmbedding(p, data, "m"));
        assertTrue(MatchProjections.needsEmbedding(null, data, "m"));

        MatchProjection minimal = MatchProjections.of("id2", (ObjectNode) JsonCodec.readTree("{\"job\":5}"), "h",
                vector, 1);
        assertNull(minimal.job());
        assertNull(minimal.city());
        assertNull(minimal.averagePrice());
        assertEquals(List.of(), minimal.tags());
    }
}
