package io.agentmatch.api.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmatch.contract.events.JsonCodec;
import io.javalin.http.Context;

/** The legacy envelope: {@code "status": "success"} or {@code {"error": ..., "status": "error"}}. */
public final class Responses {
    private Responses() {
    }

    public static ObjectNode success(String message) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("message", message);
        return body;
    }

    public static void send(Context ctx, int status, ObjectNode body) {
        if (!body.has("status")) {
            body.put("status", "success");
        }
        ctx.status(status).contentType("application/json").result(JsonCodec.toBytes(body));
    }

    public static void error(Context ctx, int status, String message) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("error", message);
        body.put("status", "error");
        ctx.status(status).contentType("application/json").result(JsonCodec.toBytes(body));
    }
}
