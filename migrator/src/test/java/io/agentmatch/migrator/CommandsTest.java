package io.agentmatch.migrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentmatch.contract.events.JsonCodec;
import io.agentmatch.contract.events.ProfileRecord;
import io.agentmatch.contract.storage.ProfileItems;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class CommandsTest {
    @TempDir
    Path dir;

    @Test
    void dryRunOfTheSampleCountsAddUpAndReportsEveryBrokenFile() throws IOException {
        SampleData.assumePresent();
        Path source = SampleData.copyTo(dir.resolve("src"));
        Path report = dir.resolve("report.json");
        int exit = MigratorMain.run("migrate", "--source", source.toString(), "--dry-run", "--report", report.toString());
        assertEquals(ExitCodes.SKIPPED, exit);
        JsonNode json = JsonCodec.readTree(Files.readAllBytes(report));
        assertEquals(312, json.at("/counts/seen").asInt());
        assertEquals(306, json.at("/counts/valid").asInt());
        assertEquals(6, json.at("/counts/skipped").asInt());
        assertEquals(6, json.get("skipped").size());
        json.get("skipped").forEach(entry -> assertFalse(entry.get("reason").asText().isBlank()));
        // The report is the command's result record, in the shape operators' scripts read (absent values left out).
        List<String> fields = new java.util.ArrayList<>(List.of("command", "finishedAt", "source", "dryRun", "durationMs",
                "counts", "skipped", "kept", "failed"));
        if (json.has("traceId")) { // the run's trace, when tracing is on
            fields.add(fields.indexOf("counts"), "traceId");
        }
        assertEquals(fields, names(json));
        assertEquals(List.of("seen", "valid", "skipped", "failed"), names(json.get("counts")));
        assertEquals(List.of("file", "reason"), names(json.get("skipped").get(0)));
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void dryRunOfValidFilesExitsZeroWithoutKafka() throws IOException {
        GenerateCommand.generate(dir, 50, 1, null);
        assertEquals(ExitCodes.OK, MigratorMain.run("migrate", "--source", dir.toString(), "--dry-run"));
    }

    @Test
    void missingSourceIsFatalAndUsageErrorsAreTwo() {
        assertEquals(ExitCodes.FATAL, MigratorMain.run("migrate", "--source", dir.resolve("nope").toString(), "--dry-run"));
        assertEquals(ExitCodes.USAGE, MigratorMain.run("migrate"));
        assertEquals(ExitCodes.USAGE, MigratorMain.run("evaluate"));
        assertEquals(ExitCodes.OK, MigratorMain.run("--help"));
    }

    @Test
    void unreachableKafkaIsAClearFatalErrorWithinSeconds() throws IOException {
        GenerateCommand.generate(dir, 3, 1, null);
        System.setProperty("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1");
        try {
            long start = System.nanoTime();
            assertEquals(ExitCodes.FATAL, MigratorMain.run("migrate", "--source", dir.toString()));
            assertTrue(System.nanoTime() - start < 30_000_000_000L);
        } finally {
            System.clearProperty("KAFKA_BOOTSTRAP_SERVERS");
        }
    }

    @Test
    void verifyComparesWithNumericEqualityAndDerivedAttributes() throws IOException {
        ProfileRecord file = ProfileRecord.fromJson(JsonCodec.readTree("{\"id\": \"a1\", \"timestamp\": \"2024-01-01T00:00:00.000001\","
                + " \"data\": {\"name\": \"A\", \"averagePrice\": 40, \"location\": [\"Paris\", \"FR\"], \"x\": {\"y\": 1.50}}}"));
        ProfileRecord stored = ProfileRecord.fromJson(JsonCodec.readTree("{\"id\": \"a1\", \"timestamp\": \"2024-01-01T00:00:00.000001\","
                + " \"data\": {\"x\": {\"y\": 1.5}, \"location\": [\"Paris\", \"FR\"], \"averagePrice\": 40.0, \"name\": \"A\"}}"));
        Map<String, AttributeValue> item = new LinkedHashMap<>(ProfileItems.toItem(stored, 3, "migration"));
        assertEquals(List.of(), VerifyCommand.differences(file, item));
        item.remove(ProfileItems.LOCATION_CITY);
        item.put("name", AttributeValue.fromS("B"));
        assertEquals(List.of("name", "location_city (absent)"), VerifyCommand.differences(file, item));
        ProfileRecord changed = new ProfileRecord("a1", "2024-01-01T00:00:00.000002", file.data().deepCopy().put("name", "Z"));
        List<String> diff = VerifyCommand.differences(file, ProfileItems.toItem(changed, 3, "migration"));
        assertEquals(3, diff.size(), diff.toString());
        assertTrue(diff.get(0).startsWith("timestamp"));
        assertEquals("data.name", diff.get(1));
    }

    @Test
    void processorLagIsPerPartitionAndEndEqualsCaughtUp() {
        TopicPartition p0 = new TopicPartition("t", 0);
        TopicPartition p1 = new TopicPartition("t", 1);
        assertNull(VerifyCommand.lag(Map.of(p0, 10L, p1, 0L), Map.of(p0, new OffsetAndMetadata(10))));
        assertEquals("4 events behind (partition=lag {0=4})", VerifyCommand.lag(Map.of(p0, 10L), Map.of(p0, new OffsetAndMetadata(6))));
        assertEquals("3 events behind (partition=lag {1=3})", VerifyCommand.lag(Map.of(p0, 0L, p1, 3L), Map.of()));
    }

    @Test
    void replayFindsOnlyTheApplicationsInternalTopics() {
        assertEquals(List.of("app-store-changelog", "app-x-repartition"), ReplayCommand.internalTopics("app",
                Set.of("app-store-changelog", "app-x-repartition", "app2-store-changelog", "app-events", "other-changelog")));
    }

    @Test
    void redriveProgressAdvancesTheWatermarkOverContiguousOffsets() {
        DeadLettersCommand.Progress progress = DeadLettersCommand.Progress.of(new OffsetAndMetadata(2, "5"));
        assertTrue(progress.redriven(1));
        assertTrue(progress.redriven(5));
        assertFalse(progress.redriven(3));
        progress = progress.with(3);
        assertEquals(new OffsetAndMetadata(2, "3,5"), progress.toCommit());
        progress = progress.with(2).with(4);
        assertEquals(new OffsetAndMetadata(6, ""), progress.toCommit());
    }

    @Test
    void durations() {
        assertEquals(120, VerifyCommand.parseDuration("120s").toSeconds());
        assertEquals(300, VerifyCommand.parseDuration("5m").toSeconds());
        assertEquals(7, VerifyCommand.parseDuration("7").toSeconds());
    }
}
