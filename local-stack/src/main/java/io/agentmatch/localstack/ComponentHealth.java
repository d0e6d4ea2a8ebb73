package io.agentmatch.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentmatch.localstack.ComponentSpec.Kind;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * What {@code ./pipeline status} says of a running processor or API: what its own {@code /health}
 * and {@code /ready} answer, not only that its process lives. A processor whose projector died
 * still has a process; it reads {@code running, UNHEALTHY: projector is ERROR}.
 *
 * <ul>
 *   <li>{@code running, healthy}: /health and /ready answer 200;</li>
 *   <li>{@code running, UNHEALTHY: <detail>}: the processor's /health (liveness) answers 503: a restart helps;</li>
 *   <li>{@code running, not ready: <detail>}: /ready answers 503 (a dependency: an operator or time helps);</li>
 *   <li>{@code running, no answer on port <n>}: nothing answers (still starting, or hung).</li>
 * </ul>
 * The API's /health is the legacy one (always 200 while it serves), so its /ready decides.
 */
public final class ComponentHealth {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    private static final ObjectMapper JSON = new ObjectMapper();

    private ComponentHealth() {
    }

    /** The state of a live process of {@code kind} answering on {@code port}; plain "running" for the infrastructure. */
    public static String describe(Kind kind, int port) {
        if (kind != Kind.PROCESSOR && kind != Kind.API) {
            return "running";
        }
        String base = "http://127.0.0.1:" + port;
        Answer health = get(base + "/health");
        if (health == null) {
            return "running, no answer on port " + port;
        }
        if (health.status() != 200) {
            return "running, UNHEALTHY: " + detail(health, "/health");
        }
        Answer ready = get(base + "/ready");
        if (ready == null) {
            return "running, no answer on port " + port;
        }
        return ready.status() == 200 ? "running, healthy" : "running, not ready: " + detail(ready, "/ready");
    }

    private record Answer(int status, String body) {
    }

    private static Answer get(String url) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The processor's {@code detail}, the API's {@code message} (without "Not ready: "), else the status code. */
    private static String detail(Answer answer, String path) {
        try {
            JsonNode body = JSON.readTree(answer.body());
            String text = body.hasNonNull("detail") ? body.get("detail").asText()
                    : body.hasNonNull("message") ? body.get("message").asText().replaceFirst("^Not ready: ", "") : null;
            if (text != null && !text.isBlank()) {
                return text;
            }
        } catch (IOException | RuntimeException notJson) {
            // the status code says it
        }
        return path + " answered " + answer.status();
    }
}
