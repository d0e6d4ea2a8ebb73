package io.agentmatch.processor.persist;

import io.agentmatch.contract.events.Topics;
import io.agentmatch.contract.trace.Traced;
import io.agentmatch.contract.trace.Tracing;
import io.agentmatch.processor.health.ProcessorMetrics;
import io.agentmatch.processor.storage.ItemWriter;
import io.opentelemetry.api.trace.SpanKind;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.Stores;

/**
 * Events to DynamoDB. Values stay bytes until the persisters parse them, so that an unparseable
 * record becomes a dead letter instead of a dead stream thread.
 */
public final class PersistTopology {
    /**
     * The record cache of the persister's stores, bytes per instance ({@code statestore.cache.max.bytes}).
     * Only the outboxes are cached: an owed write that DynamoDB acknowledges before the next commit
     * then never reaches the outbox's changelog as the whole item (at commit the cache writes one
     * small tombstone for it). What is still owed at a commit is flushed before the offsets commit,
     * in the same transaction, so the outbox's guarantee is unchanged. 100 ms of writes at 1,000/s
     * is well under this; a full cache flushes early, as without it.
     */
    public static final long CACHE_BYTES = 8L * 1024 * 1024;

    private PersistTopology() {
    }

    /** The span of one event's processing: a child of the context its record carries (a new trace without one). */
    static Traced persistSpan(Tracing tracing, Record<String, byte[]> record, RecordMetadata origin) {
        return tracing.start("persist " + origin.topic(), SpanKind.CONSUMER, tracing.fromRecord(record.headers()))
                .attribute("messaging.system", "kafka")
                .attribute("messaging.operation.type", "process")
                .attribute("messaging.destination.name", origin.topic())
                .attribute("messaging.destination.partition.id", Integer.toString(origin.partition()))
                .attribute("messaging.kafka.offset", origin.offset());
    }

    public static Topology build(Topics topics, ItemWriter writer, ProcessorMetrics metrics, PersistSettings settings,
                                 Tracing tracing) {
        Topology topology = new Topology();

        // 1. Profile events, keyed by profile id: one partition holds all events of a profile, in order.
        topology.addSource("profile-events", new StringDeserializer(), new ByteArrayDeserializer(), topics.profileEvents());

        // 2. Fold each into the ledger and owe DynamoDB the resulting item (the outbox commits with the offset).
        topology.addProcessor("profile-persister", () -> new ProfilePersister(writer, metrics, settings, tracing), "profile-events");
        topology.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(ProfilePersister.LEDGER_STORE), Serdes.String(), Serdes.ByteArray()),
                "profile-persister");
        topology.addStateStore(Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(ProfilePersister.OUTBOX_STORE), Serdes.String(), Serdes.ByteArray())
                .withLoggingEnabled(Map.of()).withCachingEnabled(), "profile-persister");
        // Keys held behind a newer producer's event, and the events waiting behind it (KeyHolds).
        topology.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(ProfilePersister.HELD_STORE), Serdes.String(), Serdes.ByteArray()),
                "profile-persister");

        // 3. Applied changes go to the projector, which embeds them on its own time.
        topology.addSink(ProfilePersister.CHANGES_SINK, topics.profileChanges(), new StringSerializer(),
                new ByteArraySerializer(), "profile-persister");

        // 4. Conversation events, keyed by conversation id: one partition holds a conversation, in order.
        topology.addSource("conversation-events", new StringDeserializer(), new ByteArrayDeserializer(),
                topics.conversationEvents());

        // 5. Drop retried messages, order the rest, owe DynamoDB the items.
        topology.addProcessor("conversation-persister", () -> new ConversationPersister(writer, metrics, settings, tracing),
                "conversation-events");
        topology.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(ConversationPersister.LAST_TIMESTAMP_STORE), Serdes.String(), Serdes.String()),
                "conversation-persister");
        topology.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(ConversationPersister.SEEN_STORE), Serdes.String(), Serdes.String()),
                "conversation-persister");
        topology.addStateStore(Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(ConversationPersister.OUTBOX_STORE), Serdes.String(), Serdes.ByteArray())
                .withLoggingEnabled(Map.of()).withCachingEnabled(), "conversation-persister");
        topology.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(ConversationPersister.HELD_STORE), Serdes.String(), Serdes.ByteArray()),
                "conversation-persister");

        // 6. Events that can never apply, from either side, with the reason and origin in headers.
        topology.addSink(DeadLetters.SINK, topics.deadLetters(), new StringSerializer(), new ByteArraySerializer(),
                "profile-persister", "conversation-persister");
        return topology;
    }
}
