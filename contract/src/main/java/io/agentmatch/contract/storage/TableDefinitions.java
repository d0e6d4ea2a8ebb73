package io.agentmatch.contract.storage;

import io.agentmatch.contract.config.PipelineConfig;
import io.agentmatch.contract.config.PipelineConfig.BillingMode;
import java.util.List;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughput;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The two tables exactly as the owners' migration guide defines them: {@code agent-profiles} (key
 * {@code id}; GSIs {@code job-index} on {@code job}, {@code location-index} on
 * {@code location_city}) and {@code agent-conversations} (key {@code conversation_id} +
 * {@code timestamp}; GSI {@code agent-conversations-index} on {@code agent_id} + {@code timestamp}).
 * PROVISIONED uses the guide's capacities: 10/10 for tables, 5/5 for each GSI.
 */
public final class TableDefinitions {
    public static final String JOB_INDEX = "job-index";
    public static final String LOCATION_INDEX = "location-index";
    public static final String AGENT_CONVERSATIONS_INDEX = "agent-conversations-index";

    private static final ProvisionedThroughput TABLE_CAPACITY = ProvisionedThroughput.builder()
            .readCapacityUnits(10L).writeCapacityUnits(10L).build();
    private static final ProvisionedThroughput INDEX_CAPACITY = ProvisionedThroughput.builder()
            .readCapacityUnits(5L).writeCapacityUnits(5L).build();

    private TableDefinitions() {
    }

    public static List<CreateTableRequest> all(PipelineConfig config) {
        return List.of(profiles(config.profileTable(), config.billingMode()),
                conversations(config.conversationTable(), config.billingMode()));
    }

    public static CreateTableRequest profiles(String name, BillingMode billing) {
        return table(name, billing,
                List.of(attribute(ProfileItems.ID), attribute(ProfileItems.JOB), attribute(ProfileItems.LOCATION_CITY)),
                List.of(key(ProfileItems.ID, KeyType.HASH)),
                List.of(index(JOB_INDEX, billing, key(ProfileItems.JOB, KeyType.HASH)),
                        index(LOCATION_INDEX, billing, key(ProfileItems.LOCATION_CITY, KeyType.HASH))));
    }

    public static CreateTableRequest conversations(String name, BillingMode billing) {
        return table(name, billing,
                List.of(attribute(ConversationItems.CONVERSATION_ID), attribute(ConversationItems.TIMESTAMP),
                        attribute(ConversationItems.AGENT_ID)),
                List.of(key(ConversationItems.CONVERSATION_ID, KeyType.HASH), key(ConversationItems.TIMESTAMP, KeyType.RANGE)),
                List.of(index(AGENT_CONVERSATIONS_INDEX, billing,
                        key(ConversationItems.AGENT_ID, KeyType.HASH), key(ConversationItems.TIMESTAMP, KeyType.RANGE))));
    }

    private static CreateTableRequest table(String name, BillingMode billing, List<AttributeDefinition> attributes,
                                            List<KeySchemaElement> keys, List<GlobalSecondaryIndex> indexes) {
        var builder = CreateTableRequest.builder()
                .tableName(name)
                .attributeDefinitions(attributes)
                .keySchema(keys)
                .globalSecondaryIndexes(indexes);
        return billing == BillingMode.PROVISIONED
                ? builder.billingMode(software.amazon.awssdk.services.dynamodb.model.BillingMode.PROVISIONED)
                        .provisionedThroughput(TABLE_CAPACITY).build()
                : builder.billingMode(software.amazon.awssdk.services.dynamodb.model.BillingMode.PAY_PER_REQUEST).build();
    }

    private static GlobalSecondaryIndex index(String name, BillingMode billing, KeySchemaElement... keys) {
        var builder = GlobalSecondaryIndex.builder()
                .indexName(name)
                .keySchema(keys)
                .projection(Projection.builder().projectionType(ProjectionType.ALL).build());
        return billing == BillingMode.PROVISIONED ? builder.provisionedThroughput(INDEX_CAPACITY).build() : builder.build();
    }

    private static AttributeDefinition attribute(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }
}
