package io.agentmatch.contract.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmatch.contract.events.ProfileRecord;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The {@code agent-profiles} item format of the owners' migration guide: the known fields as
 * top-level attributes (numbers as N), {@code location_city} from the first location entry and
 * absent when there is none (an empty GSI key is rejected by DynamoDB), the submitted data whole
 * in {@code profile_data}. {@code version} and {@code origin} are ours: the event-log offset that
 * made the item, and whether it is still as the migration left it.
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
