package io.agentmatch.processor.project;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmatch.contract.events.MatchProjection;
import io.agentmatch.matching.Embedder;
import io.agentmatch.matching.MatchProjections;
import io.agentmatch.matching.MatchText;
import io.agentmatch.processor.health.ProcessorMetrics;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns profile changes into match projections. The embedding is computed only when the embedded
 * text (or the model) changed: the current projection, read from the projection topic itself,
 * carries the hash of the text it was computed from. Changes wait in a changelogged pending store
 * and are embedded in batches (the model runs its inferences in parallel), so a crash between a
 * commit and an embedding loses nothing.
 */
public final class Projector implements Processor<String, byte[], String, byte[]> {
    private static final Logger LOG = LoggerFactory.getLogger(Projector.class);
    public static final String PROJECTIONS_STORE = "match-projections";
    public static final String PENDING_STORE = "projection-pending";

    private final Embedder embedder;
    private final ProcessorMetrics metrics;
    private final int batchSize;
    private final Duration flushInterval;
    private ProcessorContext<String, byte[]> context;
    private TimestampedKeyValueStore<String, byte[]> projections;
    private KeyValueStore<String, byte[]> pendingStore;
    private final Map<String, ProfileChange> pending = new LinkedHashMap<>();

    public Projector(Embedder embedder, ProcessorMetrics metrics, int batchSize, Duration flushInterval) {
        this.embedder = embedder;
        this.metrics = metrics;
        this.batchSize = batchSize;
        this.flushInterval = flushInterval;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        this.projections = context.getStateStore(PROJECTIONS_STORE);
        this.pendingStore = context.getStateStore(PENDING_STORE);
        try (KeyValueIterator<String, byte[]> it = pendingStore.all()) {
            it.forEachRemaining(entry -> pending.put(entry.key, ProfileChange.fromBytes(entry.value)));
        }
        context.schedule(flushInterval, PunctuationType.WALL_CLOCK_TIME, now -> flush());
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.key() == null || record.value() == null) {
            return;
        }
        ProfileChange change = ProfileChange.fromBytes(record.value());
        pendingStore.put(change.id(), record.value());
        pending.remove(change.id());
        pending.put(change.id(), change);
        if (pending.size() >= batchSize) {
            flush();
        }
    }

    private void flush() {
        if (pending.isEmpty()) {
            return;
        }
        List<ProfileChange> toEmbed = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        List<String> hashes = new ArrayList<>();
        int reused = 0;
        for (ProfileChange change : pending.values()) {
            if (change.deleted()) {
                // Always: the projection table lags the topic (read back after commit), so a delete
                // soon after the create would otherwise find nothing to remove. Tombstones are cheap.
                emit(change.id(), null);
                continue;
            }
            MatchProjection current = current(change.id());
            ObjectNode data = change.profile().data();
            String text = MatchText.of(data);
            String textHash = MatchText.hash(embedder.modelName(), text);
            if (current != null && textHash.equals(current.textHash())) {
                MatchProjection next = MatchProjections.of(change.id(), data, textHash, current.vector(), change.version());
                if (!next.equals(current)) {
                    emit(change.id(), next);
                }
                reused++;
            } else {
                toEmbed.add(change);
                texts.add(text);
                hashes.add(textHash);
            }
        }
        if (!texts.isEmpty()) {
            long start = System.nanoTime();
            List<float[]> vectors = embedder.embedAll(texts);
            metrics.embeddingsComputed(texts.size(), System.nanoTime() - start);
            for (int i = 0; i < toEmbed.size(); i++) {
                ProfileChange change = toEmbed.get(i);
                emit(change.id(), MatchProjections.of(change.id(), change.profile().data(), hashes.get(i), vectors.get(i),
                        change.version()));
            }
        }
        if (reused > 0) {
            metrics.embeddingsReused(reused);
        }
        pending.keySet().forEach(pendingStore::delete);
        pending.clear();
    }

    private void emit(String id, MatchProjection projection) {
        context.forward(new Record<>(id, MatchProjection.toBytes(projection), System.currentTimeMillis()));
    }

    private MatchProjection current(String id) {
        ValueAndTimestamp<byte[]> stored = projections.get(id);
        if (stored == null || stored.value() == null) {
            return null;
        }
        try {
            return MatchProjection.fromBytes(stored.value());
        } catch (IOException e) {
            LOG.warn("unreadable projection for {}: recomputing it", id);
            return null;
        }
    }

}
