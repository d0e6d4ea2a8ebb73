package io.agentmatch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentmatch.api.fakes.TestApi;
import io.agentmatch.localstack.Await;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The stop a pod gets on SIGTERM ({@link IngestApi#close}): nothing new is accepted, what is in
 * flight finishes, and the stop is over within API_SHUTDOWN_TIMEOUT_MS whatever the clients do.
 */
class GracefulStopTest {

    @Test
    void aWriteInFlightFinishesWhileNewConnectionsAreRefused() throws Exception {
        TestApi api = new TestApi(Map.of("API_SHUTDOWN_TIMEOUT_MS", "8000"));
        int port = api.port();
        Http http = new Http(port, null);
        api.pipeline.holdAcks(true);
        CompletableFuture<HttpResponse<String>> write = http.postAsync("/store", "{\"name\":\"in flight\"}");
        Await.until("the write waits for Kafka's acknowledgement", Duration.ofSeconds(10), () -> api.pipeline.heldAcks() == 1);

        CompletableFuture<Void> stop = CompletableFuture.runAsync(api::close);
        Await.until("no new connection accepted", Duration.ofSeconds(5), () -> refusesConnections(port));
        assertFalse(stop.isDone(), "the stop waits for the write in flight");
        assertFalse(write.isDone());

        api.pipeline.releaseAcks();
        HttpResponse<String> answer = write.get(10, TimeUnit.SECONDS);
        assertEquals(201, answer.statusCode(), answer.body());
        stop.get(10, TimeUnit.SECONDS);
        assertEquals(1, api.pipeline.log().size(), "the acknowledged write is the one event");
    }

    @Test
    void parkedWaitsAnswer503WithinHalfTheTimeoutNotACutConnection() throws Exception {
        TestApi api = new TestApi(Map.of("API_SHUTDOWN_TIMEOUT_MS", "2000"));
        Http http = new Http(api.port(), null);
        int before = api.pipeline.reads();
        CompletableFuture<HttpResponse<String>> wait = http.getAsync("/retrieve/never-written?wait=10000");
        Await.until("the wait is parked", Duration.ofSeconds(10), () -> api.pipeline.reads() - before >= 2);

        CompletableFuture<Void> stop = CompletableFuture.runAsync(api::close);
        HttpResponse<String> answer = wait.get(10, TimeUnit.SECONDS);
        assertEquals(503, answer.statusCode(), answer.body());
        assertTrue(answer.body().contains("shutting down"), answer.body());
        stop.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aRequestThatNeverFinishesDoesNotHoldTheStopPastItsTimeout() throws Exception {
        TestApi api = new TestApi(Map.of("API_SHUTDOWN_TIMEOUT_MS", "1000"));
        Http http = new Http(api.port(), null);
        api.pipeline.holdAcks(true);
        CompletableFuture<HttpResponse<String>> write = http.postAsync("/store", "{\"name\":\"stuck\"}");
        Await.until("the write waits for Kafka's acknowledgement", Duration.ofSeconds(10), () -> api.pipeline.heldAcks() == 1);

        CompletableFuture<Void> stop = CompletableFuture.runAsync(api::close);
        // Generous against a loaded machine; what matters is that it ends without the acknowledgement.
        stop.get(10, TimeUnit.SECONDS);
        assertFalse(write.handle((answer, error) -> answer != null && answer.statusCode() == 201).getNow(false),
                "never answered 201: it was not acknowledged");
        api.pipeline.releaseAcks();
    }

    private static boolean refusesConnections(int port) {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return false;
        } catch (ConnectException refused) {
            return true;
        } catch (IOException other) {
            return false;
        }
    }
}
