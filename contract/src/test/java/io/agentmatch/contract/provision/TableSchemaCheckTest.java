package io.agentmatch.contract.provision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentmatch.contract.config.PipelineConfig.BillingMode;
import io.agentmatch.contract.storage.TableDefinitions;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

class TableSchemaCheckTest {
    private final CreateTableRequest profiles = TableDefinitions.profiles("agent-profiles", BillingMode.PAY_PER_REQUEST);

    /** What DescribeTable would answer for a table created from {@code request}. */
    private static TableDescription as(CreateTableRequest request) {
        return TableDescription.builder().tableName(request.tableName())
                .keySchema(request.keySchema()).attributeDefinitions(request.attributeDefinitions())
                .globalSecondaryIndexes(request.globalSecondaryIndexes().stream().map(i -> GlobalSecondaryIndexDescription.builder()
                        .indexName(i.indexName()).keySchema(i.keySchema()).projection(i.projection()).build()).toList())
                .build();
    }

    @Test
    void aTableCreatedFromTheContractMatches() {
        assertEquals(List.of(), TableSchemaCheck.mismatches(profiles, as(profiles)));
    }

    @Test
    void everyMismatchIsNamedAtOnce() {
        TableDescription actual = as(profiles).toBuilder()
                .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build())
                .attributeDefinitions(AttributeDefinition.builder().attributeName("job").attributeType(ScalarAttributeType.N).build())
                .globalSecondaryIndexes(GlobalSecondaryIndexDescription.builder().indexName(TableDefinitions.JOB_INDEX)
                        .keySchema(KeySchemaElement.builder().attributeName("job").keyType(KeyType.HASH).build())
                        .projection(Projection.builder().projectionType(ProjectionType.KEYS_ONLY).build()).build())
                .build();
        List<String> problems = TableSchemaCheck.mismatches(profiles, actual);
        assertEquals(4, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("has key [pk HASH], expected [id HASH]"), problems.get(0));
        assertTrue(problems.get(1).contains("attribute job is of type N, expected S"), problems.get(1));
        assertTrue(problems.get(2).contains("GSI job-index projects KEYS_ONLY, expected ALL"), problems.get(2));
        assertTrue(problems.get(3).contains("has no GSI location-index"), problems.get(3));
    }
}
