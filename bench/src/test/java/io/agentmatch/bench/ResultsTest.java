package io.agentmatch.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultsTest {

    @Test
    void jsonHasRatiosTargetsAndFailures(@TempDir Path dir) throws Exception {
        Results results = new Results();
        results.info("nproc", 2);
        results.add(new Results.Row("ingest", "POST /store req/s", 6000, "req/s", "no-op POST", 12000,
                ">= 60% of no-op", false, "note"));
        results.add("footprint", "api RSS", 300, "MiB");
        results.failed("migrate", "timed out");
        Path file = results.write(dir, "bench-x.json");

        JsonNode root = Results.MAPPER.readTree(file.toFile());
        assertEquals(2, root.get("run").get("nproc").asInt());
        JsonNode first = root.get("results").get(0);
        assertEquals("ingest", first.get("stage").asText());
        assertEquals(0.5, first.get("ratio").asDouble(), 1e-9);
        assertFalse(first.get("met").asBoolean());
        JsonNode second = root.get("results").get(1);
        assertFalse(second.has("ratio"));
        assertFalse(second.has("met"));
        assertEquals("timed out", root.get("failures").get("migrate").asText());

        String md = Files.readString(dir.resolve("bench-x.md"));
        assertTrue(md.contains("| ingest | POST /store req/s (note) | 6,000 | req/s | no-op POST 12,000 | 50% | >= 60% of no-op | **no** |"), md);
        assertTrue(md.contains("migrate | FAILED: timed out"), md);
    }

    @Test
    void numbers() {
        assertEquals("12,346", Results.number(12345.6));
        assertEquals("123", Results.number(123.4));
        assertEquals("12.3", Results.number(12.34));
        assertEquals("1.23", Results.number(1.234));
        assertEquals("-", Results.number(Double.NaN));
    }
}
