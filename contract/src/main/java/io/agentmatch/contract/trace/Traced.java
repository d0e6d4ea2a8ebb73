package io.agentmatch.contract.trace;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.MDC;

/**
 * One unit of traced work: a started span, its context (with the request id, when there is one),
 * and what the work writes on the records it produces. {@link #enter()} makes it current and puts
 * its ids in the logging MDC ({@value #MDC_TRACE_ID}, {@value #MDC_SPAN_ID}, {@value #MDC_REQUEST_ID});
 * {@link #end()} ends the span. A span may be entered on several threads in turn (the API's
 * request thread, then the Kafka producer's callback; the projector's stream thread at receipt and
 * at publication) and ends once.
 */
public final class Traced {
    public static final String MDC_TRACE_ID = "trace_id";
    public static final String MDC_SPAN_ID = "span_id";
    public static final String MDC_REQUEST_ID = "request_id";

    private final Span span;
    private final Context context;

    Traced(Span span, Context context) {
        this.span = span;
        this.context = context;
    }

    /** Nothing traced: entering it clears the ids from the MDC, its records carry no trace context. */
    public static Traced none() {
        return new Traced(Span.getInvalid(), Context.root());
    }

    public Span span() {
        return span;
    }

    public Context context() {
        return context;
    }

    /** The trace id (32 hex digits), or null when nothing is traced. */
    public String traceId() {
        SpanContext ids = span.getSpanContext();
        return ids.isValid() ? ids.getTraceId() : null;
    }

    public String requestId() {
        return context.get(Tracing.REQUEST_ID);
    }

    /** {@code 00-<trace id>-<span id>-<flags>}: this span as a parent, or null when nothing is traced. */
    public String traceparent() {
        SpanContext ids = span.getSpanContext();
        return ids.isValid() ? "00-" + ids.getTraceId() + "-" + ids.getSpanId() + "-" + ids.getTraceFlags().asHex() : null;
    }

    /**
     * The headers of a record this work produces: {@code traceparent} naming this span as the parent
     * (and {@code tracestate}), and the request id; bounded ({@link TraceHeaders}).
     */
    public Headers recordHeaders() {
        return addTo(new RecordHeaders());
    }

    /** Adds this work's trace headers to {@code headers} (replacing any of those names) and returns them. */
    public Headers addTo(Headers headers) {
        Tracing.inject(context, headers);
        String requestId = requestId();
        if (requestId != null) {
            headers.remove(TraceHeaders.REQUEST_ID);
            headers.add(TraceHeaders.REQUEST_ID, requestId.getBytes(StandardCharsets.UTF_8));
        }
        return headers;
    }

    public Traced attribute(String key, String value) {
        if (value != null) {
            span.setAttribute(key, value);
        }
        return this;
    }

    public Traced attribute(String key, long value) {
        span.setAttribute(AttributeKey.longKey(key), value);
        return this;
    }

    /** Marks the work failed (a dead letter, a refused write), with why. */
    public Traced fail(String reason) {
        span.setStatus(StatusCode.ERROR, reason);
        return this;
    }

    /**
     * Makes this work current on this thread, its ids in the MDC, until the returned scope closes
     * (which restores what was there: scopes nest).
     */
    public In enter() {
        Scope scope = context.makeCurrent();
        SpanContext ids = span.getSpanContext();
        String previousTrace = MDC.get(MDC_TRACE_ID);
        String previousSpan = MDC.get(MDC_SPAN_ID);
        String previousRequest = MDC.get(MDC_REQUEST_ID);
        put(MDC_TRACE_ID, ids.isValid() ? ids.getTraceId() : null);
        put(MDC_SPAN_ID, ids.isValid() ? ids.getSpanId() : null);
        put(MDC_REQUEST_ID, requestId());
        return () -> {
            put(MDC_TRACE_ID, previousTrace);
            put(MDC_SPAN_ID, previousSpan);
            put(MDC_REQUEST_ID, previousRequest);
            scope.close();
        };
    }

    /** Ends the span (once; later calls do nothing). */
    public void end() {
        span.end();
    }

    private static void put(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }

    /** A scope that closes without a checked exception. */
    @FunctionalInterface
    public interface In extends AutoCloseable {
        @Override
        void close();
    }
}
