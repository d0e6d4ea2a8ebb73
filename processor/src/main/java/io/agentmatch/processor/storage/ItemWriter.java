package io.agentmatch.processor.storage;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** Where owed writes go: DynamoDB in production ({@link DynamoWriter}). */
public interface ItemWriter {

    /** What became of one write: stored, or refused because the item already holds a newer version. */
    enum Outcome { WRITTEN, SUPERSEDED }

    /**
     * Writes at most 25 unversioned changes (messages), at most one per item, unconditionally;
     * completes with the outbox keys not processed. Never given a profile write.
     */
    CompletableFuture<Set<String>> writeBatch(List<PendingWrite> writes);

    /** The table {@code write} goes to, as operators know it (health and logs name it). */
    default String table(PendingWrite write) {
        return write.isProfile() ? "profiles" : "conversations";
    }

    /**
     * Writes one profile change (put or tombstone) under the version condition, completing with
     * SUPERSEDED when the item already holds a newer version. Messages never come here: they go by
     * {@link #writeBatch}, a batch of one when an invalid item is being isolated.
     */
    CompletableFuture<Outcome> writeOne(PendingWrite write);
}
