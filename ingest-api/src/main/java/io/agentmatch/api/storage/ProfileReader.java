package io.agentmatch.api.storage;

import io.agentmatch.contract.events.ProfileRecord;
import io.agentmatch.contract.storage.ProfileItems;
import io.agentmatch.contract.storage.TableDefinitions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.Select;

/**
 * Reads of {@code agent-profiles}. Every expression takes its values as expression attribute
 * values. One call is one DynamoDB page: at most {@code max} items and DynamoDB's 1 MB. A deleted
 * profile's tombstone (kept for the version condition) is never an answer: a get treats it as
 * absent, every Scan and Query filters it out.
 */
public final class ProfileReader implements ProfileStore {
    private final DynamoDbClient dynamo;
    private final String table;
    private final DynamoReads reads;

    public ProfileReader(DynamoDbClient dynamo, String table, DynamoReads reads) {
        this.dynamo = dynamo;
        this.table = table;
        this.reads = reads;
    }

    @Override
    public Optional<StoredProfile> find(String id) {
        var response = reads.call("profile " + id, () -> dynamo.getItem(b -> b.tableName(table)
                .key(ProfileItems.key(id)).consistentRead(true)));
        if (!response.hasItem() || response.item().isEmpty() || ProfileItems.isTombstone(response.item())) {
            return Optional.empty();
        }
        Map<String, AttributeValue> item = response.item();
        return Optional.of(new StoredProfile(ProfileItems.toRecord(item), ProfileItems.versionOf(item),
                ProfileItems.requestFingerprintOf(item)));
    }

    @Override
    public Page<String> idPage(int max, String cursor) {
        Map<String, AttributeValue> from = Cursors.decode(cursor, Set.of(ProfileItems.ID), Map.of());
        ScanResponse page = reads.call("the profile list", () -> dynamo.scan(b -> b.tableName(table)
                .projectionExpression("#id").filterExpression(ProfileItems.LIVE_ONLY)
                .expressionAttributeNames(ProfileItems.withLiveOnlyNames(Map.of("#id", ProfileItems.ID)))
                .exclusiveStartKey(from).limit(max)));
        List<String> ids = page.items().stream().map(item -> item.get(ProfileItems.ID).s()).toList();
        return new Page<>(ids, Cursors.encode(page.hasLastEvaluatedKey() ? page.lastEvaluatedKey() : null));
    }

    @Override
    public long countIds(String cursor, long max) {
        Map<String, AttributeValue> start = Cursors.decode(cursor, Set.of(ProfileItems.ID), Map.of());
        long count = 0;
        do {
            Map<String, AttributeValue> from = start;
            ScanResponse page = reads.call("the profile count", () -> dynamo.scan(b -> b.tableName(table)
                    .select(Select.COUNT).filterExpression(ProfileItems.LIVE_ONLY)
                    .expressionAttributeNames(ProfileItems.LIVE_ONLY_NAMES).exclusiveStartKey(from)));
            count += page.count();
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null && count < max);
        return Math.min(count, max);
    }

    @Override
    public Page<ProfileRecord> profilePage(ProfileFilter filter, int max, String cursor) {
        List<Map<String, AttributeValue>> items;
        Map<String, AttributeValue> lastKey;
        if (filter.job() == null && filter.city() == null) {
            Map<String, AttributeValue> from = Cursors.decode(cursor, Set.of(ProfileItems.ID), Map.of());
            ScanResponse page = reads.call("profiles", () -> dynamo.scan(b -> b.tableName(table)
                    .filterExpression(ProfileItems.LIVE_ONLY).expressionAttributeNames(ProfileItems.LIVE_ONLY_NAMES)
                    .exclusiveStartKey(from).limit(max)));
            items = page.items();
            lastKey = page.hasLastEvaluatedKey() ? page.lastEvaluatedKey() : null;
        } else {
            boolean byJob = filter.job() != null;
            String index = byJob ? TableDefinitions.JOB_INDEX : TableDefinitions.LOCATION_INDEX;
            String attribute = byJob ? ProfileItems.JOB : ProfileItems.LOCATION_CITY;
            String value = byJob ? filter.job() : filter.city();
            Map<String, AttributeValue> from = Cursors.decode(cursor, Set.of(ProfileItems.ID, attribute), Map.of(attribute, value));
            QueryResponse page = reads.call("profiles by " + attribute, () -> dynamo.query(b -> b.tableName(table)
                    .indexName(index)
                    // A tombstone has no GSI key, so it is in no index; the filter keeps it that way.
                    .keyConditionExpression("#k = :v").filterExpression(ProfileItems.LIVE_ONLY)
                    .expressionAttributeNames(ProfileItems.withLiveOnlyNames(Map.of("#k", attribute)))
                    .expressionAttributeValues(Map.of(":v", AttributeValue.fromS(value)))
                    .exclusiveStartKey(from).limit(max)));
            items = page.items();
            lastKey = page.hasLastEvaluatedKey() ? page.lastEvaluatedKey() : null;
        }
        return new Page<>(items.stream().map(ProfileItems::toRecord).toList(), Cursors.encode(lastKey));
    }
}
