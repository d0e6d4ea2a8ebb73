package io.agentmatch.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmatch.contract.events.JsonCodec;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;

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
        // The raw header: ctx.contentType() parses the charset and throws on an unknown or malformed one.
        String contentType = ctx.header("Content-Type");
        if (contentType != null && !contentType.isBlank() && !contentType.toLowerCase().contains("json")) {
            throw new ApiError(415, "Content-Type must be application/json, got " + abbreviate(contentType));
        }
        byte[] bytes = read(ctx);
        if (bytes.length == 0 || isBlank(bytes)) {
            throw ApiError.badRequest("request body is empty; expected a JSON object");
        }
        try {
            return JsonCodec.readUntrusted(bytes);
        } catch (JsonCodec.InvalidJsonException e) {
            throw new ApiError(e.isLimit() ? 413 : 400, "request body " + e.getMessage());
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

    private static String abbreviate(String text) {
        return text.length() <= 120 ? text : text.substring(0, 117) + "...";
    }
}
