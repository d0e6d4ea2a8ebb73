package io.agentmatch.processor.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Writes that land late, on the real broker and dynalite: an instance sends its writes, loses its
 * partitions before they arrive, the new owner stores newer versions, and only then do the old
 * writes reach DynamoDB. The version condition must refuse them.
 */
class LateWriteIT {
    private static final Duration CONVERGE = Duration.ofMinutes(2);

    @Test
    void writesOfAnInstanceThatLostItsPartitionsNeverReplaceANewerItemNorReviveADelete() throws Exception {
        TestStack stack = TestStack.shared();
        PipelineConfig config = stack.isolatedConfig("processor-late-write");
        String topic = config.topics().profileEvents();
        try (HoldingRelay relay = new HoldingRelay(config.dynamoDbEndpoint());
             KafkaProducer<String, byte[]> producer = EventLoad.producer(config);
             DynamoDbClient dynamo = DynamoClients.sync(config, Duration.ofSeconds(10))) {
            // 1. The first owner writes through the relay, which holds its writes.
            try (ProcessorApp first = ProcessorApp.start(config.withDynamoDb(relay.endpoint()), settings("late-1"))) {
                Await.until("first owner running", CONVERGE, first::isRunning);
                relay.hold();
                send(producer, topic, EventType.PROFILE_CREATED, "late-kept", data("first"));
                send(producer, topic, EventType.PROFILE_CREATED, "late-deleted", data("first"));
                Await.until("the first owner's writes of both profiles are on the wire, held", CONVERGE,
                        () -> relay.heldRequests().contains("late-kept") && relay.heldRequests().contains("late-deleted"));
            } // 2. It loses its partitions (closed: they move at once); its writes are still held.
            // The new owner writes what is owed, then newer versions.
            try (ProcessorApp owner = ProcessorApp.start(config, settings("late-2"))) {
                long updated = send(producer, topic, EventType.PROFILE_UPDATED, "late-kept", data("second"));
                long deleted = send(producer, topic, EventType.PROFILE_DELETED, "late-deleted", null);
                Await.until("the new owner stored the update and the delete", CONVERGE,
                        () -> version(dynamo, config, "late-kept") == updated && version(dynamo, config, "late-deleted") == deleted);

                // 3. The first owner's writes (version = the creates' offsets) land now.
                relay.release();
                Await.until("dynalite answered the late writes", CONVERGE, relay::releasedAnswered);

                Map<String, AttributeValue> kept = item(dynamo, config, "late-kept");
                assertEquals(updated, ProfileItems.versionOf(kept), "a late older version never replaces a newer item");
                assertEquals("second", ProfileItems.toRecord(kept).data().get("name").asText());
                Map<String, AttributeValue> gone = item(dynamo, config, "late-deleted");
                assertTrue(ProfileItems.isTombstone(gone), "a late write never brings a deleted profile back: " + gone);
                assertEquals(deleted, ProfileItems.versionOf(gone));
            }
        }
    }

    private static ProcessorSettings settings(String name) throws Exception {
        return new ProcessorSettings(Files.createTempDirectory(name), 1, -1, new PersistSettings(4, Duration.ofMillis(20), 50_000),
                32, Duration.ofMillis(100), false, Duration.ofMillis(100));
    }

    private static ObjectNode data(String name) {
        return JsonNodeFactory.instance.objectNode().put("name", name).put("job", "Plumber");
    }

    /** Publishes one event; returns its offset (the version the item gets). */
    private static long send(KafkaProducer<String, byte[]> producer, String topic, EventType type, String id, ObjectNode data)
            throws Exception {
        ProfileRecord record = new ProfileRecord(id, data == null ? null : "2024-01-01T00:00:00.000001", data);
        EventEnvelope event = EventEnvelope.of(type, EventSource.API, id, null, record.toJson());
        return producer.send(new ProducerRecord<>(topic, id, JsonCodec.toBytes(event))).get().offset();
    }

    private static Map<String, AttributeValue> item(DynamoDbClient dynamo, PipelineConfig config, String id) {
        return dynamo.getItem(b -> b.tableName(config.profileTable()).key(ProfileItems.key(id)).consistentRead(true)).item();
    }

    private static long version(DynamoDbClient dynamo, PipelineConfig config, String id) {
        Map<String, AttributeValue> item = item(dynamo, config, id);
        return item == null || item.isEmpty() ? -1 : ProfileItems.versionOf(item);
    }
}
