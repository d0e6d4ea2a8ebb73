package io.agentmatch.processor.persist;

import io.agentmatch.processor.storage.ItemWriter;
import io.agentmatch.processor.storage.PendingWrite;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A table in memory with DynamoDB's semantics, for topology unit tests: a batch writes
 * unconditionally (BatchWriteItem has no conditions), a single versioned write is refused when
 * the item holds a newer version, a delete's tombstone stays. Records every call's shape; can fail
 * like an unreachable DynamoDB or with any error, or hold calls open (gated) to count what is in flight.
 */
final class InMemoryItemWriter implements ItemWriter {
    enum Shape { BATCH, ONE }

    /** One call as the writer received it. */
    record Call(Shape shape, List<PendingWrite> writes) {
    }

    /** The stored write per outbox key; a PROFILE_DELETE is the tombstone. */
    final Map<String, PendingWrite> items = new LinkedHashMap<>();
    final List<Call> calls = new ArrayList<>();
    /** Every write that changed the table, in order (what a reader polling the table could have seen). */
    final List<PendingWrite> history = new ArrayList<>();
    final List<Integer> batchSizes = new ArrayList<>();
    boolean unavailable;
    /** When set, every call fails with it (DynamoDB's answer). */
    RuntimeException failure;
    boolean gated;
    private final List<Runnable> held = new ArrayList<>();
    int superseded;
    int maxOpen;
    private int open;

    @Override
    public synchronized CompletableFuture<Set<String>> writeBatch(List<PendingWrite> writes) {
        calls.add(new Call(Shape.BATCH, List.copyOf(writes)));
        if (unavailable) {
            return CompletableFuture.failedFuture(new java.io.IOException("connection refused"));
        }
        if (failure != null) {
            return CompletableFuture.failedFuture(failure);
        }
        batchSizes.add(writes.size());
        return answer(() -> {
            writes.forEach(this::apply);
            return Set.<String>of();
        });
    }

    @Override
    public synchronized CompletableFuture<Outcome> writeOne(PendingWrite write) {
        calls.add(new Call(Shape.ONE, List.of(write)));
        if (unavailable) {
            return CompletableFuture.failedFuture(new java.io.IOException("connection refused"));
        }
        if (failure != null) {
            return CompletableFuture.failedFuture(failure);
        }
        return answer(() -> {
            PendingWrite existing = items.get(write.outboxKey());
            if (write.isVersioned() && existing != null && existing.version() > write.version()) {
                superseded++;
                return Outcome.SUPERSEDED;
            }
            apply(write);
            return Outcome.WRITTEN;
        });
    }

    /** The stored item of a profile; null when absent or a tombstone. */
    synchronized PendingWrite live(String id) {
        PendingWrite write = items.get("P:" + id);
        return write == null || write.kind() == PendingWrite.Kind.PROFILE_DELETE ? null : write;
    }

    synchronized void release() {
        gated = false;
        List<Runnable> now = new ArrayList<>(held);
        held.clear();
        now.forEach(Runnable::run);
    }

    private <T> CompletableFuture<T> answer(java.util.function.Supplier<T> effect) {
        open++;
        maxOpen = Math.max(maxOpen, open);
        CompletableFuture<T> future = new CompletableFuture<>();
        Runnable complete = () -> {
            open--;
            future.complete(effect.get());
        };
        if (gated) {
            held.add(complete);
        } else {
            complete.run();
        }
        return future;
    }

    private void apply(PendingWrite write) {
        items.put(write.outboxKey(), write);
        history.add(write);
    }
}
