package io.agentmatch.processor.project;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmatch.contract.Limits;
import io.agentmatch.contract.events.MatchProjection;
import io.agentmatch.contract.trace.Traced;
import io.agentmatch.contract.trace.Tracing;
import io.agentmatch.matching.Embedder;
import io.agentmatch.matching.MatchProjections;
import io.agentmatch.matching.MatchText;
import io.agentmatch.processor.health.ProcessorMetrics;
import io.agentmatch.processor.persist.DeadLetters;
import io.opentelemetry.api.trace.SpanKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
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
 * carries the hash of the text it was computed from.
 *
 * <p>Changes wait in a changelogged pending store until their projection is forwarded, so a crash
 * at any point loses nothing (they are embedded again after the restore). They are embedded in
 * batches handed to the model's own threads ({@link Embedder#embedAllAsync}); up to
 * {@value #MAX_IN_FLIGHT} batches are in flight while this thread polls, commits and prepares the
 * next one, so the model never waits for Kafka. Batches are forwarded strictly in order, so a
 * later change (a delete, an update) is never overtaken by an earlier one.
 *
 * <p>Each change is projected under its own span, a child of the context its record carries (the
 * persister's span): started at receipt, entered again (its trace id in the MDC) when its projection
 * or dead letter is published, and ended then, so it covers the batching and the model. The
 * projection carries it as {@code traceparent}; a dead letter keeps the change's headers. A change
 * restored from the pending store after a restart has lost its headers: it is projected untraced.
 */
public final class Projector implements Processor<String, byte[], String, byte[]> {
    private static final Logger LOG = LoggerFactory.getLogger(Projector.class);
    public static final String PROJECTIONS_STORE = "match-projections";
    public static final String PENDING_STORE = "projection-pending";
    /** The topology's sinks: every record goes to one of them by name. */
    static final String PROJECTIONS_SINK = "projections-sink";
    static final String DEAD_LETTER_SINK = "projection-dead-letter-sink";
    /** Batches queued at the model per task: enough to cover a commit, few enough to bound the redo after a crash. */
    static final int MAX_IN_FLIGHT = 3;

    private final Embedder embedder;
    private final ProcessorMetrics metrics;
    private final int batchSize;
    private final Duration flushInterval;
    private final Tracing tracing;
    private ProcessorContext<String, byte[]> context;
    private TimestampedKeyValueStore<String, byte[]> projections;
    private KeyValueStore<String, byte[]> pendingStore;
    /** Changes not yet handed to a batch, by id (a newer change of an id replaces the older one). */
    private final Map<String, Pending> pending = new LinkedHashMap<>();
    private final Deque<Batch> inFlight = new ArrayDeque<>();

    public Projector(Embedder embedder, ProcessorMetrics metrics, int batchSize, Duration flushInterval, Tracing tracing) {
        this.tracing = tracing;
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
            it.forEachRemaining(entry -> pending.put(entry.key,
                    new Pending(ProfileChange.fromBytes(entry.value), entry.value, null, null, Traced.none())));
        }
        context.schedule(flushInterval, PunctuationType.WALL_CLOCK_TIME, now -> {
            forwardCompleted();
            dispatch();
        });
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.key() == null || record.value() == null) {
            return;
        }
        forwardCompleted();
        Origin origin = context.recordMetadata().map(Origin::of).orElse(null);
        Traced work = tracing.start("project " + (origin == null ? "change" : origin.topic), SpanKind.CONSUMER,
                        tracing.fromRecord(record.headers()))
                .attribute("messaging.system", "kafka")
                .attribute("messaging.operation.type", "process")
                .attribute("agentmatch.profile.id", record.key());
        try (Traced.In in = work.enter()) {
            ProfileChange change = ProfileChange.fromBytes(record.value());
            pendingStore.put(change.id(), record.value());
            Pending superseded = pending.remove(change.id());
            if (superseded != null) {
                // Never published: the newer change of the same profile is projected instead.
                superseded.work.attribute("agentmatch.superseded", "true").end();
            }
            pending.put(change.id(), new Pending(change, record.value(), origin,
                    new RecordHeaders(record.headers().toArray()), work));
            LOG.debug("change of {} (version {}) waits for its projection", change.id(), change.version());
            if (pending.size() >= batchSize) {
                dispatch();
            }
        }
    }

    @Override
    public void close() {
        // Whatever is still in flight stays in the pending store: the next owner of the task embeds it.
        inFlight.forEach(batch -> batch.vectors.cancel(false));
        inFlight.clear();
    }

    /** Hands the pending changes to the model as one batch; waits for the oldest batch when too many are out. */
    private void dispatch() {
        if (pending.isEmpty()) {
            return;
        }
        List<Output> outputs = new ArrayList<>(pending.size());
        List<String> texts = new ArrayList<>();
        int reused = 0;
        for (Pending next : pending.values()) {
            ProfileChange change = next.change;
            if (change.deleted()) {
                // Always: the projection table lags the topic (read back after commit), so a delete
                // soon after the create would otherwise find nothing to remove. Tombstones are cheap.
                outputs.add(new Output(next, null, null, -1));
                continue;
            }
            MatchProjection current = current(change.id());
            ObjectNode data = change.profile().data();
            String text = MatchText.of(data);
            String textHash = MatchText.hash(embedder.modelName(), text);
            if (current != null && textHash.equals(current.textHash())) {
                MatchProjection projection = MatchProjections.of(change.id(), data, textHash, current.vector(), change.version());
                // Unchanged answer fields too: nothing to publish, but the change still leaves the pending store.
                outputs.add(new Output(next, projection.equals(current) ? current : projection, textHash, -1));
                reused++;
            } else {
                outputs.add(new Output(next, null, textHash, texts.size()));
                texts.add(text);
            }
        }
        pending.clear();
        if (reused > 0) {
            metrics.embeddingsReused(reused);
        }
        long started = System.nanoTime();
        CompletableFuture<List<float[]>> vectors = texts.isEmpty()
                ? CompletableFuture.completedFuture(List.of()) : embedder.embedAllAsync(texts);
        inFlight.add(new Batch(outputs, vectors, texts.size(), started));
        while (inFlight.size() > MAX_IN_FLIGHT) {
            forward(inFlight.poll());
        }
        forwardCompleted();
    }

    private void forwardCompleted() {
        while (!inFlight.isEmpty() && inFlight.peek().vectors.isDone()) {
            forward(inFlight.poll());
        }
    }

    private void forward(Batch batch) {
        List<float[]> vectors;
        try {
            vectors = batch.vectors.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
        }
        if (batch.computed > 0) {
            metrics.embeddingsComputed(batch.computed, System.nanoTime() - batch.started);
        }
        for (Output output : batch.outputs) {
            ProfileChange change = output.pending.change;
            Traced work = output.pending.work;
            try (Traced.In in = work.enter()) {
                if (change.deleted()) {
                    emit(output.pending, null);
                } else if (output.vectorIndex >= 0) {
                    emit(output.pending, MatchProjections.of(change.id(), change.profile().data(), output.textHash,
                            vectors.get(output.vectorIndex), change.version()));
                } else if (output.reused != null && !output.reused.equals(current(change.id()))) {
                    emit(output.pending, output.reused);
                } else {
                    LOG.debug("projection of {} (version {}) unchanged: nothing to publish", change.id(), change.version());
                }
                // A newer change of the same profile may be waiting: it keeps its place in the store.
                if (Arrays.equals(pendingStore.get(change.id()), output.pending.bytes)) {
                    pendingStore.delete(change.id());
                }
            } finally {
                work.end();
            }
        }
    }

    /**
     * Publishes the projection, or, when it is too large for a Kafka record (a record too large to
     * produce would abort the transaction at every retry and so stop every later profile from becoming
     * matchable), removes the profile from matching and dead-letters its change with the reason.
     */
    private void emit(Pending source, MatchProjection projection) {
        String id = source.change.id();
        byte[] value = MatchProjection.toBytes(projection);
        long size = Limits.recordBytes(id.getBytes(StandardCharsets.UTF_8), value, Limits.TRACE_HEADER_BYTES);
        if (size > Limits.KAFKA_MAX_RECORD_BYTES) {
            String reason = "match projection too large: " + size + " bytes with its embedding, Kafka's record limit is "
                    + Limits.KAFKA_MAX_RECORD_BYTES + "; the profile is stored but not matchable";
            LOG.warn("dead-lettering the change of {} (version {}): {}", id, source.change.version(), reason);
            source.work.fail("dead-lettered: " + reason);
            Origin origin = source.origin != null ? source.origin : new Origin("unknown (restored)", -1, -1);
            context.forward(new Record<>(id, source.bytes, System.currentTimeMillis(),
                    DeadLetters.headers(source.headers, reason, origin.topic, origin.partition, origin.offset)), DEAD_LETTER_SINK);
            metrics.deadLettered(origin.topic);
            value = null;
        }
        LOG.debug("{} the projection of {} (version {})", value == null ? "removed" : "published", id, source.change.version());
        context.forward(new Record<>(id, value, System.currentTimeMillis(), source.work.recordHeaders()), PROJECTIONS_SINK);
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

    /**
     * A change waiting for its projection, with the bytes it is stored under, where it was read and the
     * headers it came with (null when restored), and its span.
     */
    private record Pending(ProfileChange change, byte[] bytes, Origin origin, Headers headers, Traced work) {
    }

    private record Origin(String topic, int partition, long offset) {
        static Origin of(org.apache.kafka.streams.processor.api.RecordMetadata metadata) {
            return new Origin(metadata.topic(), metadata.partition(), metadata.offset());
        }
    }

    /**
     * What one change turns into: a tombstone (deleted), a reused projection, or the vector at
     * {@code vectorIndex} of its batch.
     */
    private record Output(Pending pending, MatchProjection reused, String textHash, int vectorIndex) {
    }

    private record Batch(List<Output> outputs, CompletableFuture<List<float[]>> vectors, int computed, long started) {
    }
}
