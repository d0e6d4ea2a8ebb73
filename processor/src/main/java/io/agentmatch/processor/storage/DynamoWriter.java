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
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The processor's only door to DynamoDB. Batches go out as BatchWriteItem (no conditions exist
 * there); writes recovered after a crash go out one by one with a version condition, so that a
 * write owed from before the crash can never replace a newer item written just before it.
 */
public final class DynamoWriter implements ItemWriter {
    private static final String VERSION_CONDITION = "attribute_not_exists(#v) OR #v <= :v";

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
        List<WriteRequest> profiles = new ArrayList<>();
        List<WriteRequest> messages = new ArrayList<>();
        for (PendingWrite write : writes) {
            (write.isProfile() ? profiles : messages).add(write.toWriteRequest());
        }
        var request = new java.util.HashMap<String, List<WriteRequest>>();
        if (!profiles.isEmpty()) {
            request.put(profileTable, profiles);
        }
        if (!messages.isEmpty()) {
            request.put(conversationTable, messages);
        }
        long start = System.nanoTime();
        return dynamo.batchWriteItem(b -> b.requestItems(request)).thenApply(response -> {
            metrics.recordDynamoWrite(System.nanoTime() - start, writes.size());
            Set<String> unprocessed = new HashSet<>();
            response.unprocessedItems().forEach((table, requests) -> requests.forEach(r -> unprocessed.add(outboxKeyOf(table, r))));
            return unprocessed;
        });
    }

    @Override
    public CompletableFuture<Void> writeConditionally(PendingWrite write) {
        Map<String, String> names = Map.of("#v", ProfileItems.VERSION);
        Map<String, AttributeValue> values = Map.of(":v", AttributeValue.fromN(Long.toString(write.version())));
        long start = System.nanoTime();
        CompletableFuture<?> call = switch (write.kind()) {
            case PROFILE_PUT -> dynamo.putItem(b -> b.tableName(profileTable).item(write.item())
                    .conditionExpression(VERSION_CONDITION).expressionAttributeNames(names).expressionAttributeValues(values));
            case PROFILE_DELETE -> dynamo.deleteItem(b -> b.tableName(profileTable).key(ProfileItems.key(write.id()))
                    .conditionExpression(VERSION_CONDITION).expressionAttributeNames(names).expressionAttributeValues(values));
            // Messages are immutable: rewriting one rewrites the same content.
            case MESSAGE_PUT -> dynamo.putItem(b -> b.tableName(conversationTable).item(write.item()));
        };
        return call.handle((ok, error) -> {
            Throwable cause = error instanceof CompletionException ? error.getCause() : error;
            if (cause != null && !(cause instanceof ConditionalCheckFailedException)) {
                throw new CompletionException(cause);
            }
            metrics.recordDynamoWrite(System.nanoTime() - start, 1);
            return null;
        });
    }

    @Override
    public String table(PendingWrite write) {
        return write.isProfile() ? profileTable : conversationTable;
    }

    private static String outboxKeyOf(String table, WriteRequest request) {
        Map<String, AttributeValue> key = request.putRequest() != null ? request.putRequest().item() : request.deleteRequest().key();
        AttributeValue conversationId = key.get(ConversationItems.CONVERSATION_ID);
        return conversationId != null
                ? "M:" + conversationId.s() + "\u0000" + key.get(ConversationItems.TIMESTAMP).s()
                : "P:" + key.get(ProfileItems.ID).s();
    }
}
