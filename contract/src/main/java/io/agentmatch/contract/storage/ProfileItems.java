package io.agentmatch.contract.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmatch.contract.events.ProfileRecord;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;

/**
 * The {@code agent-profiles} item format of the owners' migration guide: the known fields as
 * top-level attributes (numbers as N), {@code location_city} from the first location entry and
 * absent when there is none (an empty GSI key is rejected by DynamoDB), the submitted data whole
 * in {@code profile_data}. {@code version} and {@code origin} are ours: the event-log offset that
 * made the item, and whether it is still as the migration left it.
 *
 * <p>Every write of an item carries the {@link #NOT_NEWER} condition: an item is never replaced by
 * an older version. A delete leaves a {@link #tombstone} (id, version, {@code deleted}) so that the
 * condition still sees the version after the profile is gone; it has no GSI key attribute, so it is
 * in no index, and every reader hides it ({@link #isTombstone}, {@link #LIVE_ONLY} for Scan/Query).
 */
public final class ProfileItems {
    public static final String ID = "id";
    public static final String JOB = "job";
    public static final String LOCATION_CITY = "location_city";
    public static final String TIMESTAMP = "timestamp";
    public static final String PROFILE_DATA = "profile_data";
    public static final String VERSION = "version";
    public static final String ORIGIN = "origin";
    /** The request fingerprint of the Idempotency-Key that created the profile (absent without a key). */
    public static final String REQUEST_FINGERPRINT = "request_fingerprint";
    public static final String DELETED = "deleted";

    /**
     * The condition of every profile write: the item is absent or holds this version or an older
     * one (an equal version is the same event's write again: idempotent). Names {@code #v},
     * value {@code :v}.
     */
    public static final String NOT_NEWER = "attribute_not_exists(#v) OR #v <= :v";
    /** The Scan/Query filter that leaves tombstones out; its name is in {@link #LIVE_ONLY_NAMES}. */
    public static final String LIVE_ONLY = "attribute_not_exists(#deleted)";
    public static final Map<String, String> LIVE_ONLY_NAMES = Map.of("#deleted", DELETED);

    /** {@code names} plus the name {@link #LIVE_ONLY} uses, for a Scan/Query with its own expression names. */
    public static Map<String, String> withLiveOnlyNames(Map<String, String> names) {
        Map<String, String> all = new java.util.HashMap<>(names);
        all.putAll(LIVE_ONLY_NAMES);
        return all;
    }

    private ProfileItems() {
    }

    public static Map<String, AttributeValue> toItem(ProfileRecord record, long version, String origin) {
        return toItem(record, version, origin, null);
    }

    public static Map<String, AttributeValue> toItem(ProfileRecord record, long version, String origin,
                                                     String requestFingerprint) {
        ObjectNode data = record.data();
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put(ID, AttributeValue.fromS(record.id()));
        copyString(data, "name", item);
        copyString(data, "address", item);
        copyString(data, JOB, item);
        copyString(data, "description", item);
        JsonNode price = data.get("averagePrice");
        if (price != null && price.isNumber()) {
            item.put("averagePrice", AttributeValues.fromJson(price));
        }
        copyList(data, "tags", item);
        copyList(data, "location", item);
        String city = cityOf(data);
        if (city != null) {
            item.put(LOCATION_CITY, AttributeValue.fromS(city));
        }
        item.put(TIMESTAMP, AttributeValue.fromS(record.timestamp()));
        item.put(PROFILE_DATA, AttributeValue.fromM(AttributeValues.mapFromJson(data)));
        item.put(VERSION, AttributeValue.fromN(Long.toString(version)));
        item.put(ORIGIN, AttributeValue.fromS(origin));
        if (requestFingerprint != null) {
            item.put(REQUEST_FINGERPRINT, AttributeValue.fromS(requestFingerprint));
        }
        return item;
    }

    /** The legacy record back from an item: exactly the submitted data, from {@code profile_data}. */
    public static ProfileRecord toRecord(Map<String, AttributeValue> item) {
        AttributeValue data = item.get(PROFILE_DATA);
        ObjectNode object = data != null && data.m() != null
                ? AttributeValues.mapToJson(data.m())
                : com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        AttributeValue timestamp = item.get(TIMESTAMP);
        return new ProfileRecord(item.get(ID).s(), timestamp == null ? null : timestamp.s(), object);
    }

    public static String requestFingerprintOf(Map<String, AttributeValue> item) {
        AttributeValue fingerprint = item.get(REQUEST_FINGERPRINT);
        return fingerprint == null ? null : fingerprint.s();
    }

    /** The item a delete leaves: no data and no GSI key attribute, only what the version condition needs. */
    public static Map<String, AttributeValue> tombstone(String id, long version) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put(ID, AttributeValue.fromS(id));
        item.put(VERSION, AttributeValue.fromN(Long.toString(version)));
        item.put(DELETED, AttributeValue.fromBool(true));
        return item;
    }

    public static boolean isTombstone(Map<String, AttributeValue> item) {
        AttributeValue deleted = item.get(DELETED);
        return deleted != null && Boolean.TRUE.equals(deleted.bool());
    }

    /** A PutItem of {@code item} (a profile or a tombstone) under the {@link #NOT_NEWER} condition on its version. */
    public static PutItemRequest versionedPut(String table, Map<String, AttributeValue> item) {
        return PutItemRequest.builder().tableName(table).item(item)
                .conditionExpression(NOT_NEWER)
                .expressionAttributeNames(Map.of("#v", VERSION))
                .expressionAttributeValues(Map.of(":v", item.get(VERSION)))
                .build();
    }

    public static long versionOf(Map<String, AttributeValue> item) {
        AttributeValue version = item.get(VERSION);
        return version == null ? -1 : Long.parseLong(version.n());
    }

    /** The first location entry, when it is a non-empty string: the location-index key. */
    public static String cityOf(ObjectNode data) {
        JsonNode location = data.get("location");
        if (location != null && location.isArray() && location.size() > 0) {
            JsonNode first = location.get(0);
            if (first.isTextual() && !first.textValue().isBlank()) {
                return first.textValue();
            }
        }
        return null;
    }

    /** The job-index key: {@code job} when it is a non-empty string (an empty one is no key value for DynamoDB). */
    public static String jobOf(ObjectNode data) {
        JsonNode job = data.get(JOB);
        return job != null && job.isTextual() && !job.textValue().isEmpty() ? job.textValue() : null;
    }

    public static Map<String, AttributeValue> key(String id) {
        return Map.of(ID, AttributeValue.fromS(id));
    }

    private static void copyString(ObjectNode data, String field, Map<String, AttributeValue> item) {
        JsonNode value = data.get(field);
        // An empty job would be an empty GSI key, which DynamoDB rejects: leave it to profile_data.
        if (value != null && value.isTextual() && !(field.equals(JOB) && jobOf(data) == null)) {
            item.put(field, AttributeValue.fromS(value.textValue()));
        }
    }

    private static void copyList(ObjectNode data, String field, Map<String, AttributeValue> item) {
        JsonNode value = data.get(field);
        if (value != null && value.isArray()) {
            item.put(field, AttributeValues.fromJson(value));
        }
    }
}
