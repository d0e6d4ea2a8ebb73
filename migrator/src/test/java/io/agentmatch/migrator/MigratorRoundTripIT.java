package io.agentmatch.migrator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmatch.contract.config.PipelineConfig;
import io.agentmatch.contract.events.ConversationMessage;
import io.agentmatch.contract.events.EventEnvelope;
import io.agentmatch.contract.events.EventSource;
import io.agentmatch.contract.events.EventType;
import io.agentmatch.contract.events.JsonCodec;
import io.agentmatch.contract.kafka.TopicReplay;
import io.agentmatch.contract.events.ProfileRecord;
import io.agentmatch.contract.provision.Provisioner;
import io.agentmatch.contract.storage.DynamoClients;
import io.agentmatch.contract.storage.ProfileItems;
import io.agentmatch.contract.trace.TraceHeaders;
import io.agentmatch.localstack.TestStack;
import io.agentmatch.processor.ProcessorApp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The migration end to end on the real stack: migrate the shared sample, let the processor write
 * DynamoDB, verify, export (from the log and from the tables), migrate again, survive an update
 * through an event, and export with the tables gone.
 */
class MigratorRoundTripIT {
    static final String UNICODE_ID = "01d50bfb-f45f-439b-a65a-3a86ccd1cc08";
    static final String CONVERSATION = "c0ffee00-0000-4000-8000-000000000001";

    @TempDir
    static Path tmp;
    static PipelineConfig config;
    static ProcessorApp processor;

    @BeforeAll
    static void start() {
        SampleData.assumePresent();
        config = TestStack.shared().isolatedConfig("migrator-roundtrip");
        processor = ProcessorApp.start(config, tmp.resolve("processor-state"));
    }

    @AfterAll
    static void stop() {
        if (processor != null) {
            processor.close();
        }
    }

    @Test
    void migrateVerifyExportRemigrateAndRollbackWithoutTables() throws Exception {
        Path source = SampleData.copyTo(tmp.resolve("json_storage"));
        Set<String> valid = SampleData.validIds();

        // 1. migrate: every valid file published, every broken one reported with its reason.
        Path report1 = tmp.resolve("migrate-1.json");
        assertEquals(ExitCodes.SKIPPED, MigratorMain.run(config, "migrate", "--source", source.toString(), "--report", report1.toString()));
        JsonNode first = read(report1);
        assertCounts(first, 312, 306, 0, 0, 6);
        first.get("skipped").forEach(e -> assertTrue(e.get("reason").asText().length() > 5, e.toString()));
        assertOneTracePerRun(first.get("traceId").asText(), 306);

        // Conversations travel too: three messages, two in the same microsecond.
        try (KafkaProducer<String, byte[]> producer = MigratorKafka.producer(config, "it")) {
            for (int i = 0; i < 3; i++) {
                ConversationMessage message = new ConversationMessage(CONVERSATION, "m" + i, "agent-1", "hello " + i + " ✅",
                        i == 0 ? "user" : "agent", i < 2 ? "2024-06-01T10:00:00.000001" : "2024-06-01T10:00:05.000000");
                EventEnvelope event = EventEnvelope.of(EventType.CONVERSATION_MESSAGE_POSTED, EventSource.API, CONVERSATION, null,
                        message.toJson());
                producer.send(new ProducerRecord<>(config.topics().conversationEvents(), CONVERSATION, JsonCodec.toBytes(event))).get();
            }
        }

        // 2. verify: the processor catches up and every item matches its file.
        Path verify1 = tmp.resolve("verify-1.json");
        assertEquals(ExitCodes.OK, MigratorMain.run(config, "verify", "--source", source.toString(), "--timeout", "180s",
                "--report", verify1.toString()), () -> readQuietly(verify1));
        assertEquals(306, read(verify1).at("/counts/matching").asInt());

        // 3. export from the log: byte-identical legacy files; from DynamoDB: equal as JSON.
        Path fromLog = tmp.resolve("export-log");
        assertEquals(ExitCodes.OK, MigratorMain.run(config, "export", "--out", fromLog.toString()));
        assertEquals(306, countJson(fromLog));
        for (String id : valid) {
            assertArrayEquals(Files.readAllBytes(source.resolve(id + ".json")), Files.readAllBytes(fromLog.resolve(id + ".json")), id);
        }
        Path fromDynamo = tmp.resolve("export-dynamodb");
        awaitConversationItems(3);
        assertEquals(ExitCodes.OK, MigratorMain.run(config, "export", "--out", fromDynamo.toString(), "--from", "dynamodb"));
        assertEquals(306, countJson(fromDynamo));
        for (String id : valid) {
            assertTrue(VerifyCommand.sameJson(read(source.resolve(id + ".json")), read(fromDynamo.resolve(id + ".json"))), id);
        }
        JsonNode conversationFromLog = read(fromLog.resolve("conversations/" + CONVERSATION + ".json"));
        assertEquals(3, conversationFromLog.get("messages").size());
        assertEquals("2024-06-01T10:00:00.000002", conversationFromLog.at("/messages/1/timestamp").asText(), "same-instant message kept");
        assertEquals(conversationFromLog, read(fromDynamo.resolve("conversations/" + CONVERSATION + ".json")));

        // 4. migrate again: nothing published.
        Path report2 = tmp.resolve("migrate-2.json");
        assertEquals(ExitCodes.SKIPPED, MigratorMain.run(config, "migrate", "--source", source.toString(), "--report", report2.toString()));
        assertCounts(read(report2), 312, 0, 306, 0, 6);

        // 5. a profile updated through an event keeps its update across a re-run migration.
        ProfileRecord original = ProfileRecord.fromJson(read(source.resolve(UNICODE_ID + ".json")));
        ObjectNode updated = original.data().deepCopy().put("description", "updated through the API");
        try (KafkaProducer<String, byte[]> producer = MigratorKafka.producer(config, "it")) {
            EventEnvelope event = EventEnvelope.of(EventType.PROFILE_UPDATED, EventSource.API, UNICODE_ID, null,
                    new ProfileRecord(UNICODE_ID, original.timestamp(), updated).toJson());
            producer.send(new ProducerRecord<>(config.topics().profileEvents(), UNICODE_ID, JsonCodec.toBytes(event))).get();
        }
        awaitOrigin(UNICODE_ID, "api");
        Path report3 = tmp.resolve("migrate-3.json");
        assertEquals(ExitCodes.SKIPPED, MigratorMain.run(config, "migrate", "--source", source.toString(), "--report", report3.toString()));
        JsonNode third = read(report3);
        assertCounts(third, 312, 0, 305, 1, 6);
        assertEquals(UNICODE_ID, third.at("/kept/0/id").asText());
        Path verify2 = tmp.resolve("verify-2.json");
        assertEquals(ExitCodes.OK, MigratorMain.run(config, "verify", "--source", source.toString(), "--report", verify2.toString()));
        assertEquals(1, read(verify2).at("/counts/changedViaApi").asInt());

        // Items no file has: from a migration (an error), from the API (informational).
        try (DynamoDbClient dynamo = DynamoClients.sync(config, Duration.ofSeconds(10))) {
            for (String[] extra : new String[][] {{"extra-migration-1", "migration"}, {"extra-api-1", "api"}}) {
                ProfileRecord record = new ProfileRecord(extra[0], "2024-01-01T00:00:00.000000",
                        (ObjectNode) JsonCodec.readTree("{\"name\": \"Extra\"}"));
                dynamo.putItem(b -> b.tableName(config.profileTable()).item(ProfileItems.toItem(record, 1, extra[1])));
            }
        }
        Path verify3 = tmp.resolve("verify-3.json");
        assertEquals(ExitCodes.MISMATCH, MigratorMain.run(config, "verify", "--source", source.toString(), "--report", verify3.toString()));
        JsonNode third3 = read(verify3);
        assertEquals("extra-migration-1", third3.at("/extraFromMigration/0/id").asText());
        assertEquals("extra-api-1", third3.at("/extraFromApi/0/id").asText());
        assertEquals(305, third3.at("/counts/matching").asInt());

        // A profile deleted through the API since the migration is reported as such, not as missing.
        String deletedId = valid.stream().filter(id -> !id.equals(UNICODE_ID)).sorted().findFirst().orElseThrow();
        try (KafkaProducer<String, byte[]> producer = MigratorKafka.producer(config, "it")) {
            EventEnvelope delete = EventEnvelope.of(EventType.PROFILE_DELETED, EventSource.API, deletedId, null,
                    new ProfileRecord(deletedId, null, null).toJson());
            producer.send(new ProducerRecord<>(config.topics().profileEvents(), deletedId, JsonCodec.toBytes(delete))).get();
        }
        awaitGone(deletedId);
        Path verify4 = tmp.resolve("verify-4.json");
        assertEquals(ExitCodes.MISMATCH, MigratorMain.run(config, "verify", "--source", source.toString(), "--report", verify4.toString()),
                "still the extra item from a migration");
        JsonNode fourth = read(verify4);
        assertEquals(0, fourth.at("/counts/missing").asInt(), fourth::toString);
        assertEquals(1, fourth.at("/counts/deletedViaApi").asInt(), fourth::toString);
        assertEquals(deletedId, fourth.at("/deletedViaApi/0/id").asText());
        assertEquals(304, fourth.at("/counts/matching").asInt());

        // 6. rollback with the tables gone: the log alone is enough, and the update survives.
        processor.close();
        processor = null;
        try (DynamoDbClient dynamo = DynamoClients.sync(config, Duration.ofSeconds(10))) {
            Provisioner.deleteTableIfExists(dynamo, config.profileTable(), Duration.ofSeconds(30));
            Provisioner.deleteTableIfExists(dynamo, config.conversationTable(), Duration.ofSeconds(30));
        }
        Path rollback = tmp.resolve("export-rollback");
        assertEquals(ExitCodes.OK, MigratorMain.run(config, "export", "--out", rollback.toString()));
        assertEquals(305, countJson(rollback), "306 migrated, one deleted through the API");
        assertTrue(Files.notExists(rollback.resolve(deletedId + ".json")), "the deleted profile is not rolled back");
        assertEquals("updated through the API", read(rollback.resolve(UNICODE_ID + ".json")).at("/data/description").asText());
        assertEquals(original.timestamp(), read(rollback.resolve(UNICODE_ID + ".json")).get("timestamp").asText());
        for (String id : valid) {
            if (!id.equals(UNICODE_ID) && !id.equals(deletedId)) {
                assertArrayEquals(Files.readAllBytes(source.resolve(id + ".json")), Files.readAllBytes(rollback.resolve(id + ".json")), id);
            }
        }
        assertEquals(conversationFromLog, read(rollback.resolve("conversations/" + CONVERSATION + ".json")));
        assertEquals(ExitCodes.FATAL, MigratorMain.run(config, "export", "--out", tmp.resolve("x").toString(), "--from", "dynamodb"),
                "the tables are gone: a clear fatal error");
    }

    /** Every event of the run names the run's span as its parent: the processor's work on a migration is one trace. */
    private static void assertOneTracePerRun(String traceId, int events) throws Exception {
        assertTrue(traceId.matches("[0-9a-f]{32}"), traceId);
        Set<String> parents = new HashSet<>();
        try (TopicReplay replay = MigratorKafka.replay(config, "it-trace");
             var admin = MigratorKafka.admin(config)) {
            long read = replay.replay(MigratorKafka.partitions(admin, config, config.topics().profileEvents()),
                    TopicReplay.Progress.NONE, record -> {
                        Header header = record.headers().lastHeader(TraceHeaders.TRACEPARENT);
                        parents.add(header == null ? "(none)" : new String(header.value(), StandardCharsets.UTF_8));
                    });
            assertEquals(events, read);
        }
        assertEquals(1, parents.size(), parents.toString());
        assertTrue(parents.iterator().next().startsWith("00-" + traceId + "-"), parents.toString());
    }

    private static void assertCounts(JsonNode report, int seen, int published, int unchanged, int kept, int skipped) {
        JsonNode counts = report.get("counts");
        assertEquals(seen, counts.get("seen").asInt(), counts::toString);
        assertEquals(published, counts.get("published").asInt(), counts::toString);
        assertEquals(unchanged, counts.get("unchanged").asInt(), counts::toString);
        assertEquals(kept, counts.get("kept").asInt(), counts::toString);
        assertEquals(skipped, counts.get("skipped").asInt(), counts::toString);
        assertEquals(seen, published + unchanged + kept + skipped);
        assertEquals(skipped, report.get("skipped").size());
        assertEquals(kept, report.get("kept").size());
    }

    private void awaitOrigin(String id, String origin) throws InterruptedException {
        try (DynamoDbClient dynamo = DynamoClients.sync(config, Duration.ofSeconds(10))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (System.nanoTime() < deadline) {
                Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(config.profileTable())
                        .key(ProfileItems.key(id)).consistentRead(true)).item();
                if (item != null && item.get(ProfileItems.ORIGIN) != null && origin.equals(item.get(ProfileItems.ORIGIN).s())) {
                    return;
                }
                Thread.sleep(200);
            }
        }
        throw new AssertionError("item " + id + " never got origin " + origin);
    }

    private void awaitGone(String id) throws InterruptedException {
        try (DynamoDbClient dynamo = DynamoClients.sync(config, Duration.ofSeconds(10))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (System.nanoTime() < deadline) {
                var item = dynamo.getItem(b -> b.tableName(config.profileTable()).key(ProfileItems.key(id)).consistentRead(true));
                // A deletion leaves a tombstone (so no older write can bring the profile back), hidden from readers.
                if (!item.hasItem() || ProfileItems.isTombstone(item.item())) {
                    return;
                }
                Thread.sleep(200);
            }
        }
        throw new AssertionError("item " + id + " was never deleted");
    }

    private void awaitConversationItems(int count) throws InterruptedException {
        try (DynamoDbClient dynamo = DynamoClients.sync(config, Duration.ofSeconds(10))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                int n = dynamo.query(b -> b.tableName(config.conversationTable()).keyConditionExpression("conversation_id = :c")
                        .expressionAttributeValues(Map.of(":c", AttributeValue.fromS(CONVERSATION)))).count();
                if (n >= count) {
                    return;
                }
                Thread.sleep(200);
            }
        }
        throw new AssertionError("conversation items never appeared");
    }

    private static long countJson(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".json")).count();
        }
    }

    private static JsonNode read(Path file) throws IOException {
        return JsonCodec.readTree(Files.readAllBytes(file));
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(no report)";
        }
    }
}
