package io.agentmatch.api.storage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmatch.contract.storage.ConversationItems;
import io.agentmatch.contract.storage.TableDefinitions;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

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
        String index = filter.byAgent() ? TableDefinitions.AGENT_CONVERSATIONS_INDEX : null;
        String attribute = filter.byAgent() ? ConversationItems.AGENT_ID : ConversationItems.CONVERSATION_ID;
        Set<String> key = filter.byAgent()
                ? Set.of(ConversationItems.CONVERSATION_ID, ConversationItems.TIMESTAMP, ConversationItems.AGENT_ID)
                : Set.of(ConversationItems.CONVERSATION_ID, ConversationItems.TIMESTAMP);
        Map<String, AttributeValue> from = Cursors.decode(cursor, key, Map.of(attribute, filter.value()));
        QueryResponse page = reads.call("conversation messages", () -> dynamo.query(b -> b
                .tableName(table).indexName(index)
                .keyConditionExpression("#k = :v")
                .expressionAttributeNames(Map.of("#k", attribute))
                .expressionAttributeValues(Map.of(":v", AttributeValue.fromS(filter.value())))
                .scanIndexForward(true)
                .exclusiveStartKey(from)
                .limit(max)));
        return new Page<>(page.items().stream().map(ConversationItems::toLegacyJson).toList(),
                Cursors.encode(page.hasLastEvaluatedKey() ? page.lastEvaluatedKey() : null));
    }
}
