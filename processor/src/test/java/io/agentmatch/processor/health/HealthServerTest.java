package io.agentmatch.processor.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentmatch.contract.config.Env;
import io.agentmatch.processor.ProcessorSettings;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where the processor's health server listens, and what it serves. */
class HealthServerTest {
    private static final HealthServer.Health OK = new HealthServer.Health(true, "fine");

    @Test
    void byDefaultItListensOnLoopbackOnly() {
        ProcessorSettings settings = ProcessorSettings.fromEnv(new Env(Map.of()));
        try (HealthServer server = HealthServer.start(settings.healthHost(), 0, () -> OK, () -> OK, new ProcessorMetrics())) {
            assertEquals(InetAddress.getLoopbackAddress(), server.address().getAddress());
        }
    }

    @Test
    void theImagesAddressListensOnEveryInterface() {
        ProcessorSettings settings = ProcessorSettings.fromEnv(new Env(Map.of("PROCESSOR_HEALTH_HOST", "0.0.0.0")));
        try (HealthServer server = HealthServer.start(settings.healthHost(), 0, () -> OK, () -> OK, new ProcessorMetrics())) {
            assertTrue(server.address().getAddress().isAnyLocalAddress(), server.address().toString());
        }
    }

    @Test
    void everyDeclaredPathAnswers() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        try (HealthServer server = HealthServer.start("127.0.0.1", 0, () -> OK,
                () -> new HealthServer.Health(false, "table x missing"), new ProcessorMetrics())) {
            Map<String, Integer> expected = Map.of(HealthServer.HEALTH, 200, HealthServer.READY, 503, HealthServer.METRICS, 200);
            assertEquals(expected.keySet(), java.util.Set.copyOf(HealthServer.PATHS));
            for (String path : HealthServer.PATHS) {
                HttpResponse<String> answer = client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + path)).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(expected.get(path), answer.statusCode(), path + ": " + answer.body());
            }
        }
    }

    @Test
    void anAddressItCannotListenOnNamesTheSetting() {
        IllegalStateException error = assertThrows(IllegalStateException.class, () -> HealthServer.start("192.0.2.1", 0,
                () -> OK, () -> OK, new ProcessorMetrics()));
        assertTrue(error.getMessage().contains("PROCESSOR_HEALTH_HOST"), error.getMessage());
    }
}
