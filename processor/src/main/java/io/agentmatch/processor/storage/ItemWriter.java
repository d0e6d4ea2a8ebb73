package io.agentmatch.processor.storage;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** Where owed writes go: DynamoDB in production ({@link DynamoWriter}). */
public interface ItemWriter {
    /** Writes at most 25 changes, at most one per item; completes with the outbox keys not processed. */
    CompletableFuture<Set<String>> writeBatch(List<PendingWrite> writes);

    /** Writes one change, unless the item already holds a newer version (which counts as done). */
    CompletableFuture<Void> writeConditionally(PendingWrite write);

    /** The table {@code write} goes to, as operators know it (health and logs name it). */
    default String table(PendingWrite write) {
        return write.isProfile() ? "profiles" : "conversations";
    }
}
