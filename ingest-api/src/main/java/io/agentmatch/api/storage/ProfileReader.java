package io.agentmatch.api.storage;

import io.agentmatch.contract.events.ProfileRecord;
import io.agentmatch.contract.storage.ProfileItems;
import io.agentmatch.contract.storage.TableDefinitions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * Reads of {@code agent-profiles}. Every expression takes its values as expression attribute
 * values. A deleted profile's tombstone (kept for the version condition) is never an answer: a get
 * treats it as absent, every Scan and Query filters it out.
 */
public final class ProfileReader {
    private final DynamoDbClient dynamo;
    private final String table;
    private final DynamoReads reads;

    public ProfileReader(DynamoDbClient dynamo, String table, DynamoReads reads) {
        this.dynamo = dynamo;
        this.table = table;
        this.reads = reads;
    }

    public Optional<Map<String, AttributeValue>> item(String id) {
        var response = reads.call("profile " + id, () -> dynamo.getItem(b -> b.tableName(table)
                .key(ProfileItems.key(id)).consistentRead(true)));
        return response.hasItem() && !response.item().isEmpty() && !ProfileItems.isTombstone(response.item())
                ? Optional.of(response.item()) : Optional.empty();
    }

    public Optional<ProfileRecord> get(String id) {
        return item(id).map(ProfileItems::toRecord);
    }

    /** One page of ids, or every id when {@code limit} is 0 (the legacy /list: all of them, every Scan page). */
    public Page<String> ids(int limit, String cursor) {
        List<String> ids = new ArrayList<>();
        Map<String, AttributeValue> start = Cursors.decode(cursor);
        do {
            Map<String, AttributeValue> from = start;
            int remaining = limit == 0 ? 0 : limit - ids.size();
            ScanResponse page = reads.call("the profile list", () -> dynamo.scan(b -> {
                b.tableName(table).projectionExpression("#id").filterExpression(ProfileItems.LIVE_ONLY)
                        .expressionAttributeNames(ProfileItems.withLiveOnlyNames(Map.of("#id", ProfileItems.ID)))
                        .exclusiveStartKey(from);
                if (remaining > 0) {
                    b.limit(remaining);
                }
            }));
            page.items().forEach(item -> ids.add(item.get(ProfileItems.ID).s()));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null && (limit == 0 || ids.size() < limit));
        return new Page<>(ids, Cursors.encode(start));
    }

    /** Profiles whose job (or city) equals {@code value}, through the seed's GSIs; all profiles when both are null. */
    public Page<ProfileRecord> query(String job, String city, int limit, String cursor) {
        List<ProfileRecord> profiles = new ArrayList<>();
        Map<String, AttributeValue> start = Cursors.decode(cursor);
        do {
            Map<String, AttributeValue> from = start;
            int remaining = limit - profiles.size();
            Map<String, AttributeValue> lastKey;
            List<Map<String, AttributeValue>> items;
            if (job == null && city == null) {
                ScanResponse page = reads.call("profiles", () -> dynamo.scan(b -> b.tableName(table)
                        .filterExpression(ProfileItems.LIVE_ONLY).expressionAttributeNames(ProfileItems.LIVE_ONLY_NAMES)
                        .exclusiveStartKey(from).limit(remaining)));
                items = page.items();
                lastKey = page.lastEvaluatedKey();
            } else {
                String index = job != null ? TableDefinitions.JOB_INDEX : TableDefinitions.LOCATION_INDEX;
                String attribute = job != null ? ProfileItems.JOB : ProfileItems.LOCATION_CITY;
                String value = job != null ? job : city;
                QueryResponse page = reads.call("profiles by " + attribute, () -> dynamo.query(b -> b.tableName(table)
                        .indexName(index)
                        // A tombstone has no GSI key, so it is in no index; the filter keeps it that way.
                        .keyConditionExpression("#k = :v").filterExpression(ProfileItems.LIVE_ONLY)
                        .expressionAttributeNames(ProfileItems.withLiveOnlyNames(Map.of("#k", attribute)))
                        .expressionAttributeValues(Map.of(":v", AttributeValue.fromS(value)))
                        .exclusiveStartKey(from).limit(remaining)));
                items = page.items();
                lastKey = page.lastEvaluatedKey();
            }
            items.forEach(item -> profiles.add(ProfileItems.toRecord(item)));
            start = lastKey != null && !lastKey.isEmpty() ? lastKey : null;
        } while (start != null && profiles.size() < limit);
        return new Page<>(profiles, Cursors.encode(start));
    }
}
