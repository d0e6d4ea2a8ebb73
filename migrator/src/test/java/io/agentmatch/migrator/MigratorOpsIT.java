package io.agentmatch.migrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentmatch.contract.config.PipelineConfig;
import io.agentmatch.localstack.TestStack;
import io.agentmatch.processor.ProcessorApp;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replay and dead letters on the real stack. */
class MigratorOpsIT {
    @TempDir
    Path tmp;

    @Test
    void replayRefusesWhileTheProcessorRunsThenRebuildsTheSameItems() throws Exception {
        PipelineConfig config = TestStack.shared().isolatedConfig("migrator-replay");
        Path source = tmp.resolve("src");
        GenerateCommand.generate(java.nio.file.Files.createDirectories(source), 200, 11, null);
        ProcessorApp processor = ProcessorApp.start(config, tmp.resolve("state-1"));
        try {
            assertEquals(ExitCodes.OK, MigratorMain.run(config, "migrate", "--source", source.toString()));
            assertEquals(ExitCodes.OK, MigratorMain.run(config, "verify", "--source", source.toString(), "--timeout", "180s"));
            awaitMembers(config);
            assertEquals(ExitCodes.FATAL, MigratorMain.run(config, "replay", "--yes", "--wait", "2s"), "processor running");
        } finally {
            processor.close();
        }
        assertEquals(ExitCodes.OK, MigratorMain.run(config, "replay", "--yes"));
        try (Admin admin = MigratorKafka.admin(config)) {
            assertTrue(admin.listConsumerGroupOffsets(config.processorApplicationId()).partitionsToOffsetAndMetadata().get().isEmpty(),
                    "committed offsets deleted");
            assertEquals(List.of(), ReplayCommand.internalTopics(config.processorApplicationId(), admin.listTopics().names().get()));
        }
        processor = ProcessorApp.start(config, tmp.resolve("state-2"));
        try {
            assertEquals(ExitCodes.OK, MigratorMain.run(config, "verify", "--source", source.toString(), "--timeout", "180s"));
        } finally {
            processor.close();
        }
    }

    @Test
    void deadLettersAreListedAndRedrivenOnce() throws Exception {
        PipelineConfig config = TestStack.shared().isolatedConfig("migrator-dlq");
        String topic = config.topics().profileEvents();
        ProcessorApp processor = ProcessorApp.start(config, tmp.resolve("state"));
        try {
            try (KafkaProducer<String, byte[]> producer = MigratorKafka.producer(config, "it")) {
                producer.send(new ProducerRecord<>(topic, "bad-1", "{not an event".getBytes(StandardCharsets.UTF_8))).get();
            }
            awaitDeadLetters(config, 1);
            PrintStream original = System.out;
            ByteArrayOutputStream captured = new ByteArrayOutputStream();
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            try {
                assertEquals(ExitCodes.OK, MigratorMain.run(config, "dead-letters", "list"));
            } finally {
                System.setOut(original);
            }
            String listing = captured.toString(StandardCharsets.UTF_8);
            assertTrue(listing.contains("offset=0 source=" + topic + "/"), listing);
            assertTrue(listing.contains("key: bad-1") && listing.contains("value: {not an event"), listing);

            long before = end(config, topic);
            assertEquals(ExitCodes.OK, MigratorMain.run(config, "dead-letters", "redrive", "--offset", "0"));
            assertEquals(before + 1, end(config, topic), "re-published to its source topic");
            assertEquals(ExitCodes.SKIPPED, MigratorMain.run(config, "dead-letters", "redrive", "--offset", "0"), "only once");
            assertEquals(before + 1, end(config, topic));
            // Still broken, so the processor dead-letters it again: --all redrives that new one, once.
            List<Long> offsets = awaitDeadLetters(config, 2);
            assertEquals(ExitCodes.OK, MigratorMain.run(config, "dead-letters", "redrive", "--all"));
            assertEquals(before + 2, end(config, topic));
            assertEquals(ExitCodes.SKIPPED, MigratorMain.run(config, "dead-letters", "redrive", "--offset",
                    String.valueOf(offsets.get(1))), "already redriven by --all");
            assertEquals(before + 2, end(config, topic));
        } finally {
            processor.close();
        }
    }

    private static void awaitMembers(PipelineConfig config) throws Exception {
        try (Admin admin = MigratorKafka.admin(config)) {
            for (int i = 0; i < 300; i++) {
                var group = admin.describeConsumerGroups(List.of(config.processorApplicationId())).all().get()
                        .get(config.processorApplicationId());
                if (!group.members().isEmpty()) {
                    return;
                }
                Thread.sleep(200);
            }
        }
        throw new AssertionError("processor group never had members");
    }

    /** The offsets of the (committed) dead letters, once there are at least {@code count}. */
    private static List<Long> awaitDeadLetters(PipelineConfig config, int count) throws Exception {
        TopicPartition partition = new TopicPartition(config.topics().deadLetters(), 0);
        for (int i = 0; i < 300; i++) {
            try (var consumer = MigratorKafka.reader(config, "it", null)) {
                List<Long> offsets = DeadLettersCommand.read(consumer, partition, 0, Integer.MAX_VALUE).stream()
                        .map(r -> r.offset()).toList();
                if (offsets.size() >= count) {
                    return offsets;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("fewer than " + count + " dead letters");
    }

    private static long end(PipelineConfig config, String topic) throws Exception {
        try (Admin admin = MigratorKafka.admin(config)) {
            List<TopicPartition> partitions = MigratorKafka.partitions(admin, config, topic);
            Map<TopicPartition, OffsetSpec> request = new java.util.HashMap<>();
            partitions.forEach(p -> request.put(p, OffsetSpec.latest()));
            return admin.listOffsets(request).all().get().values().stream().mapToLong(i -> i.offset()).sum();
        }
    }
}
