package io.agentmatch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentmatch.contract.config.Env;
import io.agentmatch.contract.config.PipelineConfig;
import io.agentmatch.localstack.Await;
import io.agentmatch.localstack.TestStack;
import io.agentmatch.processor.ProcessorApp;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The producer's guide holds: docs/examples/DirectProducer.java (the code docs/PRODUCERS.md shows),
 * run against the real broker, writes events the processor stores and the API serves and matches.
 */
class ProducerExampleIT {
    private static final Duration VISIBLE = Duration.ofSeconds(90);
    private static PipelineConfig config;
    private static ProcessorApp processor;
    private static IngestApi api;
    private static Http http;

    @BeforeAll
    static void start() throws Exception {
        config = TestStack.shared().isolatedConfig("producer-example");
        processor = ProcessorApp.start(config, Files.createTempDirectory("producer-example"));
        api = IngestApi.start(config, ApiConfig.fromEnv(new Env(Map.of())).withPort(0));
        http = new Http(api.port(), null);
        Await.until("API ready", VISIBLE, () -> http.get("/ready").status() == 200);
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

    @Test
    void theGuidesProducerWritesEventsThatAreStoredAndMatchable() throws Exception {
        Properties client = new Properties();
        config.kafka().properties().forEach(client::put); // the test stack's security settings, when it has any
        // The example is in the unnamed package (copy, compile, run), which named packages reach by reflection only.
        String[] result = (String[]) Class.forName("DirectProducer").getMethod("run", String.class, String.class, Properties.class)
                .invoke(null, config.kafkaBootstrapServers(), config.topics().profileEvents(), client);
        String id = result[0];
        long version = Long.parseLong(result[1]);

        Await.until("the update is stored", VISIBLE,
                () -> http.get("/retrieve/" + id + "?wait=2000&minVersion=" + version).status() == 200
                        && http.get("/retrieve/" + id).json().at("/data/data/averagePrice").asInt() == 60);
        Http.Response retrieved = http.get("/retrieve/" + id);
        JsonNode stored = retrieved.json();
        assertEquals("Dana", stored.at("/data/data/name").asText());
        assertEquals("Roofer", stored.at("/data/data/job").asText());
        assertEquals(Long.toString(version), retrieved.header("X-Profile-Version"), "the update applied at its expected version");

        Await.until("matchable", VISIBLE, () -> {
            Http.Response match = http.post("/match", "{\"description\":\"my roof is leaking\",\"job\":\"Roofer\"}");
            return match.status() == 200 && id.equals(match.json().at("/matches/0/id").asText());
        });
    }
}
