package io.agentmatch.contract.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/**
 * docs/asyncapi.yaml is a well-formed AsyncAPI 3.0 document whose every reference resolves and whose
 * every channel carries messages with a schema; every schema file is a valid draft 2020-12 schema.
 * (The document against AsyncAPI's own JSON Schema: AsyncApiSpecificationTest.)
 */
class AsyncApiDocumentTest {
    private static final JsonNode DOCUMENT = ContractDocument.asyncApi();

    @Test
    void isAnAsyncApi3DocumentWithTheRequiredParts() {
        assertEquals("3.0.0", DOCUMENT.get("asyncapi").asText());
        assertTrue(DOCUMENT.at("/info/title").isTextual());
        assertTrue(DOCUMENT.at("/info/version").isTextual());
        assertTrue(DOCUMENT.get("channels").size() >= 5);
        assertTrue(DOCUMENT.get("operations").size() >= 5);
    }

    @Test
    void everyReferenceResolvesInTheDocumentAndInEverySchemaFile() {
        List<String> unresolved = new ArrayList<>();
        refs(DOCUMENT, "", (where, ref) -> {
            if (resolve(DOCUMENT, ref).isMissingNode()) {
                unresolved.add("asyncapi.yaml" + where + " -> " + ref);
            }
        });
        for (String file : EventSchemas.FILES) {
            JsonNode schema = ContractDocument.schema(file);
            refs(schema, "", (where, ref) -> {
                String target = ref.startsWith("#") ? file + ref : ref;
                if (resolve(DOCUMENT, "schemas/" + target).isMissingNode()) {
                    unresolved.add(file + where + " -> " + ref);
                }
            });
        }
        assertEquals(List.of(), unresolved);
    }

    @Test
    void everyChannelHasMessagesWithASchemaAndEveryOperationUsesThem() {
        Set<String> eventFiles = new TreeSet<>();
        DOCUMENT.get("channels").fields().forEachRemaining(channel -> {
            JsonNode messages = channel.getValue().get("messages");
            assertTrue(messages != null && messages.size() > 0, channel.getKey() + " has messages");
            messages.forEach(ref -> {
                JsonNode message = resolve(DOCUMENT, ref.get("$ref").asText());
                JsonNode payload = message.get("payload");
                assertTrue(payload != null && payload.get("schema") != null, channel.getKey() + ": a payload schema");
                assertEquals("application/schema+json;version=draft-2020-12", payload.get("schemaFormat").asText());
                JsonNode schemaRef = payload.at("/schema/$ref");
                if (schemaRef.isTextual()) {
                    eventFiles.add(schemaRef.asText().replace("schemas/", ""));
                }
            });
        });
        for (EventType type : EventType.values()) {
            for (int major = 1; major <= EventVersions.currentMajor(type); major++) {
                assertTrue(eventFiles.contains(EventSchemas.fileOf(type, major)), "a message of " + type + " v" + major);
            }
        }
        DOCUMENT.get("operations").fields().forEachRemaining(operation -> {
            String channelRef = operation.getValue().at("/channel/$ref").asText();
            assertFalse(resolve(DOCUMENT, channelRef).isMissingNode(), operation.getKey());
            operation.getValue().path("messages").forEach(m ->
                    assertTrue(m.get("$ref").asText().startsWith(channelRef + "/messages/"), operation.getKey() + ": its channel's message"));
        });
    }

    @Test
    void everySchemaFileIsAValidDraft202012Schema() {
        Schema meta = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));
        for (String file : EventSchemas.FILES) {
            JsonNode schema = ContractDocument.schema(file);
            assertEquals("https://json-schema.org/draft/2020-12/schema", schema.get("$schema").asText(), file);
            assertEquals(List.of(), meta.validate(schema).stream().map(Object::toString).toList(), file);
        }
    }

    /** Every "$ref" string under {@code node}, with its JSON pointer. */
    private static void refs(JsonNode node, String where, BiConsumer<String, String> each) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                if (e.getKey().equals("$ref") && e.getValue().isTextual()) {
                    each.accept(where, e.getValue().asText());
                } else {
                    refs(e.getValue(), where + "/" + e.getKey().replace("~", "~0").replace("/", "~1"), each);
                }
            });
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                refs(node.get(i), where + "/" + i, each);
            }
        }
    }

    /** A reference of the document: "#/pointer" in it, or "schemas/file.json#/pointer" relative to it. */
    static JsonNode resolve(JsonNode document, String ref) {
        int hash = ref.indexOf('#');
        String file = hash < 0 ? ref : ref.substring(0, hash);
        String pointer = hash < 0 ? "" : ref.substring(hash + 1);
        JsonNode root;
        if (file.isEmpty()) {
            root = document;
        } else if (file.startsWith("schemas/") && EventSchemas.FILES.contains(file.substring("schemas/".length()))) {
            root = ContractDocument.schema(file.substring("schemas/".length()));
        } else {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
        return ContractDocument.at(root, pointer);
    }
}
