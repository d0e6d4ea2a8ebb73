package io.agentmatch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentmatch.api.fakes.FakePipeline;
import io.agentmatch.api.fakes.TestApi;
import io.agentmatch.contract.events.EventType;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Idempotency keys are bound to the request (route, path and canonical body), as in the payment
 * APIs: the same request answers as the first time, another request 422; scoped per route and
 * per token; holding across instances and restarts through the stored profile and the fold.
 */
class IdempotencyTest {
    private final FakePipeline pipeline = new FakePipeline();
    private final TestApi api = new TestApi(Map.of(), null, pipeline);
    private final Http http = new Http(api.port(), null);

    @AfterEach
    void stop() {
        api.close();
    }

    private static Map<String, String> key(String key) {
        return Map.of("Idempotency-Key", key);
    }

    private long creates(String id) {
        return pipeline.log().stream().filter(p -> p.event() != null && p.event().type() == EventType.PROFILE_CREATED
                && p.event().key().equals(id)).count();
    }

    private static void assertConflict(Http.Response response) {
        assertEquals(422, response.status(), response.body());
        String error = response.json().get("error").asText();
        assertTrue(error.startsWith("Idempotency-Key:") && error.contains("different request"), error);
    }

    @Test
    void theSameKeyAndBodyAnswersAsTheFirstTimeWithoutWritingAgain() {
        Http.Response first = http.post("/store", "{\"name\":\"Once\",\"tags\":[\"a\"]}", key("k1"));
        Http.Response again = http.post("/store", "{ \"tags\": [\"a\"], \"name\": \"Once\" }", key("k1"));
        assertEquals(201, again.status());
        assertEquals(first.body(), again.body(), "the same answer, byte for byte");
        assertEquals(first.header("X-Profile-Version"), again.header("X-Profile-Version"));
        assertEquals(1, creates(first.json().get("id").asText()), "one event, not one per retry");
    }

    @Test
    void theSameKeyWithAnotherBodyIs422AndTheSecondBodyIsNotWritten() {
        String id = http.post("/store", "{\"name\":\"First\"}", key("k2")).json().get("id").asText();
        assertConflict(http.post("/store", "{\"name\":\"Second\"}", key("k2")));
        assertEquals(1, creates(id));
        assertEquals("First", http.get("/retrieve/" + id).json().get("data").get("data").get("name").asText());

        String body = "{\"agent_id\":\"a\",\"message\":\"hello\",\"sender\":\"user\"}";
        assertEquals(201, http.post("/conversation", body, key("m1")).status());
        assertConflict(http.post("/conversation", body.replace("hello", "bye"), key("m1")));

        String other = http.post("/store", "{\"name\":\"P\"}").json().get("id").asText();
        assertEquals(202, http.put("/profiles/" + other, "{\"name\":\"P2\"}", key("u1")).status());
        assertConflict(http.put("/profiles/" + other, "{\"name\":\"P3\"}", key("u1")));
        assertConflict(http.put("/profiles/" + id, "{\"name\":\"P2\"}", key("u1")));
    }

    @Test
    void keysAreScopedPerRoute() {
        Http.Response stored = http.post("/store", "{\"name\":\"x\"}", key("shared"));
        Http.Response posted = http.post("/conversation", "{\"agent_id\":\"a\",\"message\":\"m\",\"sender\":\"s\"}", key("shared"));
        assertEquals(201, stored.status());
        assertEquals(201, posted.status());
        String id = stored.json().get("id").asText();
        Http.Response deleted = http.delete("/profiles/" + id, key("shared"));
        assertEquals(202, deleted.status());
        assertEquals(deleted.body(), http.delete("/profiles/" + id, key("shared")).body(), "a repeated delete answers as the first");
    }

    @Test
    void keysAreScopedPerTokenWhenAuthIsOn() {
        try (TestApi one = new TestApi(Map.of(), "token-one", pipeline); TestApi two = new TestApi(Map.of(), "token-two", pipeline)) {
            String a = new Http(one.port(), "token-one").post("/store", "{\"name\":\"x\"}", key("k")).json().get("id").asText();
            String b = new Http(two.port(), "token-two").post("/store", "{\"name\":\"x\"}", key("k")).json().get("id").asText();
            assertNotEquals(a, b, "the same key under two tokens names two requests");
        }
    }

    @Test
    void afterARestartOrOnAnotherInstanceTheStoredProfileAnswersTheRetry() {
        Http.Response first = http.post("/store", "{\"name\":\"Kept\"}", key("k3"));
        String id = first.json().get("id").asText();
        try (TestApi restarted = new TestApi(Map.of(), null, pipeline)) {
            Http other = new Http(restarted.port(), null);
            Http.Response retry = other.post("/store", "{\"name\":\"Kept\"}", key("k3"));
            assertEquals(201, retry.status());
            assertEquals(first.body(), retry.body());
            assertEquals(first.header("X-Profile-Version"), retry.header("X-Profile-Version"));
            assertConflict(other.post("/store", "{\"name\":\"Changed\"}", key("k3")));
        }
        assertEquals(1, creates(id));
    }

    @Test
    void withinTheProcessingDelayTwoInstancesCannotSeeEachOtherAndTheFoldRefusesTheSecondBody() {
        pipeline.holdProcessing(true);
        try (TestApi b = new TestApi(Map.of(), null, pipeline)) {
            String id = http.post("/store", "{\"name\":\"A\"}", key("k4")).json().get("id").asText();
            Http.Response second = new Http(b.port(), null).post("/store", "{\"name\":\"B\"}", key("k4"));
            assertEquals(201, second.status(), "the documented window: instance B cannot know yet");
            pipeline.process();
            assertEquals("A", http.get("/retrieve/" + id).json().get("data").get("data").get("name").asText());
            assertEquals(1, pipeline.deadLetters().size());
            assertTrue(pipeline.deadLetters().get(0).contains("idempotency conflict"), pipeline.deadLetters().get(0));
        }
    }

    @Test
    void aMessageKeyReusedWithAnotherBodyOnAnotherInstanceIsRefusedByTheFold() {
        pipeline.holdProcessing(true);
        try (TestApi b = new TestApi(Map.of(), null, pipeline)) {
            String conversation = http.post("/conversation", "{\"agent_id\":\"a\",\"message\":\"one\",\"sender\":\"s\"}",
                    key("k7")).json().get("conversation_id").asText();
            assertEquals(201, new Http(b.port(), null).post("/conversation",
                    "{\"agent_id\":\"a\",\"message\":\"two\",\"sender\":\"s\"}", key("k7")).status());
            pipeline.process();
            assertEquals(1, http.get("/conversation/" + conversation).json().get("messages").size());
            assertTrue(pipeline.deadLetters().get(0).contains("idempotency conflict"));
        }
    }

    @Test
    void afterAnUnknownOutcomeTheRetryWithTheSameKeyStoresExactlyOnce() {
        pipeline.kafka(FakePipeline.Kafka.TIMEOUT_UNKNOWN);
        Http.Response unknown = http.post("/store", "{\"name\":\"maybe\"}", key("k8"));
        assertEquals(504, unknown.status());
        pipeline.kafka(FakePipeline.Kafka.ACKS);
        Http.Response retry = http.post("/store", "{\"name\":\"maybe\"}", key("k8"));
        assertEquals(201, retry.status(), retry.body());
        String id = retry.json().get("id").asText();
        assertEquals(1, creates(id), "the first event was appended after all: the retry finds it stored and writes nothing");
        assertEquals("maybe", http.get("/retrieve/" + id).json().get("data").get("data").get("name").asText());
        assertEquals(0, pipeline.deadLetters().size());
    }

    @Test
    void aFailedWriteLeavesTheKeyFreeForTheRetry() {
        pipeline.kafka(FakePipeline.Kafka.DOWN_NOT_STORED);
        assertEquals(503, http.post("/store", "{\"name\":\"x\"}", key("k5")).status());
        pipeline.kafka(FakePipeline.Kafka.ACKS);
        assertEquals(201, http.post("/store", "{\"name\":\"x\"}", key("k5")).status());
        assertEquals(404, http.put("/profiles/nope", "{\"name\":\"x\"}", key("k6")).status());
        assertEquals(400, http.put("/profiles/nope", "{\"name\":7}", key("k6")).status());
    }
}
