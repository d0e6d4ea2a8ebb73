package io.agentmatch.processor.project;

import io.agentmatch.contract.events.Topics;
import io.agentmatch.contract.trace.Tracing;
import io.agentmatch.matching.Embedder;
import io.agentmatch.processor.health.ProcessorMetrics;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * Profile changes to match projections. A separate Streams application from the persister, so
 * that DynamoDB writes never wait for the model, and so that a replay of the persister (which
 * resets its state) keeps the projections, whose embeddings are then reused.
 */
public final class ProjectTopology {
    /**
     * The record cache of the projector's stores, bytes per instance ({@code statestore.cache.max.bytes}).
     * Only the pending store is cached: a change projected before the next commit (a reused embedding,
     * a replay, a quiet stream) then never reaches the pending store's changelog whole (at commit the
     * cache writes one small tombstone for it); what still waits at a commit is flushed before the
     * offsets commit, in the same transaction. The projection table stays uncached: it is read back
     * from its own topic.
     */
    public static final long CACHE_BYTES = 8L * 1024 * 1024;

    private ProjectTopology() {
    }

    public static Topology build(Topics topics, Embedder embedder, ProcessorMetrics metrics, int batchSize,
                                 Duration flushInterval, Properties streamsProps, Tracing tracing) {
        StreamsBuilder builder = new StreamsBuilder();

        // 1. The current projections, read back from their own compacted topic (which is also the
        //    store's changelog): they carry the text hash that decides whether to embed again.
        builder.table(topics.profileProjections(), Consumed.with(Serdes.String(), Serdes.ByteArray()),
                Materialized.<String, byte[], KeyValueStore<Bytes, byte[]>>as(Projector.PROJECTIONS_STORE)
                        .withCachingDisabled());

        // 2. Changes wait here until embedded, committed with the offsets.
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(Projector.PENDING_STORE), Serdes.String(), Serdes.ByteArray())
                .withLoggingEnabled(Map.of()).withCachingEnabled());

        // 3. Profile changes, keyed by id, co-partitioned with the projections.
        KStream<String, byte[]> projected = builder.stream(topics.profileChanges(), Consumed.with(Serdes.String(), Serdes.ByteArray()))
                // 4. Embed what changed, reuse what did not.
                .process(() -> new Projector(embedder, metrics, batchSize, flushInterval, tracing),
                        Projector.PROJECTIONS_STORE, Projector.PENDING_STORE);
        // 5. Publish; a null value removes the profile from matching.
        projected.to(topics.profileProjections(), Produced.with(Serdes.String(), Serdes.ByteArray())
                .withName(Projector.PROJECTIONS_SINK));
        // 6. A projection too large for Kafka: its change goes here with the reason, the projector goes on.
        projected.to(topics.deadLetters(), Produced.with(Serdes.String(), Serdes.ByteArray())
                .withName(Projector.DEAD_LETTER_SINK));

        // The caller runs these properties with topology.optimization=all, so the projection table
        // restores from its own topic rather than from a changelog copy.
        return builder.build(streamsProps);
    }
}
