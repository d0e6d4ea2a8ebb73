package io.agentmatch.processor.storage;

import io.agentmatch.processor.health.ProcessorMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
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
 * <p>Profile writes go out one by one as conditional PutItems (the version condition: a write that
 * lands late never replaces a newer item; refused by it, the write is done, counted as superseded);
 * messages go out as BatchWriteItem of up to 25. One change per item is owed (a newer change
 * replaces the pending one); at most {@code maxInFlight} DynamoDB calls per task are in flight,
 * started by the {@link Sender} as earlier ones finish, so the slots stay busy while the stream
 * thread is elsewhere. Failures back off exponentially and retry forever, in order per item; an
 * item DynamoDB rejects as invalid is dead-lettered; a failure no retry can fix (no table, access
 * denied: {@link DynamoFailures}) keeps its writes too, and is reported for {@code /ready} instead
 * of retried in silence. Not thread-safe: only the owning stream thread calls it (the Sender holds
 * calls, never outbox state).
 */
public final class Outbox {
    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);
    public static final int BATCH_SIZE = 25;
    private static final long MIN_BACKOFF_MS = 100;
    private static final long MAX_BACKOFF_MS = 5_000;
    /**
     * Calls handed to the sender per call slot: enough to keep the slots busy until the stream
     * thread is back (a poll can block for 100 ms), few enough that newer changes still replace
     * owed ones before they are sent.
     */
    static final int HANDED_OVER_PER_SLOT = 16;

    private final String name;
    private final KeyValueStore<String, byte[]> store;
    private final ItemWriter writer;
    private final BiConsumer<PendingWrite, String> deadLetter;
    private final ProcessorMetrics metrics;
    private final int maxHandedOver;
    private final Sender sender;
    private final java.util.function.LongSupplier clock;

    private final Map<String, PendingWrite> pending = new LinkedHashMap<>();
    /** Keys DynamoDB rejected in a batch: written one by one to find the invalid item. */
    private final Set<String> isolate = new HashSet<>();
    /**
     * The owed writes not handed to the sender, in the order they became due: what {@link #dispatch}
     * sends next without stepping over the writes in flight (a scan of {@link #pending} did that
     * after every event, ~7% of the stream thread under load). Always a subset of {@code pending}.
     */
    private final Set<String> unsent = new LinkedHashSet<>();
    /** Writes handed to the sender (waiting or in flight), by key: one per item at a time, in order. */
    private final Map<String, PendingWrite> inFlightKeys = new HashMap<>();
    private final Set<InFlight> inFlight = Collections.newSetFromMap(new IdentityHashMap<>());
    /** Calls handed over that have finished, as their completions arrive (any thread): {@link #harvest} takes only these. */
    private final ConcurrentLinkedQueue<InFlight> finished = new ConcurrentLinkedQueue<>();

    private long backoffMs = 0;
    private long nextAttemptAt = 0;
    private long failingSince = 0;

    /** One DynamoDB call handed to the sender: its writes, and when done the keys it did not process and how many were superseded. */
    private record InFlight(List<PendingWrite> writes, CompletableFuture<Done> done) {
    }

    private record Done(Set<String> unprocessed, int superseded) {
    }

    public Outbox(String name, KeyValueStore<String, byte[]> store, ItemWriter writer,
                  BiConsumer<PendingWrite, String> deadLetter, ProcessorMetrics metrics, int maxInFlight,
                  java.util.function.LongSupplier clock) {
        this.name = name;
        this.store = store;
        this.writer = writer;
        this.deadLetter = deadLetter;
        this.metrics = metrics;
        this.maxHandedOver = maxInFlight * HANDED_OVER_PER_SLOT;
        this.sender = new Sender(maxInFlight);
        this.clock = clock;
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            it.forEachRemaining(entry -> pending.put(entry.key, PendingWrite.fromBytes(entry.value)));
        }
        unsent.addAll(pending.keySet());
        if (!pending.isEmpty()) {
            // Safe to write again: profile writes are conditional, messages rewrite the same content.
            LOG.info("{}: {} DynamoDB writes owed from before a restart; writing them again", name, pending.size());
        }
        metrics.outboxChanged(name, pending.size());
    }

    public void add(PendingWrite write) {
        String key = write.outboxKey();
        store.put(key, write.toBytes());
        pending.put(key, write);
        if (!inFlightKeys.containsKey(key)) {
            unsent.add(key); // an owed one keeps its place; one in flight comes back when its call finishes
        }
        metrics.outboxChanged(name, pending.size());
    }

    public int size() {
        return pending.size();
    }

    /**
     * After each event: sends what has a free call slot (a profile write, a full batch of messages),
     * and holds processing while more than {@code maxOwed} writes are owed (DynamoDB slow or down),
     * bounded so the transaction stays alive.
     */
    public void afterEvent(int maxOwed) {
        if (worthSending()) {
            pump();
        }
        if (pending.size() > maxOwed) {
            drainTo(maxOwed, Duration.ofSeconds(20));
        }
    }

    /** Profile writes go one by one, so each is worth sending at once; messages wait for a full batch or the flush. */
    private boolean worthSending() {
        return pending.size() >= BATCH_SIZE || (!pending.isEmpty() && pending.values().iterator().next().isVersioned());
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

    /** Waits for a call to finish, at most 200 ms (calls handed over wait while the sender is paused). */
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
            CompletableFuture.anyOf(inFlight.stream().map(InFlight::done).toArray(CompletableFuture[]::new))
                    .get(Math.max(1, Math.min(200, (deadlineNanos - System.nanoTime()) / 1_000_000)),
                            java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (Exception ignored) {
            // finished with an error or timed out: harvest() looks at it
        }
    }

    private void harvest() {
        for (InFlight batch = finished.poll(); batch != null; batch = finished.poll()) {
            inFlight.remove(batch);
            batch.writes().forEach(w -> inFlightKeys.remove(w.outboxKey()));
            try {
                Done done = batch.done().join();
                Set<String> tables = new HashSet<>();
                for (PendingWrite write : batch.writes()) {
                    if (!done.unprocessed().contains(write.outboxKey())) {
                        acknowledge(write);
                    }
                    tables.add(writer.table(write));
                }
                tables.forEach(table -> metrics.dynamoWriteSucceeded(table, clock.getAsLong()));
                if (done.superseded() > 0) {
                    // A newer version is already in the table (a replay, or a late write): done, not an error.
                    metrics.dynamoSuperseded(done.superseded());
                }
                succeeded(done.unprocessed().size());
            } catch (CancellationException e) {
                // never sent (the outbox closed): the writes stay owed
            } catch (CompletionException e) {
                failed(batch.writes(), e.getCause() == null ? e : e.getCause());
            }
            for (PendingWrite write : batch.writes()) {
                if (pending.containsKey(write.outboxKey())) {
                    unsent.add(write.outboxKey()); // not acknowledged, or changed meanwhile: due again
                }
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
        sender.resume();
        List<PendingWrite> batch = new ArrayList<>(BATCH_SIZE);
        for (Iterator<String> it = unsent.iterator(); it.hasNext() && inFlight.size() < maxHandedOver; ) {
            String key = it.next();
            it.remove();
            PendingWrite write = pending.get(key);
            if (write.isVersioned()) {
                send(List.of(write), () -> writer.writeOne(write).thenApply(outcome ->
                        new Done(Set.of(), outcome == ItemWriter.Outcome.SUPERSEDED ? 1 : 0)));
                continue;
            }
            if (isolate.contains(key)) {
                sendBatch(List.of(write)); // a batch of one: finds the item DynamoDB refused
                continue;
            }
            batch.add(write);
            if (batch.size() == BATCH_SIZE) {
                sendBatch(batch);
                batch = new ArrayList<>(BATCH_SIZE);
            }
        }
        if (!batch.isEmpty()) {
            sendBatch(batch); // its keys left unsent: it goes even if it is one over the bound
        }
    }

    private void sendBatch(List<PendingWrite> batch) {
        send(batch, () -> writer.writeBatch(batch).thenApply(unprocessed -> new Done(unprocessed, 0)));
    }

    private void send(List<PendingWrite> writes, Supplier<CompletableFuture<Done>> call) {
        writes.forEach(w -> inFlightKeys.put(w.outboxKey(), w));
        InFlight handed = new InFlight(writes, sender.submit(call));
        inFlight.add(handed);
        handed.done().whenComplete((result, error) -> finished.add(handed));
    }

    /** Waits for writes in flight (on close), so nothing is sent twice needlessly; never required for safety. */
    public void close(Duration maxWait) {
        sender.close();
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
