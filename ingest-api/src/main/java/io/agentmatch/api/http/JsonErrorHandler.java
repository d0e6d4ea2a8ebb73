package io.agentmatch.api.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmatch.contract.events.JsonCodec;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors that Jetty answers itself, before a route runs (malformed request lines or headers,
 * oversized headers, ambiguous paths): the same JSON envelope as every other error, never an HTML
 * page, and no internal detail.
 */
public final class JsonErrorHandler extends ErrorHandler {

    /** Jetty writes error bodies for GET, POST and HEAD only; we answer every method with the envelope. */
    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(body(code)), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(new HttpField(HttpHeader.CONTENT_TYPE, "application/json"));
        return ByteBuffer.wrap(body(status));
    }

    private static byte[] body(int code) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        String reason = HttpStatus.getMessage(code);
        body.put("error", code == 505 ? "request: unsupported HTTP version" : "request: " + (reason == null ? "malformed" : reason));
        body.put("status", "error");
        return JsonCodec.toBytes(body);
    }
}
