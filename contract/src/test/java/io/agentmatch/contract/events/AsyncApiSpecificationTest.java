package io.agentmatch.contract.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * docs/asyncapi.yaml is valid against AsyncAPI's own JSON Schema of version 3.0.0 (vendored from
 * {@code @asyncapi/specs}, see test resources asyncapi-spec/README.md), the check a producer's tooling
 * (AsyncAPI CLI, Studio, generators) makes before it reads the document.
 */
class AsyncApiSpecificationTest {
    private static final Schema ASYNCAPI_3_0_0 = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7)
            .getSchema(SchemaLocation.of("classpath:asyncapi-spec/3.0.0.json"));

    private static List<String> errors(JsonNode document) {
        return ASYNCAPI_3_0_0.validate(document).stream().map(Object::toString).toList();
    }

    @Test
    void thePublishedDocumentIsAValidAsyncApi300Document() {
        assertEquals(List.of(), errors(ContractDocument.asyncApi()));
    }

    @Test
    void anOperationWithAVersion2VerbIsRefused() {
        ObjectNode document = ContractDocument.asyncApi().deepCopy();
        Map.Entry<String, JsonNode> first = document.get("operations").fields().next();
        ((ObjectNode) first.getValue()).put("action", "publish");
        assertFalse(errors(document).isEmpty(), "3.0 operations are send or receive; the check must see it");
    }

    @Test
    void aChannelWithAnUnknownFieldIsRefused() {
        ObjectNode document = ContractDocument.asyncApi().deepCopy();
        Map.Entry<String, JsonNode> first = document.get("channels").fields().next();
        ((ObjectNode) first.getValue()).put("subscribe", "a 2.x field");
        assertFalse(errors(document).isEmpty(), "channels allow no unknown fields; the check must see it");
    }
}
