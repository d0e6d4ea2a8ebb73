package io.agentmatch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmatch.api.fakes.TestApi;
import io.agentmatch.contract.events.JsonCodec;
import io.agentmatch.contract.events.ProfileRecord;
import io.agentmatch.localstack.Await;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Read-your-write waits are parked, not held on request threads; bounded; never waiting for a version that cannot come. */
class ReadYourWriteTest {
    private static final String TS = "2024-03-01T09:00:00.000001";

    private static ProfileRecord profile(String id, String name) throws Exception {
        return new ProfileRecord(id, TS, (ObjectNode) JsonCodec.readTree("{\"name\":\"" + name + "\"}"));
    }

    @Test
    void threeHundredParkedWaitsLeaveHealthAndEveryOtherRouteAnswering() throws Exception {
        try (TestApi api = new TestApi(Map.of())) {
            Http http = new Http(api.port(), null);
            int before = api.pipeline.reads();
            List<CompletableFuture<HttpResponse<String>>> waits = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                waits.add(http.getAsync("/retrieve/later-" + (i % 10) + "?wait=10000"));
            }
            Await.until("300 waits parked", Duration.ofSeconds(20), () -> api.pipeline.reads() - before >= 300);

            Http.Response health = http.getWithin("/health", Duration.ofSeconds(3));
            assertNotNull(health, "/health answers while 300 waits are parked");
            assertEquals(200, health.status());
            assertEquals(200, http.getWithin("/list", Duration.ofSeconds(3)).status());
            assertEquals(201, http.post("/store", "{\"name\":\"meanwhile\"}").status());

            for (int i = 0; i < 10; i++) {
                api.pipeline.seedProfile(profile("later-" + i, "p" + i));
            }
            for (CompletableFuture<HttpResponse<String>> wait : waits) {
                HttpResponse<String> answer = wait.get();
                assertEquals(200, answer.statusCode(), answer.body());
            }
            Await.until("no wait parked", Duration.ofSeconds(5), () -> http.get("/metrics").body().contains("api_parked_waits 0.0"));
        }
    }

    @Test
    void pastTheBoundAWaitIs429AtOnceAndTheOthersStillComplete() throws Exception {
        try (TestApi api = new TestApi(Map.of("API_MAX_PARKED_WAITS", "5"))) {
            Http http = new Http(api.port(), null);
            int before = api.pipeline.reads();
            List<CompletableFuture<HttpResponse<String>>> waits = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                waits.add(http.getAsync("/retrieve/bounded?wait=10000"));
            }
            Await.until("5 waits parked", Duration.ofSeconds(10), () -> api.pipeline.reads() - before >= 5
                    && http.get("/metrics").body().contains("api_parked_waits 5.0"));
            Http.Response refused = http.get("/retrieve/bounded?wait=10000");
            assertEquals(429, refused.status(), refused.body());
            assertTrue(refused.json().get("error").asText().contains("API_MAX_PARKED_WAITS"));
            assertEquals(404, http.get("/retrieve/bounded").status(), "a read without wait is not limited");
            api.pipeline.seedProfile(profile("bounded", "b"));
            for (CompletableFuture<HttpResponse<String>> wait : waits) {
                assertEquals(200, wait.get().statusCode());
            }
            assertEquals(200, http.get("/retrieve/bounded?wait=10000").status());
        }
    }

    @Test
    void aWaitEndsAtItsDeadlineWithWhatIsStored() {
        try (TestApi api = new TestApi(Map.of())) {
            Http http = new Http(api.port(), null);
            assertEquals(404, http.get("/retrieve/never?wait=300").status());
        }
    }

    @Test
    void aNoOpUpdateAnswersTheVersionTheItemHasSoAWaitOnItReturnsAtOnce() throws Exception {
        try (TestApi api = new TestApi(Map.of())) {
            Http http = new Http(api.port(), null);
            long stored = api.pipeline.seedProfile(profile("same", "Same"));
            api.pipeline.holdProcessing(true);
            Http.Response noop = http.put("/profiles/same", "{\"name\":\"Same\"}");
            assertEquals(202, noop.status());
            assertEquals(stored, noop.json().get("version").asLong(), "the version the item has, not the ignored event's");
            int before = api.pipeline.reads();
            Http.Response read = http.get("/retrieve/same?wait=10000&minVersion=" + noop.json().get("version").asLong());
            assertEquals(200, read.status());
            assertEquals(1, api.pipeline.reads() - before, "answered by the first read, no wait");

            Http.Response change = http.put("/profiles/same", "{\"name\":\"Other\"}");
            assertTrue(change.json().get("version").asLong() > stored, "a real change answers its event's offset");
        }
    }
}
