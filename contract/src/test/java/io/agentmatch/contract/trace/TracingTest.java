package io.agentmatch.contract.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.agentmatch.contract.Limits;
import io.agentmatch.contract.config.Env;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class TracingTest {
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String PARENT = "00-" + TRACE_ID + "-00f067aa0ba902b7-01";

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final Tracing tracing = Tracing.of(OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build()).build());

    @AfterEach
    void clean() {
        MDC.clear();
    }

    @Test
    void aRecordsTraceIsContinuedItsHeadersNameTheNewSpanAsParentAndKeepTheRequestId() {
        Traced work = tracing.start("persist", SpanKind.CONSUMER, tracing.fromRecord(headers(
                TraceHeaders.TRACEPARENT, PARENT, TraceHeaders.TRACESTATE, "vendor=abc", TraceHeaders.REQUEST_ID, "req-1")));
        work.end();

        assertEquals(TRACE_ID, work.traceId());
        assertEquals("req-1", work.requestId());
        Headers carried = work.recordHeaders();
        String spanId = spans.getFinishedSpanItems().get(0).getSpanId();
        assertEquals("00-" + TRACE_ID + "-" + spanId + "-01", value(carried, TraceHeaders.TRACEPARENT));
        assertEquals("vendor=abc", value(carried, TraceHeaders.TRACESTATE));
        assertEquals("req-1", value(carried, TraceHeaders.REQUEST_ID));
        assertEquals("00f067aa0ba902b7", spans.getFinishedSpanItems().get(0).getParentSpanId());
    }

    @Test
    void aMalformedOrMissingTraceparentStartsANewTraceNeverAnError() {
        for (String malformed : List.of("", "garbage", "00-" + TRACE_ID + "-00f067aa0ba902b7", "00-" + "0".repeat(32)
                + "-00f067aa0ba902b7-01", "zz-" + TRACE_ID + "-00f067aa0ba902b7-01", "00-" + TRACE_ID.toUpperCase()
                + "-00f067aa0ba902b7-01", "x".repeat(100_000))) {
            Traced work = tracing.start("request", SpanKind.SERVER,
                    tracing.fromHttp(Map.of(TraceHeaders.TRACEPARENT, malformed)::get, "r"));
            assertNotNull(work.traceId(), malformed);
            assertNotEquals(TRACE_ID, work.traceId(), malformed);
            assertEquals(32, work.traceId().length());
        }
        Traced fresh = tracing.start("request", SpanKind.SERVER, tracing.fromRecord(new RecordHeaders()));
        assertNotNull(fresh.traceId());
        assertNull(fresh.requestId());
    }

    @Test
    void whatARecordCarriesIsBoundedWhateverItsWriterSent() {
        Headers hostile = headers(TraceHeaders.TRACEPARENT, PARENT, TraceHeaders.TRACESTATE, "k=" + "v".repeat(100_000),
                TraceHeaders.REQUEST_ID, "r".repeat(100_000), "baggage", "b".repeat(100_000));
        Traced work = tracing.start("persist", SpanKind.CONSUMER, tracing.fromRecord(hostile));
        Headers carried = work.recordHeaders();

        assertEquals(TRACE_ID, work.traceId(), "the valid traceparent still counts");
        assertNull(carried.lastHeader(TraceHeaders.TRACESTATE), "an oversized tracestate is dropped");
        assertNull(carried.lastHeader(TraceHeaders.REQUEST_ID), "an invalid request id is dropped");
        assertNull(carried.lastHeader("baggage"), "only the trace context is carried");
        int bytes = 0;
        for (Header header : carried) {
            bytes += header.key().length() + header.value().length + 10;
        }
        assertTrue(bytes <= Limits.TRACE_HEADER_BYTES, bytes + " bytes");
        assertNull(TraceHeaders.validRequestId("has space"));
        assertNull(TraceHeaders.validRequestId("r".repeat(TraceHeaders.MAX_REQUEST_ID_CHARS + 1)));
        assertEquals("a-B_9.c:d", TraceHeaders.validRequestId("a-B_9.c:d"));
        String made = TraceHeaders.newRequestId();
        assertTrue(made.matches("[0-9a-f]{32}") && !made.equals(TraceHeaders.newRequestId()), made);
    }

    @Test
    void enteringWorkPutsItsIdsInTheMdcAndLeavingRestoresWhatWasThere() {
        MDC.put(Traced.MDC_TRACE_ID, "outer");
        Traced work = tracing.start("w", SpanKind.INTERNAL, tracing.fromHttp(Map.of(TraceHeaders.TRACEPARENT, PARENT)::get, "req-9"));
        try (Traced.In in = work.enter()) {
            assertEquals(TRACE_ID, MDC.get(Traced.MDC_TRACE_ID));
            assertEquals(work.span().getSpanContext().getSpanId(), MDC.get(Traced.MDC_SPAN_ID));
            assertEquals("req-9", MDC.get(Traced.MDC_REQUEST_ID));
            // Current: a span started inside is its child, and inherits the request id.
            Traced child = tracing.start("child", SpanKind.PRODUCER);
            assertEquals(TRACE_ID, child.traceId());
            assertEquals("req-9", child.requestId());
            try (Traced.In none = Traced.none().enter()) {
                assertNull(MDC.get(Traced.MDC_TRACE_ID));
            }
            assertEquals(TRACE_ID, MDC.get(Traced.MDC_TRACE_ID));
        }
        assertEquals("outer", MDC.get(Traced.MDC_TRACE_ID));
        assertNull(MDC.get(Traced.MDC_REQUEST_ID));
        assertEquals(Context.root(), Context.current());
    }

    @Test
    void withoutAnSdkEveryHopStillGetsItsSpanIdInTheSameTrace() {
        Tracing ids = Tracing.idsOnly();
        Traced work = ids.start("persist", SpanKind.CONSUMER, ids.fromRecord(headers(TraceHeaders.TRACEPARENT, PARENT,
                TraceHeaders.TRACESTATE, "vendor=abc")));
        String carried = value(work.recordHeaders(), TraceHeaders.TRACEPARENT);
        assertTrue(carried.startsWith("00-" + TRACE_ID + "-"), carried);
        assertTrue(carried.endsWith("-01"), carried);
        assertNotEquals(PARENT, carried, "a span id of its own");
        assertEquals("vendor=abc", value(work.recordHeaders(), TraceHeaders.TRACESTATE));
        Traced fresh = ids.start("request", SpanKind.SERVER, Context.root());
        assertNotNull(fresh.traceId(), "a new trace");
        assertTrue(fresh.traceparent().endsWith("-01"), "sampled: an exporting component downstream records its part");
    }

    @Test
    void autoconfiguredWithoutAnEndpointItMakesIdsAndExportsNothing() {
        try (Tracing auto = Tracing.autoconfigure("test", new Env(Map.of()))) {
            assertTrue(auto.describe().contains("no span exported"), auto.describe());
            Traced work = auto.start("request", SpanKind.SERVER, Context.root());
            assertNotNull(work.traceId(), "a request without traceparent starts a trace");
            work.end();
        }
    }

    @Test
    void withAnOtlpEndpointSpansAreExportedOverHttpWhenTheComponentCloses() throws Exception {
        List<String> received = new java.util.concurrent.CopyOnWriteArrayList<>();
        HttpServer collector = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        collector.createContext("/", exchange -> {
            received.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " "
                    + exchange.getRequestHeaders().getFirst("Content-Type") + " " + exchange.getRequestBody().readAllBytes().length);
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        collector.start();
        try {
            String endpoint = "http://127.0.0.1:" + collector.getAddress().getPort();
            Traced work;
            try (Tracing exporting = Tracing.autoconfigure("test", new Env(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint,
                    "OTEL_BSP_SCHEDULE_DELAY", "60000")))) {
                assertTrue(exporting.describe().contains("exported over OTLP to " + endpoint), exporting.describe());
                work = exporting.start("request", SpanKind.SERVER, Context.root());
                work.end();
            }
            assertEquals(1, received.size(), "flushed at close: " + received);
            assertTrue(received.get(0).startsWith("POST /v1/traces application/x-protobuf "), received.get(0));
            assertNotNull(work.traceId());
        } finally {
            collector.stop(0);
        }
    }

    private static Headers headers(String... namesAndValues) {
        Headers headers = new RecordHeaders();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            headers.add(namesAndValues[i], namesAndValues[i + 1].getBytes(StandardCharsets.UTF_8));
        }
        return headers;
    }

    private static String value(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
