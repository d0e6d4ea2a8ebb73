package io.agentmatch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentmatch.api.events.EventPublisher;
import io.agentmatch.api.http.ApiError;
import io.agentmatch.contract.Limits;
import io.agentmatch.contract.config.Env;
import io.agentmatch.contract.config.PipelineConfig;
import io.agentmatch.contract.kafka.KafkaClients;
import io.agentmatch.localstack.Readiness;
import io.agentmatch.contract.events.EventEnvelope;
import io.agentmatch.contract.events.EventSource;
import io.agentmatch.contract.events.EventType;
import io.agentmatch.contract.events.JsonCodec;
import io.agentmatch.contract.events.ProfileRecord;
import io.agentmatch.contract.trace.Tracing;
import io.agentmatch.localstack.Await;
import io.agentmatch.localstack.TestStack;
import io.agentmatch.processor.ProcessorApp;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The limits end to end, on the real broker and dynalite with the real processor (projections on):
 * every body at the edge of a limit that the API answers 2xx is retrievable as sent and matchable;
 * every body one step past it is a 4xx naming the field; nothing reaches the dead-letter topic.
 */
class LimitsIT {
    private static final Duration VISIBLE = Duration.ofSeconds(90);
    private static final com.fasterxml.jackson.databind.ObjectMapper LENIENT = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .nodeFactory(com.fasterxml.jackson.databind.node.JsonNodeFactory.withExactBigDecimals(true))
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();
    private static PipelineConfig config;
    private static ProcessorApp processor;
    private static IngestApi api;
    private static Http http;

    @BeforeAll
    static void start() throws Exception {
        config = TestStack.shared().isolatedConfig("limits");
        processor = ProcessorApp.start(config, Files.createTempDirectory("limits-it"));
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

    private static String nested(int levels) {
        return "{\"a\":".repeat(levels - 1) + "{}" + "}".repeat(levels - 1);
    }

    /** Text of exactly {@code bytes} bytes of UTF-8, mostly three-byte characters. */
    private static String utf8Bytes(int bytes) {
        return "€".repeat(bytes / 3) + "x".repeat(bytes % 3);
    }

    private static String profile(String extraFields) {
        return "{\"name\":\"Edge\",\"job\":\"Tester\",\"location\":[\"Berlin\",\"DE\"],\"description\":\"tests limits\""
                + (extraFields.isEmpty() ? "" : "," + extraFields) + "}";
    }

    @Test
    void bodiesAtEachLimitAreStoredAndMatchableOneStepPastIsA4xxNamingTheFieldAndNothingIsDeadLettered() throws Exception {
        int escapedAtLimit = (Limits.MAX_DATA_JSON_BYTES - 200) / 6;
        Map<String, String> atLimit = new LinkedHashMap<>();
        atLimit.put("data nested 30 levels", profile("\"extra\":" + nested(Limits.MAX_DATA_DEPTH - 1)));
        atLimit.put("job of 2,048 bytes", "{\"name\":\"Edge\",\"job\":\"" + utf8Bytes(2048) + "\",\"description\":\"job key\"}");
        atLimit.put("city of 2,048 bytes", "{\"name\":\"Edge\",\"job\":\"Tester\",\"location\":[\"" + utf8Bytes(2048)
                + "\",\"DE\"],\"description\":\"city key\"}");
        atLimit.put("escaped text at the event limit", "{\"name\":\"Edge\",\"job\":\"Tester\",\"description\":\""
                + "\\u0001".repeat(escapedAtLimit) + "\"}");
        atLimit.put("numbers at DynamoDB's edges", profile("\"averagePrice\":9.9999999999999999999999999999999999999E+125,"
                + "\"extra\":[1E-130,-1E-130,12345678901234567890123456789012345678,1." + "0".repeat(56) + "e-6]"));
        atLimit.put("field name of 50,000 bytes", profile("\"extra\":{\"" + utf8Bytes(Limits.MAX_NAME_BYTES) + "\":1}"));
        atLimit.put("empty job and blank city (no index keys)", "{\"name\":\"Edge\",\"job\":\"\",\"location\":[\" \"],"
                + "\"description\":\"no keys\"}");

        Map<String, String> pastLimit = new LinkedHashMap<>();
        pastLimit.put("a.a.a", profile("\"a\":" + nested(Limits.MAX_DATA_DEPTH)));
        pastLimit.put("job:", "{\"job\":\"" + utf8Bytes(2049) + "\"}");
        pastLimit.put("location[0]:", "{\"location\":[\"" + utf8Bytes(2049) + "\"]}");
        pastLimit.put("request body: profile is too large", "{\"description\":\"" + "\\u0001".repeat(Limits.MAX_DATA_JSON_BYTES / 6 + 10)
                + "\"}");
        pastLimit.put("extra.: an empty field name", profile("\"extra\":{\"\":1}"));
        // Past the parser's own limits the body is refused while it is read (the field is not known yet).
        pastLimit.put("request body exceeds a JSON limit: Name length (50001)",
                profile("\"extra\":{\"" + utf8Bytes(Limits.MAX_NAME_BYTES + 1) + "\":1}"));
        pastLimit.put("extra[0]: number is written with 67", profile("\"extra\":[1." + "0".repeat(59) + "e-6]"));
        pastLimit.put("averagePrice: number", profile("\"averagePrice\":1E+126"));
        pastLimit.put("name: contains an unpaired surrogate", "{\"name\":\"\\ud800\"}");

        Map<String, String> stored = new LinkedHashMap<>();
        for (var edge : atLimit.entrySet()) {
            assertTrue(edge.getValue().getBytes(java.nio.charset.StandardCharsets.UTF_8).length < Limits.MAX_BODY_BYTES);
            Http.Response response = http.post("/store", edge.getValue());
            assertEquals(201, response.status(), edge.getKey() + ": " + abbreviate(response.body()));
            stored.put(response.json().get("id").asText(), edge.getValue());
        }
        for (var edge : pastLimit.entrySet()) {
            Http.Response response = http.post("/store", edge.getValue());
            assertTrue(response.status() == 400 || response.status() == 413, edge.getKey() + ": " + response.status());
            String error = response.json().get("error").asText();
            assertTrue(error.startsWith(edge.getKey()), edge.getKey() + " expected, got: " + abbreviate(error));
        }
        // The update route applies the same rules.
        String someId = stored.keySet().iterator().next();
        Http.Response tooDeep = http.put("/profiles/" + someId, profile("\"a\":" + nested(Limits.MAX_DATA_DEPTH)));
        assertEquals(400, tooDeep.status(), tooDeep.body());

        for (var entry : stored.entrySet()) {
            String id = entry.getKey();
            Await.until("stored " + id, VISIBLE, () -> http.get("/retrieve/" + id).status() == 200);
            // The answer nests the data 3 levels deeper than the body: read it with a parser without our limits.
            JsonNode data = LENIENT.readTree(http.get("/retrieve/" + id).body()).get("data").get("data");
            assertEquals(JsonCodec.canonical(JsonCodec.readTree(entry.getValue())), JsonCodec.canonical(data),
                    "retrieved as sent: " + id);
        }
        Await.until("every accepted profile matchable", VISIBLE, () -> {
            Http.Response match = http.post("/match", "{\"description\":\"tests limits\",\"limit\":100}");
            return match.status() == 200 && match.json().get("matches").findValuesAsText("id").containsAll(stored.keySet());
        });
        assertEquals(0, deadLetters(), "nothing acknowledged was dead-lettered");
    }

    @Test
    void aRecordTheBrokerRefusesAsTooLargeIsA413AndNoOutageForOtherWrites() throws Exception {
        String smallTopic = config.topicPrefix() + "small-records";
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(smallTopic, 1, config.replicationFactor())
                    .configs(Map.of("max.message.bytes", "4096")))).all().get();
        }
        try (EventPublisher publisher = new EventPublisher(KafkaClients.of(config.kafka(), "limits-it"), Duration.ofSeconds(4), new SimpleMeterRegistry(),
                Tracing.idsOnly())) {
            CompletionException refused = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class,
                    () -> publisher.publish(smallTopic, event(incompressible(20_000))).join());
            ApiError error = (ApiError) refused.getCause();
            assertEquals(413, error.status(), error.getMessage());
            assertTrue(publisher.isAvailable(), "one client's too-large record is no outage");
            // Another client's write right after is accepted, not answered 503.
            assertTrue(publisher.publish(smallTopic, event("small")).join().offset() >= 0);
        }
    }

    /** Text lz4 cannot shrink under the topic's limit. */
    private static String incompressible(int chars) {
        java.util.Random random = new java.util.Random(20240301);
        StringBuilder text = new StringBuilder(chars);
        for (int i = 0; i < chars; i++) {
            text.append((char) ('a' + random.nextInt(26)));
        }
        return text.toString();
    }

    private static EventEnvelope event(String description) throws Exception {
        ProfileRecord record = new ProfileRecord("p1", "2024-01-01T00:00:00.000001",
                (com.fasterxml.jackson.databind.node.ObjectNode) JsonCodec.readTree("{\"description\":\"" + description + "\"}"));
        return EventEnvelope.of(EventType.PROFILE_CREATED, EventSource.API, "p1", null, record.toJson());
    }

    private static Admin admin() {
        return Readiness.admin(config.kafka(), 10_000);
    }

    private static long deadLetters() throws Exception {
        TopicPartition partition = new TopicPartition(config.topics().deadLetters(), 0);
        try (Admin admin = admin()) {
            return admin.listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition).get().offset();
        }
    }

    private static String abbreviate(String text) {
        return text == null || text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }
}
