package io.agentmatch.contract.provision;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/**
 * Compares an existing table with the definition the pipeline needs: the key schema, the type of
 * every key attribute, and each GSI by name, keys and projection (reads through a GSI return whole
 * items, so it must project ALL). A pure function: every mismatch, in words an operator can act on.
 */
public final class TableSchemaCheck {
    private TableSchemaCheck() {
    }

    public static List<String> mismatches(CreateTableRequest expected, TableDescription actual) {
        List<String> problems = new ArrayList<>();
        String table = expected.tableName();
        Map<String, ScalarAttributeType> types = actual.attributeDefinitions().stream()
                .collect(Collectors.toMap(AttributeDefinition::attributeName, AttributeDefinition::attributeType, (a, b) -> a));
        if (!keys(expected.keySchema()).equals(keys(actual.keySchema()))) {
            problems.add("table " + table + " has key " + keys(actual.keySchema()) + ", expected " + keys(expected.keySchema()));
        }
        for (AttributeDefinition attribute : expected.attributeDefinitions()) {
            ScalarAttributeType type = types.get(attribute.attributeName());
            if (type != null && type != attribute.attributeType()) {
                problems.add("table " + table + ": attribute " + attribute.attributeName() + " is of type " + type
                        + ", expected " + attribute.attributeType());
            }
        }
        Map<String, GlobalSecondaryIndexDescription> indexes = actual.globalSecondaryIndexes().stream()
                .collect(Collectors.toMap(GlobalSecondaryIndexDescription::indexName, Function.identity()));
        for (GlobalSecondaryIndex index : expected.globalSecondaryIndexes()) {
            GlobalSecondaryIndexDescription found = indexes.get(index.indexName());
            if (found == null) {
                problems.add("table " + table + " has no GSI " + index.indexName() + " (key " + keys(index.keySchema()) + ")");
                continue;
            }
            if (!keys(index.keySchema()).equals(keys(found.keySchema()))) {
                problems.add("table " + table + ": GSI " + index.indexName() + " has key " + keys(found.keySchema())
                        + ", expected " + keys(index.keySchema()));
            }
            ProjectionType projection = found.projection() == null ? null : found.projection().projectionType();
            if (projection != ProjectionType.ALL) {
                problems.add("table " + table + ": GSI " + index.indexName() + " projects " + projection + ", expected ALL");
            }
        }
        return problems;
    }

    /** {@code [id HASH]}, {@code [conversation_id HASH, timestamp RANGE]}. */
    private static List<String> keys(List<KeySchemaElement> schema) {
        return schema.stream().map(k -> k.attributeName() + " " + k.keyTypeAsString()).toList();
    }
}
