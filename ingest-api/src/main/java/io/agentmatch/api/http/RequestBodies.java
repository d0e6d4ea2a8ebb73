package io.agentmatch.api.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmatch.contract.events.JsonCodec;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads JSON request bodies defensively: the size limit is enforced while reading (a declared
 * Content-Length over it is refused before reading anything), bytes must be UTF-8, and Jackson's
 * stream constraints bound nesting, string and number sizes.
 */
public final class RequestBodies {
    private final int maxBytes;

    public RequestBodies(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    public ObjectNode object(Context ctx) {
        JsonNode node = json(ctx);
        if (!node.isObject()) {
            throw ApiError.badRequest("request body must be a JSON object, got " + kind(node));
        }
        return (ObjectNode) node;
    }

    public JsonNode json(Context ctx) {
        String contentType = ctx.contentType();
        if (contentType != null && !contentType.isBlank() && !contentType.toLowerCase().contains("json")) {
            throw new ApiError(415, "Content-Type must be application/json, got " + abbreviate(contentType));
        }
        byte[] bytes = read(ctx);
        if (bytes.length == 0 || isBlank(bytes)) {
            throw ApiError.badRequest("request body is empty; expected a JSON object");
        }
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
        } catch (CharacterCodingException e) {
            throw ApiError.badRequest("request body is not valid UTF-8");
        }
        try {
            return JsonCodec.readTree(bytes);
        } catch (StreamConstraintsException e) {
            throw new ApiError(413, "request body exceeds a JSON limit: " + firstLine(e.getOriginalMessage()));
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest("request body is not valid JSON: " + firstLine(e.getOriginalMessage())
                    + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr()));
        } catch (IOException e) {
            throw ApiError.badRequest("request body could not be read");
        }
    }

    private byte[] read(Context ctx) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > maxBytes) {
            throw new ApiError(413, "request body is " + declared + " bytes; the limit is " + maxBytes);
        }
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] bytes = in.readNBytes(maxBytes + 1);
            if (bytes.length > maxBytes) {
                throw new ApiError(413, "request body exceeds the limit of " + maxBytes + " bytes");
            }
            return bytes;
        } catch (IOException e) {
            throw ApiError.badRequest("request body could not be read");
        }
    }

    private static boolean isBlank(byte[] bytes) {
        for (byte b : bytes) {
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return false;
            }
        }
        return true;
    }

    static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "a list";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> node.getNodeType().name().toLowerCase();
        };
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "malformed";
        }
        int newline = message.indexOf('\n');
        return abbreviate(newline < 0 ? message : message.substring(0, newline));
    }

    private static String abbreviate(String text) {
        return text.length() <= 120 ? text : text.substring(0, 117) + "...";
    }
}
