package io.agentmatch.migrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.agentmatch.contract.config.PipelineConfig;
import io.agentmatch.contract.events.EventEnvelope;
import io.agentmatch.contract.events.EventSource;
import io.agentmatch.contract.events.EventType;
import io.agentmatch.contract.events.JsonCodec;
import io.agentmatch.contract.events.ProfileRecord;
import io.agentmatch.contract.storage.DynamoClients;
import io.agentmatch.contract.storage.ProfileItems;
import io.agentmatch.localstack.Await;
import io.agentmatch.localstack.TestStack;
import io.agentmatch.processor.ProcessorApp;
import io.agentmatch.processor.ProcessorSettings;
import io.agentmatch.processor.persist.PersistSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What a reader sees while {@code replay} rebuilds the tables from offset 0, on the real broker and
 * dynalite: every profile was migrated, then updated, a quarter deleted, so the log holds an older
 * version of every item; a reader polling the table during the replay must never see one, nor a
 * deleted profile, and the migrator's own reads (verify, export --from dynamodb) never show a
 * tombstone.
 */
class ReplayReadersIT {
    private static final Duration CONVERGE = Duration.ofMinutes(3);

    @TempDir
    Path tmp;

    @Test
    void duringAReplayAReaderNeverSeesAnOlderVersionNorADeletedProfile() throws Exception {
        PipelineConfig config = TestStack.shared().isolatedConfig("migrator-replay-readers");
        Path source = Files.createDirectories(tmp.resolve("src"));
        GenerateCommand.generate(source, 400, 17, null);
        List<String> ids;
        try (Stream<Path> files = Files.list(source)) {
            ids = files.map(f -> f.getFileName().toString().replace(".json", "")).sorted().toList();
        }
        Set<String> deleted = new HashSet<>(ids.subList(0, 100));
        Map<String, Long> before;
        try (DynamoDbClient dynamo = DynamoClients.sync(config, Duration.ofSeconds(30))) {
            try (ProcessorApp processor = ProcessorApp.start(config, settings("replay-readers-1"))) {
                assertEquals(ExitCodes.OK, MigratorMain.run(config, "migrate", "--source", source.toString()));
                try (KafkaProducer<String, byte[]> producer = MigratorKafka.producer(config, "it")) {
                    String topic = config.topics().profileEvents();
                    for (String id : ids) {
                        var data = JsonNodeFactory.instance.objectNode().put("name", "updated " + id).put("job", "Replayer");
                        send(producer, topic, EventEnvelope.of(EventType.PROFILE_UPDATED, EventSource.API, id, null,
                                new ProfileRecord(id, null, data).toJson()));
                    }
                    for (String id : deleted) {
                        send(producer, topic, EventEnvelope.of(EventType.PROFILE_DELETED, EventSource.API, id, null,
                                new ProfileRecord(id, null, null).toJson()));
                    }
                    producer.flush();
                }
                Await.until("updates and deletes stored", CONVERGE, () -> {
                    Map<String, Map<String, AttributeValue>> table = scan(dynamo, config);
                    return table.size() == ids.size() && table.entrySet().stream().allMatch(e -> deleted.contains(e.getKey())
                            ? ProfileItems.isTombstone(e.getValue())
                            : "Replayer".equals(e.getValue().get(ProfileItems.JOB).s()));
                });
            }
            before = versions(scan(dynamo, config));

            assertEquals(ExitCodes.OK, MigratorMain.run(config, "replay", "--yes"));
            ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();
            AtomicInteger polls = new AtomicInteger();
            AtomicBoolean stop = new AtomicBoolean();
            Map<String, Long> expected = before;
            Thread reader = new Thread(() -> {
                try (DynamoDbClient poller = DynamoClients.sync(config, Duration.ofSeconds(30))) {
                    while (!stop.get()) {
                        scan(poller, config).forEach((id, item) -> {
                            if (deleted.contains(id) && !ProfileItems.isTombstone(item)) {
                                seen.add("deleted profile " + id + " is back at version " + ProfileItems.versionOf(item));
                            } else if (ProfileItems.versionOf(item) < expected.get(id)) {
                                seen.add(id + " went back to version " + ProfileItems.versionOf(item) + " from " + expected.get(id));
                            }
                        });
                        polls.incrementAndGet();
                    }
                }
            }, "replay-reader");
            reader.start();
            try (ProcessorApp processor = ProcessorApp.start(config, settings("replay-readers-2"))) {
                try {
                    // Every item's last version is written again (the same version: allowed); older ones are refused.
                    Await.until("the replay rewrote every item", CONVERGE,
                            () -> metric(processor, "processor_dynamodb_items_written_total") >= ids.size()
                                    && metric(processor, "processor_outbox_pending") == 0);
                } finally {
                    stop.set(true);
                    reader.join();
                }
                assertEquals(List.of(), new ArrayList<>(seen).subList(0, Math.min(seen.size(), 10)), seen.size() + " stale reads");
                assertTrue(polls.get() >= 2, "the reader polled during the replay: " + polls.get());
                assertTrue(metric(processor, "processor_dynamodb_writes_superseded_total") > 0,
                        "older versions were tried and refused");
                assertEquals(before, versions(scan(dynamo, config)), "after the replay: the same items, the same versions");

                // The migrator's reads hide tombstones: verify counts them as deleted, export writes no file for them.
                assertEquals(ExitCodes.OK, MigratorMain.run(config, "verify", "--source", source.toString(), "--timeout", "180s"));
                Path export = tmp.resolve("export");
                assertEquals(ExitCodes.OK, MigratorMain.run(config, "export", "--out", export.toString(), "--from", "dynamodb"));
                for (String id : ids) {
                    assertEquals(!deleted.contains(id), Files.exists(export.resolve(id + ".json")), id);
                }
            }
        }
    }

    private static ProcessorSettings settings(String name) throws Exception {
        return new ProcessorSettings(Files.createTempDirectory(name), 1, -1, new PersistSettings(8, Duration.ofMillis(20), 50_000),
                32, Duration.ofMillis(100), false, Duration.ofMillis(100));
    }

    private static void send(KafkaProducer<String, byte[]> producer, String topic, EventEnvelope event) {
        producer.send(new ProducerRecord<>(topic, event.key(), JsonCodec.toBytes(event)));
    }

    /** Every item of the profile table, tombstones included (what DynamoDB holds, not what a reader is shown). */
    private static Map<String, Map<String, AttributeValue>> scan(DynamoDbClient dynamo, PipelineConfig config) {
        Map<String, Map<String, AttributeValue>> items = new HashMap<>();
        dynamo.scanPaginator(b -> b.tableName(config.profileTable()).consistentRead(true)).items()
                .forEach(item -> items.put(item.get(ProfileItems.ID).s(), item));
        return items;
    }

    private static Map<String, Long> versions(Map<String, Map<String, AttributeValue>> items) {
        Map<String, Long> versions = new HashMap<>();
        items.forEach((id, item) -> versions.put(id, ProfileItems.versionOf(item)));
        return versions;
    }

    /** The sum of a metric's samples in the processor's Prometheus text. */
    private static double metric(ProcessorApp processor, String name) {
        double sum = 0;
        for (String line : processor.metrics().scrape().split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }
}
