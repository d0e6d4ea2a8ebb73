package io.agentmatch.contract.events;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.POJONode;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;

/**
 * The one JSON configuration of the platform. Numbers are read as exact decimals (a price of
 * 179.26 must come back as 179.26 after DynamoDB and a rollback), and hostile input is bounded by
 * Jackson's stream read constraints before it can exhaust memory.
 */
public final class JsonCodec {
    /** Deeper than any real profile; shallow enough that no body can blow the stack. */
    public static final int MAX_NESTING_DEPTH = 32;
    /** DynamoDB's item limit bounds every string anyway. */
    public static final int MAX_STRING_LENGTH = 400 * 1024;
    /** DynamoDB numbers have at most 38 significant digits; allow some zeros around them. */
    public static final int MAX_NUMBER_LENGTH = 64;
    /** Jackson's default, stated (it counts a name's UTF-8 bytes when reading bytes); DynamoDB would take 64 KB. */
    public static final int MAX_NAME_LENGTH = 50_000;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_NESTING_DEPTH)
                    .maxStringLength(MAX_STRING_LENGTH)
                    .maxNumberLength(MAX_NUMBER_LENGTH)
                    .maxNameLength(MAX_NAME_LENGTH)
                    .maxDocumentLength(4L * 1024 * 1024)
                    .build())
            .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH + 8).build())
            .build();

    public static final ObjectMapper MAPPER = JsonMapper.builder(FACTORY)
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .findAndAddModules()
            .build();

    private static final ObjectMapper CANONICAL = MAPPER.copy()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private JsonCodec() {
    }

    public static JsonNode readTree(byte[] bytes) throws IOException {
        return MAPPER.readTree(bytes);
    }

    public static JsonNode readTree(String text) throws IOException {
        return MAPPER.readTree(text);
    }

    /**
     * Parses untrusted bytes: they must be strict UTF-8 (no overlong forms, no surrogates, which
     * Jackson would let through) and valid JSON within the stream constraints.
     *
     * @throws InvalidJsonException with a message fit for clients and operators (no internals)
     */
    public static JsonNode readUntrusted(byte[] bytes) throws InvalidJsonException {
        try {
            java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes));
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new InvalidJsonException("is not valid UTF-8", false);
        }
        try {
            return MAPPER.readTree(bytes);
        } catch (com.fasterxml.jackson.core.exc.StreamConstraintsException e) {
            throw new InvalidJsonException("exceeds a JSON limit: " + describe(e), true);
        } catch (JsonProcessingException e) {
            throw new InvalidJsonException("is not valid JSON: " + describe(e), false);
        } catch (IOException | NumberFormatException e) {
            // Jackson rejects some number spellings (e.g. 0e99999999999) with an unchecked exception.
            throw new InvalidJsonException("is not valid JSON: a value cannot be read", false);
        }
    }

    /** Untrusted input that is not JSON we accept; {@link #isLimit()} when a size or nesting limit was hit. */
    public static final class InvalidJsonException extends Exception {
        private final boolean limit;

        InvalidJsonException(String problem, boolean limit) {
            super(problem, null, false, false);
            this.limit = limit;
        }

        public boolean isLimit() {
            return limit;
        }
    }

    /** Jackson's first line, without the names of its own classes and settings, with the location. */
    private static String describe(JsonProcessingException e) {
        String message = e.getOriginalMessage() == null ? "malformed" : e.getOriginalMessage();
        int newline = message.indexOf('\n');
        String line = newline < 0 ? message : message.substring(0, newline);
        line = line.replaceAll(",? from `[^`]*`", "").replaceAll("\\s*\\(bound as `[^`]*`\\)", "")
                .replaceAll(":? not allowed as per `[^`]*`", "").replaceAll("`[^`]*`", "a value");
        if (line.length() > 160) {
            line = line.substring(0, 157) + "...";
        }
        return e.getLocation() == null ? line
                : line + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
    }

    public static byte[] toBytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String toString(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Key order and number spelling independent, so equal content hashes equally: keys sorted (by
     * {@link String#compareTo}), every number as its {@link BigDecimal} without trailing zeros
     * (40, 40.0 and 4E+1 are all {@code 4E+1}). Written straight from the tree: the processor hashes
     * every applied profile, and going through maps (convert, sort, write) was 8% of its stream thread.
     * {@code JsonCodecTest} holds it byte for byte to that former spelling, which hashes already stored in
     * ledgers and items were made with.
     */
    public static String canonical(JsonNode node) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator generator = CANONICAL.createGenerator(out)) {
            writeCanonical(generator, node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void writeCanonical(JsonGenerator generator, JsonNode node) throws IOException {
        switch (node.getNodeType()) {
            case OBJECT -> {
                String[] names = new String[node.size()];
                Iterator<String> fields = node.fieldNames();
                for (int i = 0; i < names.length; i++) {
                    names[i] = fields.next();
                }
                Arrays.sort(names);
                generator.writeStartObject();
                for (String name : names) {
                    generator.writeFieldName(name);
                    writeCanonical(generator, node.get(name));
                }
                generator.writeEndObject();
            }
            case ARRAY -> {
                generator.writeStartArray();
                for (JsonNode element : node) {
                    writeCanonical(generator, element);
                }
                generator.writeEndArray();
            }
            // A float is widened as a double is (Jackson's own conversion did): 0.1f spells 0.10000000149011612.
            case NUMBER -> generator.writeNumber((node.isFloat() ? BigDecimal.valueOf(node.doubleValue())
                    : new BigDecimal(node.numberValue().toString())).stripTrailingZeros());
            case STRING -> generator.writeString(node.textValue());
            case BOOLEAN -> generator.writeBoolean(node.booleanValue());
            case NULL, MISSING -> generator.writeNull();
            case BINARY -> generator.writeBinary(node.binaryValue());
            // Never made by parsing JSON: the object's own tree, sorted as any other.
            case POJO -> writeCanonical(generator, CANONICAL.valueToTree(((POJONode) node).getPojo()));
        }
    }

    public static String sha256(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
