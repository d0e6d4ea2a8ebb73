package io.agentmatch.contract.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The published contract as the tests read it: the AsyncAPI document and the schema files, from the classpath. */
final class ContractDocument {
    private static final YAMLMapper YAML = new YAMLMapper();

    private ContractDocument() {
    }

    static JsonNode asyncApi() {
        return read(EventSchemas.DOCUMENT, true);
    }

    static JsonNode schema(String file) {
        return read(EventSchemas.SCHEMAS + file, false);
    }

    static JsonNode read(String resource, boolean yaml) {
        try (InputStream in = ContractDocument.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no resource " + resource);
            }
            return yaml ? YAML.readTree(in) : JsonCodec.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The node at a JSON pointer ("" or "/a/b"), or a missing node. */
    static JsonNode at(JsonNode root, String pointer) {
        return pointer.isEmpty() ? root : root.at(pointer);
    }
}
