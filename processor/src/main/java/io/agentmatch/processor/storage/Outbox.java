package io.agentmatch.processor.storage;

import io.agentmatch.processor.health.ProcessorMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BiConsumer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkServiceException;

/**
 * The DynamoDB writes a stream task owes, kept in a changelogged state store until DynamoDB
 * acknowledged them. DynamoDB is outside Kafka's transaction; the outbox is inside it: the event's
 * offset, the fold's new state and the owed write are committed atomically, and an entry leaves
 * the outbox only after DynamoDB acknowledged it. So a crash at any instant loses nothing (the
 * restored outbox is written again) and offsets are never committed for unwritten events.
 *
 * <p>Writes go out as BatchWriteItem of up to 25 (one change per item: a newer change replaces
 * the pending one), several batches in flight. Failures back off exponentially and retry forever,
 * in order per item; an item DynamoDB rejects as invalid is dead-lettered; a failure no retry can
 * fix (no table, access denied: {@link DynamoFailures}) keeps its writes too, and is reported for
 * {@code /ready} instead of retried in silence. Not thread-safe: only the owning stream thread calls it.
 */
public final class Outbox {
    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);
    public static final int BATCH_SIZE = 25;
    private static final long MIN_BACKOFF_MS = 100;
    private static final long MAX_BACKOFF_MS = 5_000;

    private final String name;
    private final KeyValueStore<String, byte[]> store;
    private final ItemWriter writer;
    private final BiConsumer<PendingWrite, String> deadLetter;
    private final ProcessorMetrics metrics;
    private final int maxInFlight;
    private final java.util.function.LongSupplier clock;

    private final Map<String, PendingWrite> pending = new LinkedHashMap<>();
    /** Keys restored from the changelog: written one by one, conditionally. */
    private final Set<String> recovered = new HashSet<>();
    /** Keys DynamoDB rejected in a batch: written one by one to find the invalid item. */
    private final Set<String> isolate = new HashSet<>();
    private final Map<String, PendingWrite> inFlightKeys = new LinkedHashMap<>();
    private final List<InFlight> inFlight = new ArrayList<>();

    private long backoffMs = 0;
    private long nextAttemptAt = 0;
    private long failingSince = 0;

    private record InFlight(List<PendingWrite> writes, CompletableFuture<Set<String>> unprocessed) {
    }

    public Outbox(String name, KeyValueStore<String, byte[]> store, ItemWriter writer,
                  BiConsumer<PendingWrite, String> deadLetter, ProcessorMetrics metrics, int maxInFlight,
                  java.util.function.LongSupplier clock) {
        this.name = name;
        this.store = store;
        this.writer = writer;
        this.deadLetter = deadLetter;
        this.metrics = metrics;
        this.maxInFlight = maxInFlight;
        this.clock = clock;
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            it.forEachRemaining(entry -> {
                pending.put(entry.key, PendingWrite.fromBytes(entry.value));
                recovered.add(entry.key);
            });
        }
        if (!recovered.isEmpty()) {
            LOG.info("{}: {} DynamoDB writes owed from before a restart; writing them again", name, recovered.size());
        }
        metrics.outboxChanged(name, pending.size());
    }

    public void add(PendingWrite write) {
        String key = write.outboxKey();
        store.put(key, write.toBytes());
        pending.put(key, write);
        // A newer change for the key supersedes the recovered one: it is a normal write again.
        recovered.remove(key);
        metrics.outboxChanged(name, pending.size());
    }

    public int size() {
        return pending.size();
    }

    /**
     * After each event: sends a full batch at once, and holds processing while more than
     * {@code maxOwed} writes are owed (DynamoDB slow or down), bounded so the transaction stays alive.
     */
    public void afterEvent(int maxOwed) {
        if (pending.size() >= BATCH_SIZE) {
            pump();
        }
        if (pending.size() > maxOwed) {
            drainTo(maxOwed, Duration.ofSeconds(20));
        }
    }

    /** Collects finished writes and sends what is due, without waiting. */
    public void pump() {
        harvest();
        dispatch();
    }

    /** Blocks until at most {@code limit} writes are owed, or until the deadline passes. */
    public void drainTo(int limit, Duration maxWait) {
        long deadline = System.nanoTime() + maxWait.toNanos();
        pump();
        while (pending.size() > limit && System.nanoTime() < deadline) {
            awaitAnyInFlight(deadline);
            pump();
        }
    }

    private void awaitAnyInFlight(long deadlineNanos) {
        if (inFlight.isEmpty()) {
            long sleepMs = Math.max(1, Math.min(nextAttemptAt - clock.getAsLong(),
                    (deadlineNanos - System.nanoTime()) / 1_000_000));
            try {
                Thread.sleep(Math.min(sleepMs, 200));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        try {
            CompletableFuture.anyOf(inFlight.stream().map(InFlight::unprocessed).toArray(CompletableFuture[]::new))
                    .get(Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (Exception ignored) {
            // finished with an error or timed out: harvest() looks at it
        }
    }

    private void harvest() {
        for (Iterator<InFlight> it = inFlight.iterator(); it.hasNext(); ) {
            InFlight batch = it.next();
            if (!batch.unprocessed().isDone()) {
                continue;
            }
            it.remove();
            batch.writes().forEach(w -> inFlightKeys.remove(w.outboxKey()));
            try {
                Set<String> unprocessed = batch.unprocessed().join();
                Set<String> tables = new HashSet<>();
                for (PendingWrite write : batch.writes()) {
                    if (!unprocessed.contains(write.outboxKey())) {
                        acknowledge(write);
                    }
                    tables.add(writer.table(write));
                }
                tables.forEach(table -> metrics.dynamoWriteSucceeded(table, clock.getAsLong()));
                succeeded(unprocessed.size());
            } catch (CompletionException e) {
                failed(batch.writes(), e.getCause() == null ? e : e.getCause());
            }
        }
        metrics.outboxChanged(name, pending.size());
    }

    private void acknowledge(PendingWrite write) {
        String key = write.outboxKey();
        PendingWrite current = pending.get(key);
        // Only the acknowledged version leaves: a newer change that arrived meanwhile is still owed.
        if (current != null && current.version() == write.version() && current.kind() == write.kind()) {
            pending.remove(key);
            store.delete(key);
            recovered.remove(key);
            isolate.remove(key);
        }
    }

    private void succeeded(int unprocessed) {
        if (failingSince != 0) {
            LOG.info("{}: DynamoDB writes succeed again after {} ms; {} writes owed", name,
                    clock.getAsLong() - failingSince, pending.size());
            failingSince = 0;
        }
        if (unprocessed > 0) {
            // DynamoDB's way of throttling a batch: back off a little, the items stay owed.
            metrics.dynamoRetry("unprocessed");
            backoffMs = Math.min(MAX_BACKOFF_MS, Math.max(MIN_BACKOFF_MS, backoffMs * 2));
            nextAttemptAt = clock.getAsLong() + backoffMs;
        } else {
            backoffMs = 0;
        }
    }

    private void failed(List<PendingWrite> writes, Throwable cause) {
        DynamoFailures.Kind kind = DynamoFailures.classify(cause);
        if (kind == DynamoFailures.Kind.INVALID_ITEM) {
            if (writes.size() == 1) {
                PendingWrite write = writes.get(0);
                String reason = "DynamoDB rejected the item: " + cause.getMessage();
                LOG.warn("{}: dead-lettering write for {} (source {}-{}@{}): {}", name, write.outboxKey(),
                        write.sourceTopic(), write.sourcePartition(), write.sourceOffset(), reason);
                deadLetter.accept(write, reason);
                pending.remove(write.outboxKey());
                store.delete(write.outboxKey());
                recovered.remove(write.outboxKey());
                isolate.remove(write.outboxKey());
            } else {
                writes.forEach(w -> isolate.add(w.outboxKey()));
            }
            return;
        }
        metrics.dynamoRetry(cause.getClass().getSimpleName());
        backoffMs = Math.min(MAX_BACKOFF_MS, Math.max(MIN_BACKOFF_MS, backoffMs * 2));
        nextAttemptAt = clock.getAsLong() + backoffMs;
        if (kind == DynamoFailures.Kind.PERMANENT) {
            // Logged there once per table and interval, for all outboxes, and shown by /ready.
            metrics.dynamoPermanentFailure(writer.table(writes.get(0)), DynamoFailures.describe(cause), clock.getAsLong());
            failingSince = failingSince == 0 ? clock.getAsLong() : failingSince;
        } else if (failingSince == 0) {
            failingSince = clock.getAsLong();
            LOG.warn("{}: DynamoDB write failed ({}); {} writes owed, retrying with backoff until it succeeds",
                    name, describe(cause), pending.size());
        }
    }

    private void dispatch() {
        if (clock.getAsLong() < nextAttemptAt) {
            return;
        }
        List<PendingWrite> batch = new ArrayList<>(BATCH_SIZE);
        for (PendingWrite write : pending.values()) {
            if (inFlight.size() >= maxInFlight) {
                break;
            }
            String key = write.outboxKey();
            if (inFlightKeys.containsKey(key)) {
                continue;
            }
            if (recovered.contains(key) || isolate.contains(key)) {
                send(List.of(write), writer.writeConditionally(write).thenApply(ignored -> Set.of()));
                continue;
            }
            batch.add(write);
            if (batch.size() == BATCH_SIZE) {
                send(batch, writer.writeBatch(batch));
                batch = new ArrayList<>(BATCH_SIZE);
            }
        }
        if (!batch.isEmpty() && inFlight.size() < maxInFlight) {
            send(batch, writer.writeBatch(batch));
        }
    }

    private void send(List<PendingWrite> writes, CompletableFuture<Set<String>> future) {
        writes.forEach(w -> inFlightKeys.put(w.outboxKey(), w));
        inFlight.add(new InFlight(writes, future));
    }

    /** Waits for writes in flight (on close), so nothing is sent twice needlessly; never required for safety. */
    public void close(Duration maxWait) {
        long deadline = System.nanoTime() + maxWait.toNanos();
        while (!inFlight.isEmpty() && System.nanoTime() < deadline) {
            awaitAnyInFlight(deadline);
            harvest();
        }
        // What is still owed stays in the store for the task's next owner, which reports it.
        metrics.outboxClosed(name);
    }

    private static String describe(Throwable cause) {
        if (cause instanceof SdkServiceException e) {
            return "HTTP " + e.statusCode() + " " + e.getMessage();
        }
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }
}
