package io.agentmatch.api.storage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmatch.contract.storage.ConversationItems;
import io.agentmatch.contract.storage.TableDefinitions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/** Reads of {@code agent-conversations}, in time order, every page unless a limit is asked for. */
public final class ConversationReader {
    private final DynamoDbClient dynamo;
    private final String table;
    private final DynamoReads reads;

    public ConversationReader(DynamoDbClient dynamo, String table, DynamoReads reads) {
        this.dynamo = dynamo;
        this.table = table;
        this.reads = reads;
    }

    public Page<ObjectNode> byConversation(String conversationId, int limit, String cursor) {
        return query(null, ConversationItems.CONVERSATION_ID, conversationId, limit, cursor);
    }

    public Page<ObjectNode> byAgent(String agentId, int limit, String cursor) {
        return query(TableDefinitions.AGENT_CONVERSATIONS_INDEX, ConversationItems.AGENT_ID, agentId, limit, cursor);
    }

    private Page<ObjectNode> query(String index, String attribute, String value, int limit, String cursor) {
        List<ObjectNode> messages = new ArrayList<>();
        Map<String, AttributeValue> start = Cursors.decode(cursor);
        do {
            Map<String, AttributeValue> from = start;
            int remaining = limit == 0 ? 0 : limit - messages.size();
            QueryResponse page = reads.call("conversation messages", () -> dynamo.query(b -> {
                b.tableName(table).indexName(index)
                        .keyConditionExpression("#k = :v")
                        .expressionAttributeNames(Map.of("#k", attribute))
                        .expressionAttributeValues(Map.of(":v", AttributeValue.fromS(value)))
                        .scanIndexForward(true)
                        .exclusiveStartKey(from);
                if (remaining > 0) {
                    b.limit(remaining);
                }
            }));
            page.items().forEach(item -> messages.add(ConversationItems.toLegacyJson(item)));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null && (limit == 0 || messages.size() < limit));
        return new Page<>(messages, Cursors.encode(start));
    }
}
