package io.agentmatch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentmatch.api.fakes.FakePipeline;
import io.agentmatch.api.fakes.TestApi;
import io.agentmatch.api.matching.IndexFeed;
import io.agentmatch.contract.events.EventType;
import io.agentmatch.contract.events.MatchProjection;
import io.agentmatch.contract.events.ProfileRecord;
import io.agentmatch.contract.events.JsonCodec;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every status code of every route, in-process on in-memory fakes (no Kafka, no DynamoDB): the
 * HTTP contract of the legacy routes and ours, authentication on and off, idempotency.
 */
class RoutesTest {
    private static final Map<String, String> ENV = Map.of("API_MAX_BODY_BYTES", "300000", "API_MAX_PARKED_WAITS", "2");
    private static final RouteStatuses STATUSES = new RouteStatuses();
    private static TestApi open;
    private static TestApi guarded;
    private static Http http;

    @BeforeAll
    static void start() {
        open = new TestApi(ENV);
        guarded = new TestApi(ENV, "s3cret");
        http = new Http(open.port(), null);
    }

    @AfterEach
    void healthy() {
        open.pipeline.kafka(FakePipeline.Kafka.ACKS);
        open.pipeline.dynamoDown(false);
        open.feed.state(IndexFeed.State.READY);
        open.pipeline.holdProcessing(false);
    }

    @AfterAll
    static void stop() {
        // Every status the route table declares was answered by some test below.
        STATUSES.assertCovers(guarded.api.routes());
        // Every event the routes published matches the published contract (docs/schemas), as the processor reads it.
        for (TestApi api : List.of(open, guarded)) {
            assertEquals(List.of(), api.pipeline.schemaFailures(), "events the API wrote that the schemas refuse");
        }
        assertTrue(open.pipeline.eventsRead() > 10, "the routes' events were read against the schemas");
        open.close();
        guarded.close();
    }

    private static String store(String json) {
        return STATUSES.expect("POST /store", http.post("/store", json), 201).json().get("id").asText();
    }

    private static Set<String> fields(JsonNode node) {
        Set<String> names = new HashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void storeAnswers201WithTheLegacyShapeAndEveryErrorNamesTheProblem() {
        Http.Response stored = STATUSES.expect("POST /store", http.post("/store", "{\"name\":\"Alice\",\"job\":\"Plumber\"}"), 201);
        assertEquals(Set.of("message", "id", "status"), fields(stored.json()));
        assertEquals("Profile stored successfully", stored.json().get("message").asText());
        assertEquals("success", stored.json().get("status").asText());
        assertTrue(stored.header("X-Profile-Version") != null);

        STATUSES.expectError("POST /store", http.post("/store", "{ not json"), 400, "not valid JSON");
        STATUSES.expectError("POST /store", http.post("/store", ""), 400, "empty");
        STATUSES.expectError("POST /store", http.post("/store", "{\"tags\":[\"ok\",3]}"), 400, "tags[1]");
        STATUSES.expectError("POST /store", http.post("/store", "{}", Map.of("Idempotency-Key", " ")), 400, "Idempotency-Key");
        STATUSES.expectError("POST /store", http.postDeclaring("/store", 300_001), 413, "limit");
        STATUSES.expectError("POST /store", http.post("/store", "{\"description\":\"" + "x".repeat(210_000) + "\"}"), 413, "too large");
        STATUSES.expectError("POST /store", http.postBytes("/store", "{}".getBytes(StandardCharsets.UTF_8), "text/plain"), 415,
                "Content-Type");
        open.pipeline.kafka(FakePipeline.Kafka.DOWN_NOT_STORED);
        STATUSES.expectError("POST /store", http.post("/store", "{\"name\":\"x\"}"), 503, "Kafka");
    }

    @Test
    void retrieveAnswersTheStoredRecordOr404Or400ForABadId() {
        String id = store("{\"name\":\"Bob\",\"location\":[\"Berlin\",\"DE\"]}");
        Http.Response found = STATUSES.expect("GET /retrieve/{id}", http.get("/retrieve/" + id), 200);
        assertEquals(Set.of("message", "data", "status"), fields(found.json()));
        assertEquals(Set.of("id", "timestamp", "data"), fields(found.json().get("data")));
        assertEquals("Bob", found.json().get("data").get("data").get("name").asText());
        STATUSES.expectError("GET /retrieve/{id}", http.get("/retrieve/..%2F..%2Fetc"), 400, "id");
        STATUSES.expectError("GET /retrieve/{id}", http.get("/retrieve/does-not-exist"), 404, "not found");
        open.pipeline.dynamoDown(true);
        STATUSES.expectError("GET /retrieve/{id}", http.get("/retrieve/" + id), 503, "DynamoDB");
    }

    @Test
    void retrieveWaitsAreParkedAndBounded() throws Exception {
        var first = http.getAsync("/retrieve/soon?wait=10000");
        var second = http.getAsync("/retrieve/soon?wait=10000");
        io.agentmatch.localstack.Await.until("2 waits parked", java.time.Duration.ofSeconds(10),
                () -> http.get("/metrics").body().contains("api_parked_waits 2.0"));
        STATUSES.expectError("GET /retrieve/{id}", http.get("/retrieve/soon?wait=10000"), 429, "API_MAX_PARKED_WAITS");
        open.pipeline.seedProfile(new ProfileRecord("soon", "2024-03-01T09:00:00.000001", (ObjectNode) JsonCodec.readTree("{}")));
        assertEquals(200, first.get().statusCode());
        assertEquals(200, second.get().statusCode());
    }

    @Test
    void listReturnsEveryIdAndPaginatesWithLimitAndCursor() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            ids.add(store("{\"name\":\"p" + i + "\"}"));
        }
        JsonNode all = STATUSES.expect("GET /list", http.get("/list"), 200).json();
        assertEquals(Set.of("message", "ids", "status"), fields(all));
        Set<String> listed = new HashSet<>();
        all.get("ids").forEach(id -> listed.add(id.asText()));
        assertTrue(listed.containsAll(ids));
        assertEquals("Found " + listed.size() + " stored profiles", all.get("message").asText());

        Set<String> paged = new HashSet<>();
        String cursor = null;
        do {
            JsonNode page = STATUSES.expect("GET /list", http.get("/list?limit=7" + (cursor == null ? "" : "&cursor=" + cursor)), 200).json();
            assertTrue(page.get("ids").size() <= 7);
            page.get("ids").forEach(id -> paged.add(id.asText()));
            cursor = page.has("next_cursor") ? page.get("next_cursor").asText() : null;
        } while (cursor != null);
        assertEquals(listed, paged);
        STATUSES.expectError("GET /list", http.get("/list?limit=0"), 400, "limit");
        STATUSES.expectError("GET /list", http.get("/list?cursor=garbage"), 400, "cursor");
        open.pipeline.dynamoDown(true);
        STATUSES.expectError("GET /list", http.get("/list"), 503, "DynamoDB");
    }

    @Test
    void matchAnswersFromTheIndexWithTheLegacyFields() {
        STATUSES.expectError("POST /match", http.post("/match", "{\"description\":\"leaking pipes\"}"), 404, "No profiles");
        float[] vector = open.embedder.embed("Plumber I fix leaking pipes Skills: pipes");
        open.index.upsert(new MatchProjection("m1", "h", MatchProjection.encode(vector), "Pia", "0xp1a", "Plumber", "Berlin",
                new java.math.BigDecimal("40"), List.of("pipes"), "I fix leaking pipes", 1));
        JsonNode match = STATUSES.expect("POST /match", http.post("/match", "{\"description\":\"leaking pipes\"}"), 200).json();
        assertEquals("Match found successfully", match.get("message").asText());
        assertEquals("0xp1a", match.get("matched_address").asText());
        assertEquals(Set.of("name", "job", "description", "tags", "averagePrice"), fields(match.get("matched_uagent")));
        assertEquals(1, match.get("matches").size());
        STATUSES.expectError("POST /match", http.post("/match", "{}"), 400, "description");
        STATUSES.expectError("POST /match", http.post("/match", "{\"description\":\"x\",\"maxPrice\":\"low\"}"), 400, "maxPrice");
        STATUSES.expectError("POST /match", http.postDeclaring("/match", 300_001), 413, "limit");
        STATUSES.expectError("POST /match", http.postBytes("/match", "{}".getBytes(StandardCharsets.UTF_8), "text/plain"), 415,
                "Content-Type");
        open.feed.state(IndexFeed.State.LOADING);
        STATUSES.expectError("POST /match", http.post("/match", "{\"description\":\"pipes\"}"), 503, "loading");
    }

    @Test
    void conversationsStoreAndReadBackInTimeOrderInTheLegacyShapes() {
        Http.Response posted = STATUSES.expect("POST /conversation",
                http.post("/conversation", "{\"agent_id\":\"a1\",\"message\":\"hello\",\"sender\":\"user\"}"), 201);
        String conversation = posted.json().get("conversation_id").asText();
        assertEquals(Set.of("message", "conversation_id", "message_id", "status"), fields(posted.json()));
        STATUSES.expect("POST /conversation", http.post("/conversation", "{\"agent_id\":\"a1\",\"message\":\"hi back\",\"sender\":\"agent\","
                + "\"conversation_id\":\"" + conversation + "\"}"), 201);

        JsonNode read = STATUSES.expect("GET /conversation/{conversation_id}", http.get("/conversation/" + conversation), 200).json();
        assertEquals(Set.of("message", "conversation_id", "messages", "status"), fields(read));
        assertEquals(Set.of("conversation_id", "timestamp", "agent_id", "message", "sender"), fields(read.get("messages").get(0)));
        assertEquals("hello", read.get("messages").get(0).get("message").asText());
        assertEquals("hi back", read.get("messages").get(1).get("message").asText());
        JsonNode agent = STATUSES.expect("GET /agent/{agent_id}/conversations", http.get("/agent/a1/conversations"), 200).json();
        assertEquals(Set.of("message", "agent_id", "conversations", "status"), fields(agent));
        assertEquals(2, agent.get("conversations").size());

        STATUSES.expectError("POST /conversation", http.post("/conversation", "{\"message\":\"m\",\"sender\":\"s\"}"), 400, "agent_id");
        STATUSES.expectError("POST /conversation", http.post("/conversation",
                "{\"agent_id\":\"a\",\"message\":\"" + "m".repeat(100_001) + "\",\"sender\":\"s\"}"), 413, "message");
        STATUSES.expectError("POST /conversation", http.postBytes("/conversation", "{}".getBytes(StandardCharsets.UTF_8), "text/plain"),
                415, "Content-Type");
        STATUSES.expectError("GET /conversation/{conversation_id}", http.get("/conversation/..%2Fx"), 400, "conversation_id");
        STATUSES.expectError("GET /agent/{agent_id}/conversations", http.get("/agent/a1/conversations?limit=-1"), 400, "limit");
        open.pipeline.kafka(FakePipeline.Kafka.DOWN_NOT_STORED);
        STATUSES.expectError("POST /conversation", http.post("/conversation", "{\"agent_id\":\"a\",\"message\":\"m\",\"sender\":\"s\"}"),
                503, "Kafka");
        open.pipeline.dynamoDown(true);
        STATUSES.expectError("GET /conversation/{conversation_id}", http.get("/conversation/" + conversation), 503, "DynamoDB");
        STATUSES.expectError("GET /agent/{agent_id}/conversations", http.get("/agent/a1/conversations"), 503, "DynamoDB");
    }

    @Test
    void profilesQueryUpdateAndDelete() {
        String id = store("{\"name\":\"Carol\",\"job\":\"Carpenter\",\"location\":[\"Lyon\",\"FR\"]}");
        JsonNode byJob = STATUSES.expect("GET /profiles", http.get("/profiles?job=Carpenter"), 200).json();
        assertEquals(Set.of("message", "profiles", "count", "status"), fields(byJob));
        assertTrue(byJob.get("profiles").findValuesAsText("id").contains(id));
        STATUSES.expectError("GET /profiles", http.get("/profiles?job=a&location=b"), 400, "job and location");

        Http.Response updated = STATUSES.expect("PUT /profiles/{id}",
                http.put("/profiles/" + id, "{\"name\":\"Carol\",\"job\":\"Cabinet Maker\"}"), 202);
        assertEquals(Set.of("message", "id", "version", "status"), fields(updated.json()));
        JsonNode after = http.get("/retrieve/" + id).json().get("data");
        assertEquals("Cabinet Maker", after.get("data").get("job").asText());
        STATUSES.expectError("PUT /profiles/{id}", http.put("/profiles/missing", "{\"name\":\"x\"}"), 404, "not found");
        STATUSES.expectError("PUT /profiles/{id}", http.put("/profiles/" + id, "{\"averagePrice\":\"cheap\"}"), 400, "averagePrice");
        STATUSES.expectError("PUT /profiles/{id}", http.put("/profiles/" + id, "{\"description\":\"" + "x".repeat(210_000) + "\"}"),
                413, "too large");
        STATUSES.expectError("PUT /profiles/{id}", http.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + open.port() + "/profiles/" + id))
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{}")).header("Content-Type", "text/plain"), Map.of()),
                415, "Content-Type");

        STATUSES.expectError("DELETE /profiles/{id}", http.delete("/profiles/..%2Fx"), 400, "id");
        STATUSES.expect("DELETE /profiles/{id}", http.delete("/profiles/" + id), 202);
        STATUSES.expectError("DELETE /profiles/{id}", http.delete("/profiles/" + id), 404, "not found");
        STATUSES.expectError("GET /retrieve/{id}", http.get("/retrieve/" + id), 404, "not found");

        String other = store("{\"name\":\"Dan\"}");
        open.pipeline.kafka(FakePipeline.Kafka.DOWN_NOT_STORED);
        STATUSES.expectError("PUT /profiles/{id}", http.put("/profiles/" + other, "{\"name\":\"Dan 2\"}"), 503, "Kafka");
        STATUSES.expectError("DELETE /profiles/{id}", http.delete("/profiles/" + other), 503, "Kafka");
        open.pipeline.dynamoDown(true);
        STATUSES.expectError("GET /profiles", http.get("/profiles"), 503, "DynamoDB");
    }

    @Test
    void opsRoutesHealthReadyMetricsAndOpenApi() {
        assertEquals("Server is running", STATUSES.expect("GET /health", http.get("/health"), 200).json().get("message").asText());
        JsonNode ready = STATUSES.expect("GET /ready", http.get("/ready"), 200).json();
        assertEquals("up", ready.get("dependencies").get("kafka").asText());
        open.feed.state(IndexFeed.State.STOPPED);
        JsonNode notReady = STATUSES.expect("GET /ready", http.get("/ready"), 503).json();
        assertEquals("stopped", notReady.get("dependencies").get("match_index").asText());
        assertEquals("Not ready: match_index stopped", notReady.get("message").asText());
        assertTrue(STATUSES.expect("GET /metrics", http.get("/metrics"), 200).body().contains("api_http_requests"));
        assertTrue(STATUSES.expect("GET /openapi.json", http.get("/openapi.json"), 200).json().has("paths"));
        Http.Response asyncApi = STATUSES.expect("GET /asyncapi.yaml", http.get("/asyncapi.yaml"), 200);
        assertTrue(asyncApi.body().startsWith("asyncapi: 3.0.0"), asyncApi.body());
        assertTrue(asyncApi.header("Content-Type").startsWith("application/yaml"));
        JsonNode schema = STATUSES.expect("GET /schemas/{file}", http.get("/schemas/profile-updated.v2.json"), 200).json();
        assertEquals("https://json-schema.org/draft/2020-12/schema", schema.get("$schema").asText());
        STATUSES.expectError("GET /schemas/{file}", http.get("/schemas/..%2Fopenapi.json"), 404, "no schema");
        assertTrue(http.get("/nope").json().get("error").asText().contains("no route"));
        assertEquals(404, http.get("/nope").status());
        assertEquals(405, http.delete("/store").status());
    }

    @Test
    void aTokenGuardsEveryRouteButTheProbes() {
        Http anonymous = new Http(guarded.port(), null);
        Http wrong = new Http(guarded.port(), "wrong");
        Http right = new Http(guarded.port(), "s3cret");
        assertEquals(200, anonymous.get("/health").status());
        assertEquals(200, anonymous.get("/ready").status());
        Map<String, java.util.function.Function<Http, Http.Response>> calls = new java.util.LinkedHashMap<>();
        calls.put("POST /store", h -> h.post("/store", "{}"));
        calls.put("GET /retrieve/{id}", h -> h.get("/retrieve/x"));
        calls.put("GET /list", h -> h.get("/list"));
        calls.put("POST /match", h -> h.post("/match", "{}"));
        calls.put("POST /conversation", h -> h.post("/conversation", "{}"));
        calls.put("GET /conversation/{conversation_id}", h -> h.get("/conversation/x"));
        calls.put("GET /agent/{agent_id}/conversations", h -> h.get("/agent/x/conversations"));
        calls.put("GET /profiles", h -> h.get("/profiles"));
        calls.put("PUT /profiles/{id}", h -> h.put("/profiles/x", "{}"));
        calls.put("DELETE /profiles/{id}", h -> h.delete("/profiles/x"));
        calls.put("GET /metrics", h -> h.get("/metrics"));
        calls.put("GET /openapi.json", h -> h.get("/openapi.json"));
        calls.put("GET /asyncapi.yaml", h -> h.get("/asyncapi.yaml"));
        calls.put("GET /schemas/{file}", h -> h.get("/schemas/envelope.json"));
        calls.forEach((route, call) -> {
            STATUSES.expectError(route, call.apply(anonymous), 401, "bearer token");
            STATUSES.expectError(route, call.apply(wrong), 401, "bearer token");
            assertNotEquals(401, call.apply(right).status(), route);
        });
    }

    @Test
    void retriesWithTheSameIdempotencyKeyCreateNothingTwice() {
        Map<String, String> key = Map.of("Idempotency-Key", "retry-1");
        String first = STATUSES.expect("POST /store", http.post("/store", "{\"name\":\"Once\"}", key), 201).json().get("id").asText();
        String second = STATUSES.expect("POST /store", http.post("/store", "{\"name\":\"Once\"}", key), 201).json().get("id").asText();
        assertEquals(first, second);
        Map<String, String> messageKey = Map.of("Idempotency-Key", "msg-1");
        String body = "{\"agent_id\":\"idem-agent\",\"message\":\"only once\",\"sender\":\"user\"}";
        String conversation = http.post("/conversation", body, messageKey).json().get("conversation_id").asText();
        assertEquals(conversation, http.post("/conversation", body, messageKey).json().get("conversation_id").asText());
        assertEquals(1, http.get("/conversation/" + conversation).json().get("messages").size());
    }

    @Test
    void aKeyReusedWithAnotherRequestIs422OnEveryWriteRoute() {
        Map<String, String> key = Map.of("Idempotency-Key", "conflict-1");
        String a = STATUSES.expect("POST /store", http.post("/store", "{\"name\":\"A\"}", key), 201).json().get("id").asText();
        STATUSES.expectError("POST /store", http.post("/store", "{\"name\":\"B\"}", key), 422, "Idempotency-Key");
        String b = store("{\"name\":\"B\"}");
        STATUSES.expect("PUT /profiles/{id}", http.put("/profiles/" + a, "{\"name\":\"A2\"}", key), 202);
        STATUSES.expectError("PUT /profiles/{id}", http.put("/profiles/" + b, "{\"name\":\"A2\"}", key), 422, "Idempotency-Key");
        STATUSES.expect("DELETE /profiles/{id}", http.delete("/profiles/" + a, key), 202);
        STATUSES.expectError("DELETE /profiles/{id}", http.delete("/profiles/" + b, key), 422, "Idempotency-Key");
        String message = "{\"agent_id\":\"a\",\"message\":\"m\",\"sender\":\"s\"}";
        STATUSES.expect("POST /conversation", http.post("/conversation", message, key), 201);
        STATUSES.expectError("POST /conversation", http.post("/conversation", message.replace("\"m\"", "\"n\""), key), 422,
                "Idempotency-Key");
    }

    @Test
    void aWriteKafkaMayHaveStoredIs504AndSaysToRetryWithTheSameKey() {
        String id = store("{\"name\":\"x\"}");
        open.pipeline.kafka(FakePipeline.Kafka.TIMEOUT_UNKNOWN);
        STATUSES.expectError("POST /store", http.post("/store", "{\"name\":\"y\"}"), 504, "same Idempotency-Key");
        STATUSES.expectError("POST /conversation", http.post("/conversation", "{\"agent_id\":\"a\",\"message\":\"m\",\"sender\":\"s\"}"),
                504, "may still have been stored");
        STATUSES.expectError("PUT /profiles/{id}", http.put("/profiles/" + id, "{\"name\":\"z\"}"), 504, "same Idempotency-Key");
        STATUSES.expectError("DELETE /profiles/{id}", http.delete("/profiles/" + id), 504, "same Idempotency-Key");
    }
}
