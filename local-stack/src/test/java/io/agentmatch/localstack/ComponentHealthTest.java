package io.agentmatch.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import io.agentmatch.localstack.ComponentSpec.Kind;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code ./pipeline status} words a component's own answers (the processor's and the API's bodies, as
 * they answer them); {@code ProcessorIT} checks it against a processor whose projector really died.
 */
class ComponentHealthTest {
    private HttpServer server;

    /** A server answering each path with a status and a body. */
    private int serve(Map<String, Map.Entry<Integer, String>> answers) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 4);
        answers.forEach((path, answer) -> server.createContext(path, exchange -> {
            byte[] body = answer.getValue().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(answer.getKey(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }));
        server.start();
        return server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void aProcessorWhoseLivenessFailsIsUnhealthyWithItsDetail() throws IOException {
        int port = serve(Map.of("/health", Map.entry(503, "{\"status\":\"unhealthy\",\"detail\":\"projector is ERROR\"}"),
                "/ready", Map.entry(503, "{\"status\":\"not ready\",\"detail\":\"projector is ERROR\"}")));
        assertEquals("running, UNHEALTHY: projector is ERROR", ComponentHealth.describe(Kind.PROCESSOR, port));
    }

    @Test
    void aLiveProcessorThatCannotWriteATableIsNotReady() throws IOException {
        int port = serve(Map.of("/health", Map.entry(200, "{\"status\":\"healthy\",\"detail\":\"all stream threads running\"}"),
                "/ready", Map.entry(503, "{\"status\":\"not ready\",\"detail\":\"DynamoDB table agent-profiles: access denied\"}")));
        assertEquals("running, not ready: DynamoDB table agent-profiles: access denied", ComponentHealth.describe(Kind.PROCESSOR, port));
    }

    @Test
    void anApiIsJudgedByItsReadinessItsLegacyHealthAlwaysAnswers200() throws IOException {
        int port = serve(Map.of("/health", Map.entry(200, "{\"message\":\"Server is running\",\"status\":\"healthy\"}"),
                "/ready", Map.entry(503, "{\"message\":\"Not ready: match_index loading\",\"status\":\"error\"}")));
        assertEquals("running, not ready: match_index loading", ComponentHealth.describe(Kind.API, port));
    }

    @Test
    void bothAnswering200IsHealthyAndABodyThatSaysNothingGivesTheStatus() throws IOException {
        int port = serve(Map.of("/health", Map.entry(200, "{}"), "/ready", Map.entry(200, "{}")));
        assertEquals("running, healthy", ComponentHealth.describe(Kind.API, port));
        stop();
        port = serve(Map.of("/health", Map.entry(500, "<html>oops</html>")));
        assertEquals("running, UNHEALTHY: /health answered 500", ComponentHealth.describe(Kind.PROCESSOR, port));
    }

    @Test
    void nothingListeningIsSaidAsSuchAndTheInfrastructureIsJustRunning() {
        int port = PipelineStack.freePort();
        assertEquals("running, no answer on port " + port, ComponentHealth.describe(Kind.PROCESSOR, port));
        assertEquals("running", ComponentHealth.describe(Kind.KAFKA, port));
    }
}
