package io.agentmatch.api.storage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmatch.contract.storage.ConversationItems;
import io.agentmatch.contract.storage.TableDefinitions;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.Select;

/** Reads of {@code agent-conversations}, in time order; one call is one DynamoDB page. */
public final class ConversationReader implements ConversationStore {
    private final DynamoDbClient dynamo;
    private final String table;
    private final DynamoReads reads;

    public ConversationReader(DynamoDbClient dynamo, String table, DynamoReads reads) {
        this.dynamo = dynamo;
        this.table = table;
        this.reads = reads;
    }

    @Override
    public Page<ObjectNode> messagePage(MessageFilter filter, int max, String cursor) {
        Map<String, AttributeValue> from = start(filter, cursor);
        QueryResponse page = reads.call("conversation messages", () -> dynamo.query(b -> query(b, filter, from)
                .limit(max)));
        return new Page<>(page.items().stream().map(ConversationItems::toLegacyJson).toList(),
                Cursors.encode(page.hasLastEvaluatedKey() ? page.lastEvaluatedKey() : null));
    }

    @Override
    public long count(MessageFilter filter, String cursor, long max) {
        Map<String, AttributeValue> start = start(filter, cursor);
        long count = 0;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = reads.call("the message count", () -> dynamo.query(b -> query(b, filter, from)
                    .select(Select.COUNT)));
            count += page.count();
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null && count < max);
        return Math.min(count, max);
    }

    private static Map<String, AttributeValue> start(MessageFilter filter, String cursor) {
        Set<String> key = filter.byAgent()
                ? Set.of(ConversationItems.CONVERSATION_ID, ConversationItems.TIMESTAMP, ConversationItems.AGENT_ID)
                : Set.of(ConversationItems.CONVERSATION_ID, ConversationItems.TIMESTAMP);
        return Cursors.decode(cursor, key, Map.of(attribute(filter), filter.value()));
    }

    private static String attribute(MessageFilter filter) {
        return filter.byAgent() ? ConversationItems.AGENT_ID : ConversationItems.CONVERSATION_ID;
    }

    private QueryRequest.Builder query(QueryRequest.Builder b, MessageFilter filter, Map<String, AttributeValue> from) {
        return b.tableName(table).indexName(filter.byAgent() ? TableDefinitions.AGENT_CONVERSATIONS_INDEX : null)
                .keyConditionExpression("#k = :v")
                .expressionAttributeNames(Map.of("#k", attribute(filter)))
                .expressionAttributeValues(Map.of(":v", AttributeValue.fromS(filter.value())))
                .scanIndexForward(true)
                .exclusiveStartKey(from);
    }
}
