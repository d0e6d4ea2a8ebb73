package io.agentmatch.contract.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmatch.contract.events.JsonCodec;
import io.agentmatch.contract.events.ProfileRecord;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class ProfileItemsTest {
    @Test
    void itemFollowsTheSeedFormatAndRoundTripsExactly() throws Exception {
        String json = "{\"name\":\"Zoë 王\",\"address\":\"0x1\",\"job\":\"Plumber\",\"averagePrice\":179.26,"
                + "\"tags\":[\"a\",\"b\"],\"location\":[\"São Paulo\",\"BR\"],\"description\":\"d\",\"rating\":4.8,"
                + "\"portfolio\":{\"url\":\"u\",\"items\":3},\"flag\":true,\"none\":null}";
        ProfileRecord record = new ProfileRecord("id-1", "2024-03-01T09:00:00.682554", (ObjectNode) JsonCodec.readTree(json));
        Map<String, AttributeValue> item = ProfileItems.toItem(record, 42, "migration");
        assertEquals("179.26", item.get("averagePrice").n());
        assertEquals("São Paulo", item.get(ProfileItems.LOCATION_CITY).s());
        assertEquals("42", item.get(ProfileItems.VERSION).n());
        assertEquals(JsonCodec.toString(JsonCodec.readTree(json)), JsonCodec.toString(ProfileItems.toRecord(item).data()),
                "same fields, same order, same number spelling");
        assertEquals(record.timestamp(), ProfileItems.toRecord(item).timestamp());
    }

    @Test
    void noLocationMeansNoCityAttributeNotAnEmptyOne() throws Exception {
        for (String location : new String[] {"[]", "[\"\"]", "null", "[7]"}) {
            ProfileRecord record = new ProfileRecord("x", "t", (ObjectNode) JsonCodec.readTree("{\"location\":" + location + ",\"job\":\"\"}"));
            Map<String, AttributeValue> item = ProfileItems.toItem(record, 1, "api");
            assertFalse(item.containsKey(ProfileItems.LOCATION_CITY), location);
            assertFalse(item.containsKey(ProfileItems.JOB), "an empty job is no GSI key");
        }
    }

    @Test
    void aTombstoneHoldsOnlyIdVersionAndMarkerSoItIsInNoIndex() throws Exception {
        Map<String, AttributeValue> tombstone = ProfileItems.tombstone("gone", 17);
        assertEquals(java.util.Set.of(ProfileItems.ID, ProfileItems.VERSION, ProfileItems.DELETED), tombstone.keySet());
        assertEquals(17, ProfileItems.versionOf(tombstone));
        assertTrue(ProfileItems.isTombstone(tombstone));
        ProfileRecord record = new ProfileRecord("x", "t", (ObjectNode) JsonCodec.readTree(
                "{\"job\":\"Chef\",\"location\":[\"Lyon\"],\"deleted\":true}"));
        assertFalse(ProfileItems.isTombstone(ProfileItems.toItem(record, 1, "api")),
                "a profile whose data has a 'deleted' field keeps it in profile_data, not as the marker");
    }

    @Test
    void everyVersionedPutCarriesTheNotNewerConditionOnItsOwnVersion() {
        var put = ProfileItems.versionedPut("t", ProfileItems.tombstone("gone", 17));
        assertEquals(ProfileItems.NOT_NEWER, put.conditionExpression());
        assertEquals("17", put.expressionAttributeValues().get(":v").n());
        assertEquals(ProfileItems.VERSION, put.expressionAttributeNames().get("#v"));
    }

    @Test
    void itemSizeCountsNamesAndValues() {
        assertEquals(2 + 3, ItemSize.of(Map.of("id", AttributeValue.fromS("abc"))));
    }
}
