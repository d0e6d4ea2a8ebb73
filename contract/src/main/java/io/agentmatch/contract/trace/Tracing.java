package io.agentmatch.contract.trace;

import io.agentmatch.contract.config.Env;
import io.agentmatch.contract.config.Setting;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.trace.IdGenerator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.common.header.Headers;

/**
 * Spans and the trace context of one component (README, "Logs and traces"). The OpenTelemetry SDK,
 * autoconfigured from the SDK's own {@code OTEL_*} variables; we only choose the defaults: the
 * service {@code agentmatch-<component>}, no metrics or logs exporter (metrics are Prometheus'), and
 * a trace exporter only when an OTLP endpoint is set. Without one, the SDK records nothing and
 * spans are ids only: a request without {@code traceparent} still starts a trace, and every hop gets
 * its own span id, so the logs can be followed by trace id (id propagation, no other cost).
 *
 * <p>Only the W3C trace context propagates ({@link TraceHeaders}), whatever {@code OTEL_PROPAGATORS}
 * says: it is our header contract with the clients and between the components, and its size is
 * bounded (baggage is not).
 */
public final class Tracing implements AutoCloseable {
    public static final Setting<String> OTLP_ENDPOINT = Setting.text("OTEL_EXPORTER_OTLP_ENDPOINT", null,
            "set: spans are exported over OTLP (HTTP/protobuf) to this collector, e.g. http://otel-collector:4318 (the "
                    + "OpenTelemetry SDK reads it and its other OTEL_* variables); unset: trace ids are propagated and "
                    + "logged, no span is exported");
    public static final Setting<String> OTLP_TRACES_ENDPOINT = Setting.text("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", null,
            "the same for traces only (the full URL, e.g. http://otel-collector:4318/v1/traces); either one turns export on");
    public static final List<Setting<?>> SETTINGS = List.of(OTLP_ENDPOINT, OTLP_TRACES_ENDPOINT);

    /** The request id travels in the context, next to the span. */
    static final ContextKey<String> REQUEST_ID = ContextKey.named("agentmatch.request_id");

    private static final TextMapPropagator W3C = W3CTraceContextPropagator.getInstance();
    private static final IdGenerator IDS = IdGenerator.random();

    private final OpenTelemetry openTelemetry;
    private final Tracer tracer;
    private final String description;

    private Tracing(OpenTelemetry openTelemetry, String description) {
        this.openTelemetry = openTelemetry;
        this.tracer = openTelemetry.getTracer("io.agentmatch");
        this.description = description;
    }

    /**
     * The SDK as the environment configures it for {@code component} (api, processor, migrator).
     * The caller closes it on shutdown, which exports the spans still buffered.
     */
    public static Tracing autoconfigure(String component, Env env) {
        boolean export = OTLP_ENDPOINT.isSet(env) || OTLP_TRACES_ENDPOINT.isSet(env);
        Map<String, String> defaults = new HashMap<>();
        defaults.put("otel.service.name", "agentmatch-" + component);
        defaults.put("otel.traces.exporter", export ? "otlp" : "none");
        // The JDK's HTTP client is the only sender we ship: OTLP over HTTP, not gRPC (the SDK's default).
        defaults.put("otel.exporter.otlp.protocol", "http/protobuf");
        defaults.put("otel.metrics.exporter", "none");
        defaults.put("otel.logs.exporter", "none");
        // The SDK reads the process's OTEL_* variables itself; these are the same ones as env holds them
        // (so a test's environment counts too), in the SDK's property spelling.
        Map<String, String> given = new HashMap<>();
        env.all().forEach((name, value) -> {
            if (name.startsWith("OTEL_") && value != null && !value.isBlank()) {
                given.put(name.toLowerCase(java.util.Locale.ROOT).replace('_', '.'), value.trim());
            }
        });
        OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
                .addPropertiesSupplier(() -> defaults)
                .addPropertiesCustomizer(config -> given)
                // We close it ourselves, after the component stopped making spans (an SDK hook may run first).
                .disableShutdownHook()
                .build()
                .getOpenTelemetrySdk();
        String endpoint = OTLP_TRACES_ENDPOINT.isSet(env) ? OTLP_TRACES_ENDPOINT.read(env) : OTLP_ENDPOINT.read(env);
        return new Tracing(sdk, export
                ? "traces: exported over OTLP to " + endpoint + " (OpenTelemetry SDK, OTEL_* variables)"
                : "traces: W3C trace context propagated and logged, no span exported (OTEL_EXPORTER_OTLP_ENDPOINT unset)");
    }

    /** On this OpenTelemetry (tests: an SDK with an in-memory exporter). */
    public static Tracing of(OpenTelemetry openTelemetry) {
        return new Tracing(openTelemetry, "traces: " + openTelemetry.getClass().getSimpleName());
    }

    /**
     * No SDK: ids only ({@link #start}), nothing recorded. What a component without an OTLP endpoint
     * does; for tests and tools that need no spans of their own.
     */
    public static Tracing idsOnly() {
        return new Tracing(OpenTelemetry.noop(), "traces: ids only");
    }

    /** One line for the start-up log. */
    public String describe() {
        return description;
    }

    // --- reading the context ----------------------------------------------------------------------

    /** The context of an HTTP request ({@code header}: name to value), with {@code requestId}. */
    public Context fromHttp(Function<String, String> header, String requestId) {
        return withRequestId(W3C.extract(Context.root(), header, TraceHeaders.HTTP_GETTER), requestId);
    }

    /** The context a record carries (none, or an invalid one, reads as the root context). */
    public Context fromRecord(Headers headers) {
        if (headers == null) {
            return Context.root();
        }
        return withRequestId(W3C.extract(Context.root(), headers, TraceHeaders.KAFKA_GETTER), TraceHeaders.requestId(headers));
    }

    private static Context withRequestId(Context context, String requestId) {
        return requestId == null ? context : context.with(REQUEST_ID, requestId);
    }

    // --- spans ------------------------------------------------------------------------------------

    /**
     * Starts a span under {@code parent} (a new trace when the parent holds none). When the SDK records
     * nothing (no exporter, so no span processor: its tracer is disabled), the span is ids only: the
     * parent's trace id (or a new one, sampled) and a new span id, no attributes, nothing to end.
     */
    public Traced start(String name, SpanKind kind, Context parent) {
        Span span = tracer.isEnabled()
                ? tracer.spanBuilder(name).setSpanKind(kind).setParent(parent).startSpan()
                : idsOnly(Span.fromContext(parent).getSpanContext());
        return new Traced(span, parent.with(span));
    }

    private static Span idsOnly(SpanContext parent) {
        return Span.wrap(parent.isValid()
                ? SpanContext.create(parent.getTraceId(), IDS.generateSpanId(), parent.getTraceFlags(), parent.getTraceState())
                : SpanContext.create(IDS.generateTraceId(), IDS.generateSpanId(), TraceFlags.getSampled(), TraceState.getDefault()));
    }

    /** Starts a span under the current context (the request's, inside a request). */
    public Traced start(String name, SpanKind kind) {
        return start(name, kind, Context.current());
    }

    /** Writes the W3C headers of {@code context} on {@code headers} (replacing any). */
    static void inject(Context context, Headers headers) {
        W3C.inject(context, headers, TraceHeaders.KAFKA_SETTER);
    }

    /** Flushes and stops the exporter (within 5 s). */
    @Override
    public void close() {
        if (openTelemetry instanceof OpenTelemetrySdk sdk) {
            sdk.shutdown().join(5, TimeUnit.SECONDS);
        }
    }
}
