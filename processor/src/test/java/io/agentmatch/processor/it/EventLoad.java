package io.agentmatch.processor.it;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmatch.contract.config.PipelineConfig;
import io.agentmatch.contract.kafka.KafkaClients;
import io.agentmatch.contract.events.ConversationMessage;
import io.agentmatch.contract.events.EventEnvelope;
import io.agentmatch.contract.events.EventSource;
import io.agentmatch.contract.events.EventType;
import io.agentmatch.contract.events.JsonCodec;
import io.agentmatch.contract.events.ProfileRecord;
import io.agentmatch.contract.storage.ConversationItems;
import io.agentmatch.contract.storage.ProfileItems;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A seeded mix of profile and conversation events (creates, updates, deletes, duplicates, stale
 * re-imports, messages), and the table contents they must produce, computed independently of the
 * processor.
 */
final class EventLoad {
    final List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
    final Map<String, ProfileRecord> expectedProfiles = new LinkedHashMap<>();
    final java.util.Set<String> expectedTombstones = new java.util.HashSet<>();
    final Map<String, List<String>> expectedConversations = new HashMap<>();

    EventLoad(PipelineConfig config, int events, long seed) {
        Random random = new Random(seed);
        String profiles = config.topics().profileEvents();
        String conversations = config.topics().conversationEvents();
        List<String> live = new ArrayList<>();
        int sequence = 0;
        while (records.size() < events) {
            int roll = random.nextInt(100);
            if (roll < 45 || live.isEmpty()) {
                String id = "p-" + seed + "-" + sequence++;
                ProfileRecord record = new ProfileRecord(id, "2024-03-01T09:00:00." + String.format("%06d", sequence % 1_000_000),
                        data(random, 0));
                EventType type = random.nextBoolean() ? EventType.PROFILE_CREATED : EventType.PROFILE_IMPORTED;
                EventEnvelope event = EventEnvelope.of(type, type == EventType.PROFILE_CREATED ? EventSource.API
                        : EventSource.MIGRATION, id, null, record.toJson());
                add(profiles, id, event);
                if (random.nextInt(5) == 0) {
                    add(profiles, id, event); // a duplicate delivery of the same event
                }
                expectedProfiles.put(id, record);
                live.add(id);
            } else if (roll < 60) {
                String id = live.get(random.nextInt(live.size()));
                ProfileRecord current = expectedProfiles.get(id);
                ProfileRecord updated = new ProfileRecord(id, current.timestamp(), data(random, 1 + random.nextInt(1000)));
                add(profiles, id, EventEnvelope.of(EventType.PROFILE_UPDATED, EventSource.API, id, null, updated.toJson()));
                expectedProfiles.put(id, updated);
                // A stale re-import of the original file must not undo the update.
                add(profiles, id, EventEnvelope.of(EventType.PROFILE_IMPORTED, EventSource.MIGRATION, id, null,
                        new ProfileRecord(id, current.timestamp(), data(random, 0)).toJson()));
            } else if (roll < 68) {
                String id = live.remove(random.nextInt(live.size()));
                add(profiles, id, EventEnvelope.of(EventType.PROFILE_DELETED, EventSource.API, id, null,
                        new ProfileRecord(id, null, null).toJson()));
                expectedProfiles.remove(id);
                expectedTombstones.add(id);
            } else {
                String conversation = "c-" + seed + "-" + random.nextInt(40);
                List<String> messages = expectedConversations.computeIfAbsent(conversation, c -> new ArrayList<>());
                String text = "message " + messages.size();
                var message = new ConversationMessage(conversation, "m-" + conversation + "-" + messages.size(), "agent-"
                        + random.nextInt(5), text, "user", "2024-05-05T10:00:00.000001");
                EventEnvelope event = EventEnvelope.of(EventType.CONVERSATION_MESSAGE_POSTED, EventSource.API, conversation,
                        null, message.toJson());
                add(conversations, conversation, event);
                if (random.nextInt(10) == 0) {
                    add(conversations, conversation, event); // a retried message
                }
                messages.add(text);
            }
        }
    }

    private static ObjectNode data(Random random, int revision) {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("name", "Agent " + random.nextInt(100_000));
        data.put("job", List.of("Plumber", "Chef", "Doctor", "Painter").get(random.nextInt(4)));
        data.put("averagePrice", Math.round(random.nextDouble() * 20_000) / 100.0);
        data.putArray("tags").add("t" + random.nextInt(10)).add("rev" + revision);
        if (random.nextInt(4) > 0) {
            data.putArray("location").add(List.of("Berlin", "Lyon", "Austin").get(random.nextInt(3))).add("XX");
        }
        data.put("description", "revision " + revision);
        return data;
    }

    private void add(String topic, String key, EventEnvelope event) {
        records.add(new ProducerRecord<>(topic, key, JsonCodec.toBytes(event)));
    }

    static KafkaProducer<String, byte[]> producer(PipelineConfig config) {
        return KafkaClients.of(config.kafka(), "processor-it").producer("events")
                .tune(ProducerConfig.LINGER_MS_CONFIG, 5)
                .require(ProducerConfig.ACKS_CONFIG, "all")
                .require(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
                // One request in flight: the topics were created a moment ago, and an idempotent producer
                // that retries a first batch behind five later ones is refused (OutOfOrderSequence), seen
                // once here while the broker was still electing the new partitions' leaders.
                .require(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1)
                .newProducer(new StringSerializer(), new ByteArraySerializer());
    }

    static void sendAll(KafkaProducer<String, byte[]> producer, List<ProducerRecord<String, byte[]>> records) throws Exception {
        List<Future<?>> acks = new ArrayList<>();
        for (var record : records) {
            acks.add(producer.send(record));
        }
        for (Future<?> ack : acks) {
            ack.get();
        }
    }

    /** Differences between the tables and the expectation: empty when they are equal. */
    List<String> differences(DynamoDbClient dynamo, PipelineConfig config) {
        List<String> problems = new ArrayList<>();
        Map<String, Map<String, AttributeValue>> items = new HashMap<>();
        java.util.Set<String> tombstones = new java.util.HashSet<>();
        dynamo.scanPaginator(b -> b.tableName(config.profileTable()).consistentRead(true)).items().forEach(item -> {
            if (ProfileItems.isTombstone(item)) {
                tombstones.add(item.get(ProfileItems.ID).s());
            } else {
                items.put(item.get(ProfileItems.ID).s(), item);
            }
        });
        if (!tombstones.equals(expectedTombstones)) {
            problems.add("tombstones: " + tombstones.size() + " in the table, " + expectedTombstones.size() + " deletes");
        }
        for (var expected : expectedProfiles.entrySet()) {
            var item = items.remove(expected.getKey());
            if (item == null) {
                problems.add("missing " + expected.getKey());
            } else if (!JsonCodec.canonical(ProfileItems.toRecord(item).toJson()).equals(JsonCodec.canonical(expected.getValue().toJson()))) {
                problems.add("different " + expected.getKey());
            }
        }
        items.keySet().stream().filter(id -> id.startsWith("p-")).forEach(id -> problems.add("extra " + id));
        for (var conversation : expectedConversations.entrySet()) {
            List<String> stored = new ArrayList<>();
            dynamo.queryPaginator(b -> b.tableName(config.conversationTable())
                    .keyConditionExpression("#c = :c").expressionAttributeNames(Map.of("#c", ConversationItems.CONVERSATION_ID))
                    .expressionAttributeValues(Map.of(":c", AttributeValue.fromS(conversation.getKey())))
                    .consistentRead(true)).items().forEach(item -> stored.add(item.get("message").s()));
            if (!stored.equals(conversation.getValue())) {
                problems.add("conversation " + conversation.getKey() + " has " + stored.size() + " messages, expected "
                        + conversation.getValue().size() + (stored.size() == conversation.getValue().size() ? " (order differs)" : ""));
            }
        }
        return problems;
    }
}
