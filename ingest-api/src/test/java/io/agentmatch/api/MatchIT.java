package io.agentmatch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentmatch.localstack.Await;
import io.agentmatch.processor.ProcessorApp;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Matching end to end: profiles become matchable through the projector and the API's index. */
class MatchIT {
    private static final Duration MATCHABLE = Duration.ofSeconds(60);
    private static ProcessorApp processor;
    private static RunningPipeline pipeline;
    private static IngestApi api;
    private static Http http;

    @BeforeAll
    static void start() throws Exception {
        pipeline = RunningPipeline.start("match");
        processor = pipeline.processor();
        api = pipeline.api();
        http = pipeline.http();
    }

    @AfterAll
    static void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    private static String store(String json) {
        Http.Response response = http.post("/store", json);
        assertEquals(201, response.status(), response.body());
        return response.json().get("id").asText();
    }

    private static JsonNode match(String json) {
        Http.Response response = http.post("/match", json);
        assertEquals(200, response.status(), response.body());
        return response.json();
    }

    @Test
    void storedProfilesBecomeMatchableFiltersWorkDeletesAndUpdatesTakeEffect() {
        String plumberBerlin = store("{\"name\":\"Pia\",\"address\":\"0x1\",\"job\":\"Plumber\",\"averagePrice\":40,"
                + "\"tags\":[\"pipes\"],\"location\":[\"Berlin\",\"DE\"],\"description\":\"I fix leaking pipes and sinks\"}");
        String electrician = store("{\"name\":\"Eli\",\"address\":\"0x2\",\"job\":\"Electrician\",\"averagePrice\":60,"
                + "\"tags\":[\"wiring\"],\"location\":[\"Berlin\",\"DE\"],\"description\":\"Wiring, outlets and fuse boxes\"}");
        String plumberLyon = store("{\"name\":\"Luc\",\"address\":\"0x3\",\"job\":\"Plumber\",\"averagePrice\":30,"
                + "\"tags\":[\"pipes\",\"drains\"],\"location\":[\"Lyon\",\"FR\"],\"description\":\"Blocked drains and leaks\"}");
        String doctor = store("{\"name\":\"Doc\",\"address\":\"0x4\",\"job\":\"Doctor\",\"averagePrice\":100,"
                + "\"tags\":[\"medicine\"],\"location\":[\"Austin\",\"US\"],\"description\":\"General practitioner for fever and flu\"}");
        Await.until("all four matchable", MATCHABLE,
                () -> http.post("/match", "{\"description\":\"anything\",\"limit\":10}").json().get("matches").size() == 4);

        JsonNode leak = match("{\"description\":\"My kitchen sink is leaking\"}");
        assertEquals("Plumber", leak.get("matched_uagent").get("job").asText());
        assertEquals("Match found successfully", leak.get("message").asText());

        assertEquals(plumberLyon, match("{\"description\":\"leaking sink\",\"location\":\"lyon\"}").get("matches").get(0).get("id").asText());
        JsonNode cheap = match("{\"description\":\"leaking sink\",\"maxPrice\":35}");
        assertEquals(1, cheap.get("matches").size());
        assertEquals("0x3", cheap.get("matched_address").asText());
        assertEquals(plumberLyon, match("{\"description\":\"pipes\",\"tags\":[\"drains\",\"PIPES\"]}").get("matches").get(0).get("id").asText());
        assertEquals(doctor, match("{\"description\":\"pipes\",\"job\":\"doctor\"}").get("matches").get(0).get("id").asText());
        assertEquals(404, http.post("/match", "{\"description\":\"pipes\",\"location\":\"Nowhere\"}").status());
        assertEquals(2, match("{\"description\":\"x\",\"limit\":2}").get("matches").size());

        // A delete makes a profile unmatchable.
        assertEquals(202, http.delete("/profiles/" + doctor).status());
        Await.until("deleted profile unmatchable", MATCHABLE,
                () -> http.post("/match", "{\"description\":\"fever\",\"job\":\"Doctor\"}").status() == 404);

        // An update re-ranks: the electrician becomes the best answer for a wiring question in Lyon.
        assertEquals(plumberLyon, match("{\"description\":\"fuse box wiring\",\"location\":\"Lyon\"}").get("matches").get(0).get("id").asText());
        assertEquals(202, http.put("/profiles/" + electrician, "{\"name\":\"Eli\",\"address\":\"0x2\",\"job\":\"Electrician\","
                + "\"averagePrice\":60,\"tags\":[\"wiring\"],\"location\":[\"Lyon\",\"FR\"],\"description\":\"Wiring, outlets and fuse boxes\"}").status());
        Await.until("updated profile re-ranked", MATCHABLE, () -> electrician.equals(
                http.post("/match", "{\"description\":\"fuse box wiring\",\"location\":\"Lyon\"}").json().get("matches").get(0).get("id").asText()));
        assertTrue(match("{\"description\":\"fuse box wiring\",\"location\":\"Berlin\"}").get("matches").findValuesAsText("id").contains(plumberBerlin));
    }
}
