package io.agentmatch.processor.persist;

import io.agentmatch.processor.storage.ItemWriter;
import io.agentmatch.processor.storage.PendingWrite;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** A table in memory, for topology unit tests; can be switched to fail like an unreachable DynamoDB, or with any error. */
final class InMemoryItemWriter implements ItemWriter {
    final Map<String, PendingWrite> items = new LinkedHashMap<>();
    final List<Integer> batchSizes = new ArrayList<>();
    boolean unavailable;
    /** When set, every call fails with it (DynamoDB's answer). */
    RuntimeException failure;
    int calls;

    @Override
    public synchronized CompletableFuture<Set<String>> writeBatch(List<PendingWrite> writes) {
        calls++;
        if (unavailable) {
            return CompletableFuture.failedFuture(new java.io.IOException("connection refused"));
        }
        if (failure != null) {
            return CompletableFuture.failedFuture(failure);
        }
        batchSizes.add(writes.size());
        writes.forEach(this::apply);
        return CompletableFuture.completedFuture(Set.of());
    }

    @Override
    public synchronized CompletableFuture<Void> writeConditionally(PendingWrite write) {
        calls++;
        if (unavailable) {
            return CompletableFuture.failedFuture(new java.io.IOException("connection refused"));
        }
        if (failure != null) {
            return CompletableFuture.failedFuture(failure);
        }
        PendingWrite existing = items.get(write.outboxKey());
        if (existing == null || existing.version() <= write.version()) {
            apply(write);
        }
        return CompletableFuture.completedFuture(null);
    }

    private void apply(PendingWrite write) {
        if (write.kind() == PendingWrite.Kind.PROFILE_DELETE) {
            items.remove(write.outboxKey());
        } else {
            items.put(write.outboxKey(), write);
        }
    }
}
