package io.agentmatch.processor.storage;

import io.agentmatch.contract.storage.ConversationItems;
import io.agentmatch.contract.storage.ProfileItems;
import io.agentmatch.processor.health.ProcessorMetrics;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The processor's only door to DynamoDB. Profile writes (puts and the tombstones deletes leave) go
 * out one by one as PutItem under the version condition ({@link ProfileItems#NOT_NEWER}):
 * BatchWriteItem has no conditions, and a write that lands late (from an instance that lost its
 * partitions, after a client timeout, or replayed from offset 0) must never replace a newer item
 * nor bring a deleted profile back. Messages are immutable (a conversation key always holds the
 * same message), so they keep the cheaper unconditional BatchWriteItem.
 *
 * <p>The SDK builds, marshals and signs a request on the calling thread, about as much CPU per
 * PutItem as the stream thread spends on the event itself: calls start on a sender thread of
 * their own, so the stream thread only hands writes over (the outbox bounds how many).
 */
public final class DynamoWriter implements ItemWriter, AutoCloseable {
    /** Half the cores, 1 to 4: measured on 2 cores, one sender thread was busy ~15% of the time at 570 puts/s. */
    private final ExecutorService sender = Executors.newFixedThreadPool(
            Math.min(4, Math.max(1, Runtime.getRuntime().availableProcessors() / 2)), runnable -> {
                Thread thread = new Thread(runnable, "dynamodb-sender");
                thread.setDaemon(true);
                return thread;
            });
    private final DynamoDbAsyncClient dynamo;
    private final String profileTable;
    private final String conversationTable;
    private final ProcessorMetrics metrics;

    public DynamoWriter(DynamoDbAsyncClient dynamo, String profileTable, String conversationTable,
                        ProcessorMetrics metrics) {
        this.dynamo = dynamo;
        this.profileTable = profileTable;
        this.conversationTable = conversationTable;
        this.metrics = metrics;
    }

    @Override
    public CompletableFuture<Set<String>> writeBatch(List<PendingWrite> writes) {
        long start = System.nanoTime();
        return onSender(() -> {
            List<WriteRequest> messages = new ArrayList<>(writes.size());
            for (PendingWrite write : writes) {
                messages.add(write.toWriteRequest());
            }
            return dynamo.batchWriteItem(b -> b.requestItems(Map.of(conversationTable, messages)));
        }).thenApply(response -> {
            metrics.recordDynamoWrite(System.nanoTime() - start, writes.size());
            Set<String> unprocessed = new HashSet<>();
            response.unprocessedItems().forEach((table, requests) -> requests.forEach(r -> unprocessed.add(outboxKeyOf(r))));
            return unprocessed;
        });
    }

    @Override
    public CompletableFuture<Outcome> writeOne(PendingWrite write) {
        long start = System.nanoTime();
        if (!write.isVersioned()) {
            // Messages always go as BatchWriteItem (a batch of one to isolate an invalid item): the
            // processor's IAM policy grants exactly that on the conversation table.
            throw new IllegalArgumentException("writeOne takes versioned profile writes, not " + write.kind());
        }
        CompletableFuture<?> call = onSender(() -> dynamo.putItem(ProfileItems.versionedPut(profileTable, write.item())));
        return call.handle((ok, error) -> {
            Throwable cause = error instanceof CompletionException ? error.getCause() : error;
            if (cause instanceof ConditionalCheckFailedException) {
                return Outcome.SUPERSEDED;
            }
            if (cause != null) {
                throw new CompletionException(cause);
            }
            metrics.recordDynamoWrite(System.nanoTime() - start, 1);
            return Outcome.WRITTEN;
        });
    }

    @Override
    public String table(PendingWrite write) {
        return write.isProfile() ? profileTable : conversationTable;
    }

    /** Starts a call on the sender thread; an error building it fails the future like a failed call. */
    private <T> CompletableFuture<T> onSender(Supplier<CompletableFuture<T>> call) {
        return CompletableFuture.supplyAsync(call, sender).thenCompose(Function.identity());
    }

    @Override
    public void close() {
        sender.shutdown();
    }

    private static String outboxKeyOf(WriteRequest request) {
        Map<String, AttributeValue> item = request.putRequest().item();
        return "M:" + item.get(ConversationItems.CONVERSATION_ID).s() + "\u0000" + item.get(ConversationItems.TIMESTAMP).s();
    }
}
