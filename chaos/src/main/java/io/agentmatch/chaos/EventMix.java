package io.agentmatch.chaos;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmatch.contract.config.PipelineConfig;
import io.agentmatch.contract.events.ConversationMessage;
import io.agentmatch.contract.events.EventEnvelope;
import io.agentmatch.contract.events.EventSource;
import io.agentmatch.contract.events.EventType;
import io.agentmatch.contract.events.JsonCodec;
import io.agentmatch.contract.events.ProfileRecord;
import io.agentmatch.contract.Limits;
import io.agentmatch.contract.kafka.KafkaClients;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A seeded stream of events published straight to the event topics, as the API and the migrator
 * publish them: creates (some delivered twice), imports, updates followed by a stale re-import of
 * the original, deletes, and conversation messages (some delivered twice). Each one is recorded in
 * {@link Acknowledged} once Kafka acknowledged it.
 */
public final class EventMix {
    private record Pending(ProducerRecord<String, byte[]> record, Runnable onAck) {
    }

    private final PipelineConfig config;
    private final Random random;
    private final String run;
    private final Acknowledged acknowledged;
    private final List<String> live = new ArrayList<>();
    private final java.util.Map<String, ProfileRecord> current = new java.util.HashMap<>();
    private int sequence;
    private final int[] conversationSizes = new int[50];

    public EventMix(PipelineConfig config, long seed, String run, Acknowledged acknowledged) {
        this.config = config;
        this.random = new Random(seed);
        this.run = run;
        this.acknowledged = acknowledged;
    }

    /** Publishes {@code events} events and returns once Kafka acknowledged all of them. */
    public void publish(KafkaProducer<String, byte[]> producer, int events) throws Exception {
        List<Pending> batch = new ArrayList<>();
        while (batch.size() < events) {
            next(batch);
        }
        List<Future<?>> acks = new ArrayList<>();
        for (Pending pending : batch) {
            acks.add(producer.send(pending.record()));
        }
        for (int i = 0; i < acks.size(); i++) {
            acks.get(i).get();
            if (batch.get(i).onAck() != null) {
                batch.get(i).onAck().run();
            }
        }
    }

    /** The events' producer: what the pipeline's producers require (every acknowledged event stored once, in order). */
    public static KafkaProducer<String, byte[]> producer(PipelineConfig config) {
        return KafkaClients.of(config.kafka(), "chaos").producer("events")
                .tune(ProducerConfig.LINGER_MS_CONFIG, 20)
                .tune(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024)
                .tune(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4")
                .tune(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000)
                .require(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Limits.KAFKA_MAX_RECORD_BYTES)
                .require(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
                .require(ProducerConfig.ACKS_CONFIG, "all")
                .require(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5)
                .newProducer(new StringSerializer(), new ByteArraySerializer());
    }

    private void next(List<Pending> out) {
        String profiles = config.topics().profileEvents();
        int roll = random.nextInt(100);
        if (roll < 40 || live.isEmpty()) {
            String id = run + "-p" + sequence++;
            ObjectNode data = data(0);
            ProfileRecord record = new ProfileRecord(id, String.format("2024-03-01T09:00:00.%06d", sequence % 1_000_000), data);
            EventType type = random.nextBoolean() ? EventType.PROFILE_CREATED : EventType.PROFILE_IMPORTED;
            EventEnvelope event = EventEnvelope.of(type, type == EventType.PROFILE_CREATED ? EventSource.API
                    : EventSource.MIGRATION, id, null, record.toJson());
            out.add(new Pending(record(profiles, id, event), () -> acknowledged.profile(id, data, record.timestamp())));
            if (random.nextInt(5) == 0) {
                out.add(new Pending(record(profiles, id, event), null)); // delivered twice
            }
            live.add(id);
            current.put(id, record);
        } else if (roll < 55) {
            String id = live.get(random.nextInt(live.size()));
            ProfileRecord before = current.get(id);
            ObjectNode data = data(1 + random.nextInt(1000));
            ProfileRecord updated = new ProfileRecord(id, before.timestamp(), data);
            out.add(new Pending(record(profiles, id, EventEnvelope.of(EventType.PROFILE_UPDATED, EventSource.API, id, null,
                    updated.toJson())), () -> acknowledged.profile(id, data, before.timestamp())));
            current.put(id, updated);
            // A stale re-import of an old file must not undo the update.
            out.add(new Pending(record(profiles, id, EventEnvelope.of(EventType.PROFILE_IMPORTED, EventSource.MIGRATION, id,
                    null, new ProfileRecord(id, before.timestamp(), data(0)).toJson())), null));
        } else if (roll < 63) {
            String id = live.remove(random.nextInt(live.size()));
            current.remove(id);
            out.add(new Pending(record(profiles, id, EventEnvelope.of(EventType.PROFILE_DELETED, EventSource.API, id, null,
                    new ProfileRecord(id, null, null).toJson())), () -> acknowledged.deleted(id)));
        } else {
            int c = random.nextInt(conversationSizes.length);
            String conversation = run + "-c" + c;
            String text = conversation + " message " + conversationSizes[c]++;
            var message = new ConversationMessage(conversation, "m-" + text.replace(' ', '-'), "agent-" + random.nextInt(5),
                    text, random.nextBoolean() ? "user" : "agent", io.agentmatch.contract.events.Timestamps.now());
            EventEnvelope event = EventEnvelope.of(EventType.CONVERSATION_MESSAGE_POSTED, EventSource.API, conversation,
                    null, message.toJson());
            out.add(new Pending(record(config.topics().conversationEvents(), conversation, event),
                    () -> acknowledged.message(conversation, text)));
            if (random.nextInt(10) == 0) {
                out.add(new Pending(record(config.topics().conversationEvents(), conversation, event), null));
            }
        }
    }

    private ObjectNode data(int revision) {
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

    private static ProducerRecord<String, byte[]> record(String topic, String key, EventEnvelope event) {
        return new ProducerRecord<>(topic, key, JsonCodec.toBytes(event));
    }
}
