package io.agentmatch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentmatch.contract.config.Env;
import io.agentmatch.contract.config.PipelineConfig;
import io.agentmatch.contract.events.JsonCodec;
import io.agentmatch.contract.storage.DynamoClients;
import io.agentmatch.contract.storage.ProfileItems;
import io.agentmatch.localstack.Await;
import io.agentmatch.localstack.TestStack;
import io.agentmatch.processor.ProcessorApp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The API end to end on the real broker and dynalite, with the real processor. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ApiIT {
    private static final Duration VISIBLE = Duration.ofSeconds(30);
    private static TestStack stack;
    private static ProcessorApp processor;
    private static IngestApi api;
    private static Http http;
    private static PipelineConfig config;

    @BeforeAll
    static void start() throws Exception {
        stack = TestStack.shared();
        config = stack.isolatedConfig("api");
        processor = ProcessorApp.start(config, Files.createTempDirectory("api-it-processor"));
        api = IngestApi.start(config, ApiConfig.fromEnv(new Env(Map.of())).withPort(0));
        http = new Http(api.port(), null);
        Await.until("API ready", Duration.ofSeconds(90), () -> http.get("/ready").status() == 200);
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
        if (processor != null) {
            processor.close();
        }
    }

    private static String store(String json) {
        Http.Response response = http.post("/store", json);
        assertEquals(201, response.status(), response.body());
        return response.json().get("id").asText();
    }

    private static JsonNode retrieveWhenVisible(String id) {
        Http.Response response = http.get("/retrieve/" + id + "?wait=" + VISIBLE.toMillis());
        assertEquals(200, response.status(), response.body());
        return response.json();
    }

    @Test
    @Order(1)
    void walkingSkeletonStoreThenRetrieveInTheLegacyShape() throws Exception {
        Http.Response stored = http.post("/store", "{\"name\":\"Alice\",\"job\":\"Plumber\"}");
        assertEquals(201, stored.status());
        assertEquals("success", stored.json().get("status").asText());
        assertEquals("Profile stored successfully", stored.json().get("message").asText());
        String id = stored.json().get("id").asText();
        assertEquals(36, id.length());

        JsonNode retrieved = retrieveWhenVisible(id);
        assertEquals("success", retrieved.get("status").asText());
        assertTrue(retrieved.get("message").isTextual());
        JsonNode record = retrieved.get("data");
        assertEquals(Set.of("id", "timestamp", "data"), fieldNames(record));
        assertEquals(id, record.get("id").asText());
        assertTrue(record.get("timestamp").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}"));
        assertEquals(JsonCodec.readTree("{\"name\":\"Alice\",\"job\":\"Plumber\"}"), record.get("data"));
    }

    @Test
    @Order(2)
    void legacyExamplesKeepTheirShapes() throws Exception {
        Http.Response health = http.get("/health");
        assertEquals(200, health.status());
        assertEquals(JsonCodec.readTree("{\"message\": \"Server is running\", \"status\": \"healthy\"}"), health.json());

        String id = store("{\"name\":\"Bob\",\"address\":\"0xb0b\",\"job\":\"Electrician\",\"averagePrice\":55.5,"
                + "\"tags\":[\"wiring\",\"outlets\"],\"location\":[\"Berlin\",\"DE\"],\"description\":\"I fix wiring and install outlets\",\"rating\":4.5}");
        JsonNode record = retrieveWhenVisible(id).get("data");
        assertEquals(4.5, record.get("data").get("rating").asDouble(), "unknown extra fields are kept");
        assertEquals(55.5, record.get("data").get("averagePrice").asDouble());

        Http.Response list = http.get("/list");
        assertEquals(200, list.status());
        assertEquals(Set.of("message", "ids", "status"), fieldNames(list.json()));
        assertTrue(contains(list.json().get("ids"), id));
        assertTrue(list.json().get("message").asText().matches("Found \\d+ stored profiles"));

        Http.Response posted = http.post("/conversation", "{\"agent_id\":\"" + id + "\",\"message\":\"hello\",\"sender\":\"user\"}");
        assertEquals(201, posted.status(), posted.body());
        assertEquals("success", posted.json().get("status").asText());
        String conversationId = posted.json().get("conversation_id").asText();
        assertEquals(201, http.post("/conversation", "{\"agent_id\":\"" + id + "\",\"message\":\"hi back\",\"sender\":\"agent\",\"conversation_id\":\""
                + conversationId + "\"}").status());
        Await.until("both messages visible", VISIBLE, () -> http.get("/conversation/" + conversationId).json().get("messages").size() == 2);
        JsonNode conversation = http.get("/conversation/" + conversationId).json();
        assertEquals(Set.of("message", "conversation_id", "messages", "status"), fieldNames(conversation));
        JsonNode first = conversation.get("messages").get(0);
        assertEquals(Set.of("conversation_id", "timestamp", "agent_id", "message", "sender"), fieldNames(first));
        assertEquals("hello", first.get("message").asText());
        assertEquals("hi back", conversation.get("messages").get(1).get("message").asText());

        JsonNode agent = http.get("/agent/" + id + "/conversations").json();
        assertEquals(Set.of("message", "agent_id", "conversations", "status"), fieldNames(agent));
        assertEquals(2, agent.get("conversations").size());

        Await.until("the electrician matchable", VISIBLE,
                () -> http.post("/match", "{\"description\":\"wiring\",\"job\":\"Electrician\"}").status() == 200);
        JsonNode match = http.post("/match", "{\"description\":\"my outlets need wiring\",\"job\":\"Electrician\"}").json();
        assertEquals("Match found successfully", match.get("message").asText());
        assertEquals("0xb0b", match.get("matched_address").asText());
        double score = match.get("match_score").asDouble();
        assertEquals(score, Math.round(score * 1000) / 1000.0, 1e-12, "3 decimals");
        assertEquals(Set.of("name", "job", "description", "tags", "averagePrice"), fieldNames(match.get("matched_uagent")));
        assertTrue(match.get("matches").isArray());
        assertEquals(400, http.post("/match", "{}").status());
    }

    @Test
    @Order(3)
    void everyValidationRuleAnswersA4xxNamingTheProblem() {
        expectError(http.post("/store", "{ not json"), 400, "not valid JSON");
        expectError(http.post("/store", ""), 400, "empty");
        expectError(http.post("/store", "[1,2]"), 400, "JSON object");
        expectError(http.post("/store", "{\"averagePrice\":\"cheap\"}"), 400, "averagePrice");
        expectError(http.post("/store", "{\"tags\":\"plumbing\"}"), 400, "tags");
        expectError(http.post("/store", "{\"tags\":[\"ok\",3]}"), 400, "tags[1]");
        expectError(http.post("/store", "{\"location\":{\"city\":\"Berlin\"}}"), 400, "location");
        expectError(http.post("/store", "{\"name\":7}"), 400, "name");
        expectError(http.post("/store", "{\"extra\":1e400}"), 400, "extra");
        expectError(http.post("/store", "[".repeat(5000) + "]".repeat(5000)), 413, "limit");
        expectError(http.postBytes("/store", new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'},
                "application/json"), 400, "UTF-8");
        expectError(http.postBytes("/store", "{}".getBytes(StandardCharsets.UTF_8), "text/plain"), 415, "Content-Type");
        expectError(http.post("/store", "{\"d\":\"" + "x".repeat(1_100_000) + "\"}"), 413, "limit");
        expectError(http.post("/store", "{\"description\":\"" + "x".repeat(210_000) + "\"}"), 413, "too large");
        expectError(http.get("/retrieve/..%2F..%2Fetc"), 400, "id");
        expectError(http.get("/retrieve/" + "a".repeat(200)), 400, "id");
        expectError(http.get("/retrieve/does-not-exist"), 404, "not found");
        expectError(http.get("/nope"), 404, "no route");
        expectError(http.delete("/store"), 405, "not allowed");
        expectError(http.post("/conversation", "{\"message\":\"m\",\"sender\":\"s\"}"), 400, "agent_id");
        expectError(http.post("/conversation", "{\"agent_id\":\"a\",\"sender\":\"s\"}"), 400, "message");
        expectError(http.post("/conversation", "{\"agent_id\":\"a\",\"message\":\"m\"}"), 400, "sender");
        expectError(http.post("/conversation", "{\"agent_id\":\"a\",\"message\":\"m\",\"sender\":\"s\",\"conversation_id\":\"../x\"}"), 400, "conversation_id");
        expectError(http.post("/match", "{\"description\":\"x\",\"maxPrice\":\"low\"}"), 400, "maxPrice");
        expectError(http.get("/list?limit=0"), 400, "limit");
        expectError(http.get("/list?cursor=garbage"), 400, "cursor");
        // Crafted cursors that decode: the client's error, never a 503 that marks DynamoDB down.
        for (String crafted : List.of("{\"foo\":\"bar\"}", "{\"id\":\"" + "x".repeat(1500) + "\"}", "{\"id\":\"a\",\"job\":\"b\"}")) {
            String cursor = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(crafted.getBytes(StandardCharsets.UTF_8));
            expectError(http.get("/list?cursor=" + cursor), 400, "cursor");
            expectError(http.get("/profiles?job=Plumber&cursor=" + cursor), 400, "cursor");
            expectError(http.get("/conversation/c1?cursor=" + cursor), 400, "cursor");
        }
        expectError(http.get("/profiles?job=" + "j".repeat(2049)), 400, "job");
        assertEquals("up", http.get("/ready").json().get("dependencies").get("dynamodb").asText());
        assertEquals(200, http.get("/list?limit=1").status());
        expectError(http.post("/store", "{}", Map.of("Idempotency-Key", " ")), 400, "Idempotency-Key");
    }

    @Test
    @Order(4)
    void retriesWithTheSameIdempotencyKeyCreateNothingTwice() {
        Map<String, String> key = Map.of("Idempotency-Key", "retry-" + System.nanoTime());
        String first = http.post("/store", "{\"name\":\"Once\"}", key).json().get("id").asText();
        String second = http.post("/store", "{\"name\":\"Once\"}", key).json().get("id").asText();
        assertEquals(first, second);
        retrieveWhenVisible(first);
        expectError(http.post("/store", "{\"name\":\"Twice\"}", key), 422, "Idempotency-Key");
        // Another instance (or this one after a restart) does not remember the key: the stored profile answers.
        try (IngestApi other = IngestApi.start(config,
                ApiConfig.fromEnv(new Env(Map.of("API_MATCHING", "false"))).withPort(0))) {
            Http otherHttp = new Http(other.port(), null);
            expectError(otherHttp.post("/store", "{\"name\":\"Twice\"}", key), 422, "Idempotency-Key");
            Http.Response retried = otherHttp.post("/store", "{\"name\":\"Once\"}", key);
            assertEquals(201, retried.status(), retried.body());
            assertEquals(first, retried.json().get("id").asText());
        }

        Map<String, String> messageKey = Map.of("Idempotency-Key", "msg-" + System.nanoTime());
        String body = "{\"agent_id\":\"idem-agent\",\"message\":\"only once\",\"sender\":\"user\"}";
        String conversation = http.post("/conversation", body, messageKey).json().get("conversation_id").asText();
        assertEquals(conversation, http.post("/conversation", body, messageKey).json().get("conversation_id").asText());
        http.post("/conversation", "{\"agent_id\":\"idem-agent\",\"message\":\"marker\",\"sender\":\"user\",\"conversation_id\":\""
                + conversation + "\"}");
        Await.until("marker visible", VISIBLE, () -> http.get("/conversation/" + conversation).json().get("messages").size() >= 2);
        assertEquals(2, http.get("/conversation/" + conversation).json().get("messages").size(), "the retried message is stored once");
    }

    @Test
    @Order(5)
    void messagesSentAtTheSameInstantAllArriveInOrder() throws Exception {
        String conversation = "same-instant-" + System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Integer>> answers = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String body = "{\"agent_id\":\"burst\",\"message\":\"m" + i + "\",\"sender\":\"user\",\"conversation_id\":\"" + conversation + "\"}";
            answers.add(pool.submit(() -> http.post("/conversation", body).status()));
        }
        for (Future<Integer> answer : answers) {
            assertEquals(201, answer.get());
        }
        pool.shutdown();
        Await.until("40 messages visible", VISIBLE, () -> http.get("/conversation/" + conversation).json().get("messages").size() == 40);
        JsonNode messages = http.get("/conversation/" + conversation).json().get("messages");
        Set<String> timestamps = new HashSet<>();
        String previous = "";
        for (JsonNode message : messages) {
            String ts = message.get("timestamp").asText();
            assertTrue(ts.compareTo(previous) > 0, "strictly increasing timestamps");
            previous = ts;
            timestamps.add(ts);
        }
        assertEquals(40, timestamps.size());
    }

    @Test
    @Order(6)
    void updateAndDeleteAreEventsAndReadYourWriteWaits() {
        String id = store("{\"name\":\"Carol\",\"job\":\"Carpenter\",\"location\":[\"Lyon\",\"FR\"]}");
        String timestamp = retrieveWhenVisible(id).get("data").get("timestamp").asText();
        Http.Response updated = http.put("/profiles/" + id, "{\"name\":\"Carol\",\"job\":\"Cabinet Maker\",\"location\":[\"Paris\",\"FR\"]}");
        assertEquals(202, updated.status(), updated.body());
        long version = updated.json().get("version").asLong();
        JsonNode after = http.get("/retrieve/" + id + "?wait=30000&minVersion=" + version).json().get("data");
        assertEquals("Cabinet Maker", after.get("data").get("job").asText());
        assertEquals(timestamp, after.get("timestamp").asText(), "an update keeps the creation timestamp");

        JsonNode byJob = http.get("/profiles?job=Cabinet%20Maker").json();
        assertTrue(byJob.get("profiles").findValuesAsText("id").contains(id));
        JsonNode byCity = http.get("/profiles?location=Paris").json();
        assertTrue(byCity.get("profiles").findValuesAsText("id").contains(id));

        assertEquals(404, http.put("/profiles/missing-profile", "{\"name\":\"x\"}").status());
        assertEquals(202, http.delete("/profiles/" + id).status());
        Await.until("deleted profile gone", VISIBLE, () -> http.get("/retrieve/" + id).status() == 404);
        assertEquals(404, http.delete("/profiles/" + id).status());
    }

    @Test
    @Order(6)
    void aDeletedProfileLeavesATombstoneThatNoReadRouteShows() {
        String job = "TombstoneKeeper" + System.nanoTime();
        String city = "Atlantis" + System.nanoTime();
        String id = store("{\"name\":\"Dora\",\"job\":\"" + job + "\",\"location\":[\"" + city + "\",\"XX\"]}");
        retrieveWhenVisible(id);
        Http.Response deleted = http.delete("/profiles/" + id);
        assertEquals(202, deleted.status(), deleted.body());
        long version = deleted.json().get("version").asLong();
        try (DynamoDbClient dynamo = DynamoClients.sync(config, Duration.ofSeconds(10))) {
            Await.until("the delete's tombstone is stored", VISIBLE, () -> {
                var item = dynamo.getItem(b -> b.tableName(config.profileTable()).key(ProfileItems.key(id)).consistentRead(true)).item();
                return ProfileItems.isTombstone(item) && ProfileItems.versionOf(item) == version;
            });
        }
        assertEquals(404, http.get("/retrieve/" + id).status());
        assertEquals(404, http.get("/retrieve/" + id + "?wait=100&minVersion=" + version).status());
        assertFalse(contains(http.get("/list").json().get("ids"), id), "/list");
        assertFalse(allPages("/list?limit=5", "ids").contains(id), "/list, paged");
        assertFalse(allPages("/profiles?limit=5", "profiles").contains(id), "/profiles, a Scan");
        JsonNode byJob = http.get("/profiles?job=" + job).json();
        assertEquals(0, byJob.get("count").asInt(), "the job index: " + byJob);
        JsonNode byCity = http.get("/profiles?location=" + city).json();
        assertEquals(0, byCity.get("count").asInt(), "the location index: " + byCity);
        assertEquals(404, http.put("/profiles/" + id, "{\"name\":\"back\"}").status(), "no update of a deleted profile");
        assertEquals(404, http.delete("/profiles/" + id).status());
    }

    /** Every id of every page of a paginated route ({@code field}: the array of ids or of profiles). */
    private static Set<String> allPages(String route, String field) {
        Set<String> ids = new HashSet<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = http.get(route + (cursor == null ? "" : "&cursor=" + cursor)).json();
            JsonNode items = page.get(field);
            items.forEach(item -> ids.add(item.isTextual() ? item.asText() : item.get("id").asText()));
            cursor = page.has("next_cursor") ? page.get("next_cursor").asText() : null;
            pages++;
        } while (cursor != null && pages < 10_000);
        return ids;
    }

    @Test
    @Order(7)
    void listsPageThroughMoreThanOneDynamoDbPage() throws Exception {
        // 60 profiles of ~40 KB (x2 in the item) is ~5 MB: several 1 MB Scan pages.
        String job = "Pager" + System.nanoTime();
        String description = "y".repeat(40_000);
        Set<String> ids = new HashSet<>();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<String>> stored = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            String body = "{\"name\":\"p" + i + "\",\"job\":\"" + job + "\",\"description\":\"" + description + "\"}";
            stored.add(pool.submit(() -> store(body)));
        }
        for (Future<String> id : stored) {
            ids.add(id.get());
        }
        pool.shutdown();
        Await.until("all 60 in the job index", Duration.ofSeconds(60),
                () -> http.get("/profiles?job=" + job + "&limit=1000").json().get("count").asInt() == 60);

        JsonNode all = http.get("/list").json();
        assertTrue(new HashSet<>(texts(all.get("ids"))).containsAll(ids), "the unpaginated /list returns every id across Scan pages");

        Set<String> paged = new HashSet<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = http.get("/profiles?job=" + job + "&limit=7" + (cursor == null ? "" : "&cursor=" + cursor)).json();
            paged.addAll(page.get("profiles").findValuesAsText("id"));
            cursor = page.has("next_cursor") ? page.get("next_cursor").asText() : null;
            pages++;
        } while (cursor != null && pages < 50);
        assertEquals(ids, paged);
        assertTrue(pages >= 9);

        Set<String> listed = new HashSet<>();
        cursor = null;
        do {
            JsonNode page = http.get("/list?limit=25" + (cursor == null ? "" : "&cursor=" + cursor)).json();
            listed.addAll(texts(page.get("ids")));
            cursor = page.has("next_cursor") ? page.get("next_cursor").asText() : null;
        } while (cursor != null);
        assertTrue(listed.containsAll(ids));
    }

    @Test
    @Order(8)
    void listsLargerThanTheReadBufferAreStreamedByteForByteAsTheBufferedAnswer() {
        String conversation = "streamed-" + System.nanoTime();
        for (int i = 0; i < 20; i++) {
            assertEquals(201, http.post("/conversation", "{\"agent_id\":\"streamer\",\"message\":\"" + i + "x".repeat(1000)
                    + "\",\"sender\":\"user\",\"conversation_id\":\"" + conversation + "\"}").status());
        }
        Await.until("20 messages visible", VISIBLE, () -> http.get("/conversation/" + conversation).json().get("messages").size() == 20);
        // Another instance whose read buffer (4 KB) is far smaller than these lists: counted, then streamed.
        try (IngestApi small = IngestApi.start(config, ApiConfig.fromEnv(new Env(Map.of("API_MATCHING", "false",
                "API_READ_BUFFER_BYTES", "4096"))).withPort(0))) {
            Http streamed = new Http(small.port(), null);
            assertEquals(http.get("/conversation/" + conversation).body(), streamed.get("/conversation/" + conversation).body());
            assertEquals(http.get("/agent/streamer/conversations").body(), streamed.get("/agent/streamer/conversations").body());
            JsonNode all = streamed.get("/list").json();
            assertEquals("Found " + all.get("ids").size() + " stored profiles", all.get("message").asText());
            assertEquals(new HashSet<>(texts(http.get("/list").json().get("ids"))), new HashSet<>(texts(all.get("ids"))));
            JsonNode page = streamed.get("/list?limit=5").json();
            assertEquals(5, page.get("ids").size());
            assertNotNull(page.get("next_cursor"));
            // The 60 profiles of ~80 KB stored by the previous test are several DynamoDB pages.
            JsonNode byBytes = streamed.get("/profiles?limit=1000").json();
            assertTrue(byBytes.get("count").asInt() < all.get("ids").size(), "a page of ours stops at the buffer");
            assertNotNull(byBytes.get("next_cursor"));
        }
    }

    @Test
    @Order(9)
    void aTokenGuardsEveryRouteButTheProbes() {
        try (IngestApi guarded = IngestApi.start(stack.isolatedConfig("api-auth"),
                ApiConfig.fromEnv(new Env(Map.of("API_MATCHING", "false"))).withPort(0).withToken("s3cret"))) {
            Http anonymous = new Http(guarded.port(), null);
            Http wrong = new Http(guarded.port(), "wrong");
            Http right = new Http(guarded.port(), "s3cret");
            assertEquals(200, anonymous.get("/health").status());
            for (String path : List.of("/list", "/retrieve/x", "/conversation/x", "/agent/x/conversations", "/metrics",
                    "/openapi.json", "/profiles?job=x")) {
                expectError(anonymous.get(path), 401, "bearer token");
                expectError(wrong.get(path), 401, "bearer token");
            }
            expectError(anonymous.post("/store", "{}"), 401, "bearer token");
            expectError(anonymous.post("/conversation", "{}"), 401, "bearer token");
            expectError(anonymous.put("/profiles/x", "{}"), 401, "bearer token");
            expectError(anonymous.delete("/profiles/x"), 401, "bearer token");
            assertEquals(200, right.get("/list").status());
            assertEquals(200, right.get("/openapi.json").status());
        }
    }

    @Test
    @Order(10)
    void operabilityMetricsAndOpenApi() {
        Http.Response metrics = http.get("/metrics");
        assertEquals(200, metrics.status());
        assertTrue(metrics.body().contains("api_http_requests"));
        assertTrue(metrics.body().contains("api_kafka_send"));
        assertTrue(metrics.body().contains("api_dynamodb_call"));
        JsonNode openApi = http.get("/openapi.json").json();
        for (String path : List.of("/store", "/retrieve/{id}", "/list", "/match", "/conversation",
                "/conversation/{conversation_id}", "/agent/{agent_id}/conversations", "/profiles", "/profiles/{id}",
                "/health", "/ready", "/metrics")) {
            assertNotNull(openApi.get("paths").get(path), path);
        }
        JsonNode ready = http.get("/ready").json();
        assertEquals("up", ready.get("dependencies").get("kafka").asText());
        assertEquals("up", ready.get("dependencies").get("dynamodb").asText());
    }

    @Test
    @Order(100)
    void withKafkaStoppedWritesAnswer503PromptlyAndRecover() {
        stack.stop("kafka");
        try {
            long start = System.nanoTime();
            Http.Response down = http.post("/store", "{\"name\":\"during outage\"}");
            long firstMs = (System.nanoTime() - start) / 1_000_000;
            // The first write waits out the delivery timeout: the producer cannot know whether it was sent (504);
            // later ones fail fast before sending: not stored (503).
            assertTrue(down.status() == 504 || down.status() == 503, down.body());
            expectError(down, down.status(), down.status() == 504 ? "same Idempotency-Key" : "not stored");
            assertTrue(firstMs < 6000, "first 503 after " + firstMs + " ms");
            start = System.nanoTime();
            expectError(http.post("/store", "{\"name\":\"during outage\"}"), 503, "not stored");
            assertTrue((System.nanoTime() - start) / 1_000_000 < 1000, "later 503s are immediate");
            assertEquals(503, http.get("/ready").status());
            assertEquals(200, http.get("/health").status());
        } finally {
            stack.start("kafka");
        }
        Await.until("writes accepted again", Duration.ofSeconds(60), () -> http.post("/store", "{\"name\":\"after\"}").status() == 201);
    }

    private static void expectError(Http.Response response, int status, String mentions) {
        assertEquals(status, response.status(), response.body());
        assertNotNull(response.json(), "error body is JSON: " + response.body());
        assertEquals("error", response.json().get("status").asText());
        String error = response.json().get("error").asText();
        assertTrue(error.toLowerCase().contains(mentions.toLowerCase()), "'" + error + "' should mention " + mentions);
        assertFalse(error.contains("Exception") || error.contains("\tat "), "no internals: " + error);
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new HashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static boolean contains(JsonNode array, String value) {
        return texts(array).contains(value);
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }
}
