package io.agentmatch.processor.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentmatch.contract.config.PipelineConfig;
import io.agentmatch.contract.kafka.KafkaClients;
import io.agentmatch.contract.provision.Provisioner;
import io.agentmatch.contract.storage.DynamoClients;
import io.agentmatch.localstack.Await;
import io.agentmatch.localstack.TestStack;
import io.agentmatch.processor.ProcessorApp;
import io.agentmatch.processor.ProcessorSettings;
import io.agentmatch.processor.persist.PersistSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A DynamoDB error retrying cannot fix, on the real broker and dynalite: a table deleted under the
 * running processor. Its writes stay owed, {@code /ready} names the table and the error within 30 s
 * (liveness stays fine: a restart would not help), and once the table is back the owed writes drain
 * and nothing is lost, even across a restart in between.
 */
class DynamoTableLostIT {
    private static final Duration CONVERGE = Duration.ofMinutes(3);
    private static final Duration TABLE_TIMEOUT = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static TestStack stack;

    @BeforeAll
    static void stack() {
        stack = TestStack.shared();
    }

    private static ProcessorSettings settings(Path stateDir, int healthPort) {
        return new ProcessorSettings(stateDir, 1, healthPort, new PersistSettings(4, Duration.ofMillis(20), 50_000), 32,
                Duration.ofMillis(100), false, Duration.ofMillis(100));
    }

    private static void awaitTablesMatch(EventLoad load, PipelineConfig config, DynamoDbClient dynamo) {
        Await.until("tables equal the event log", CONVERGE, () -> load.differences(dynamo, config).isEmpty());
        assertEquals(List.of(), load.differences(dynamo, config));
    }

    /** The tables as the operator restores them (the stack's own provisioning, not the processor's). */
    private static void recreateTables(PipelineConfig config, DynamoDbClient dynamo) {
        new Provisioner(config, KafkaClients.of(config.kafka(), DynamoClients.TOOLS)).ensureTables(dynamo, TABLE_TIMEOUT);
    }

    @Test
    void aDeletedProfileTableIsNamedByReadyWithin30sAndItsOwedWritesDrainWhenItIsBack() throws Exception {
        PipelineConfig config = stack.isolatedConfig("table-lost");
        EventLoad before = new EventLoad(config, 300, 46);
        EventLoad during = new EventLoad(config, 600, 47);
        try (ProcessorApp processor = ProcessorApp.start(config, settings(Files.createTempDirectory("table-lost"), 0));
             KafkaProducer<String, byte[]> producer = EventLoad.producer(config);
             DynamoDbClient dynamo = DynamoClients.sync(config, Duration.ofSeconds(10))) {
            URI ready = URI.create("http://127.0.0.1:" + processor.healthPort() + "/ready");
            URI health = URI.create("http://127.0.0.1:" + processor.healthPort() + "/health");
            EventLoad.sendAll(producer, before.records);
            awaitTablesMatch(before, config, dynamo);
            assertEquals(200, get(ready).statusCode(), get(ready).body());

            Provisioner.deleteTableIfExists(dynamo, config.profileTable(), TABLE_TIMEOUT);
            EventLoad.sendAll(producer, during.records);
            Await.until("/ready names the deleted table", Duration.ofSeconds(30), () -> get(ready).statusCode() == 503);
            HttpResponse<String> answer = get(ready);
            assertEquals(503, answer.statusCode(), answer.body());
            assertTrue(answer.body().contains("DynamoDB table " + config.profileTable() + " cannot be written: ResourceNotFoundException"),
                    answer.body());
            assertEquals(200, get(health).statusCode(), "liveness is unaffected: a restart would fix nothing");

            recreateTables(config, dynamo);
            awaitTablesMatch(during, config, dynamo);
            Await.until("/ready is 200 again", Duration.ofSeconds(60), () -> get(ready).statusCode() == 200);
        }
    }

    @Test
    void writesOwedToDeletedTablesSurviveARestartAndAreWrittenOnceTheTablesAreBack() throws Exception {
        PipelineConfig config = stack.isolatedConfig("tables-lost-restart");
        EventLoad load = new EventLoad(config, 400, 48);
        Path stateDir = Files.createTempDirectory("tables-lost-restart");
        try (KafkaProducer<String, byte[]> producer = EventLoad.producer(config);
             DynamoDbClient dynamo = DynamoClients.sync(config, Duration.ofSeconds(10))) {
            try (ProcessorApp processor = ProcessorApp.start(config, settings(stateDir, -1))) {
                Await.until("processor running", Duration.ofSeconds(60), processor::isRunning);
                Provisioner.deleteTableIfExists(dynamo, config.profileTable(), TABLE_TIMEOUT);
                Provisioner.deleteTableIfExists(dynamo, config.conversationTable(), TABLE_TIMEOUT);
                EventLoad.sendAll(producer, load.records);
                Await.until("both tables reported", Duration.ofSeconds(30),
                        () -> processor.readiness().detail().contains(config.profileTable())
                                && processor.readiness().detail().contains(config.conversationTable()));
                // Every event consumed: one owed write per profile (its last put or its delete) and per message.
                long owed = load.records.stream().filter(r -> r.topic().equals(config.topics().profileEvents()))
                        .map(r -> r.key()).distinct().count()
                        + load.expectedConversations.values().stream().mapToInt(List::size).sum();
                Await.until(owed + " writes owed", CONVERGE, () -> owedWrites(processor) == owed);
            }
            // Stopped with every write owed (kept in the outbox's changelog); the tables come back meanwhile.
            recreateTables(config, dynamo);
            try (ProcessorApp restarted = ProcessorApp.start(config, settings(stateDir, -1))) {
                awaitTablesMatch(load, config, dynamo);
                assertTrue(restarted.readiness().healthy(), restarted.readiness().detail());
            }
        }
    }

    private static long owedWrites(ProcessorApp processor) {
        return Math.round(processor.metrics().scrape().lines().filter(line -> line.startsWith("processor_outbox_pending{"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum());
    }

    private static HttpResponse<String> get(URI uri) {
        try {
            return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
