package io.agentmatch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.agentmatch.api.events.EventPublisher;
import io.agentmatch.api.fakes.FakePipeline;
import io.agentmatch.api.fakes.TestApi;
import io.agentmatch.contract.events.Topics;
import io.agentmatch.contract.kafka.KafkaClients;
import io.agentmatch.contract.kafka.KafkaConnection;
import io.agentmatch.contract.trace.TraceHeaders;
import io.agentmatch.contract.trace.Traced;
import io.agentmatch.contract.trace.Tracing;
import io.agentmatch.localstack.Await;
import io.agentmatch.processor.ProcessorApp;
import io.agentmatch.processor.health.ProcessorMetrics;
import io.agentmatch.processor.persist.PersistSettings;
import io.agentmatch.processor.persist.PersistTopology;
import io.agentmatch.processor.storage.ItemWriter;
import io.agentmatch.processor.storage.PendingWrite;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Every request is traced: it continues the client's W3C {@code traceparent} or starts a trace (a
 * malformed one is never an error), answers its request id and trace, logs its access line with
 * them, and its event carries them to the processor, whose span joins the same trace.
 */
class RequestTracingTest {
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CLIENT_SPAN = "00f067aa0ba902b7";
    private static final String TRACEPARENT = "00-" + TRACE_ID + "-" + CLIENT_SPAN + "-01";
    private static final String PROFILE = "{\"name\":\"Ann\",\"job\":\"Plumber\"}";

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final Tracing tracing = Tracing.of(OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build()).build());
    private final MockProducer<String, byte[]> producer =
            new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
    private TestApi api;

    @AfterEach
    void stop() {
        if (api != null) {
            api.close();
        }
    }

    private Http start(String token) {
        api = new TestApi(Map.of(), token, new FakePipeline(), new EventPublisher(producer, new SimpleMeterRegistry(), tracing),
                tracing);
        return new Http(api.port(), token);
    }

    @Test
    void everyAnswerCarriesItsRequestIdAndTheTraceItBelongsTo() {
        Http http = start(null);
        Http.Response fresh = http.get("/health");
        String requestId = fresh.header(TraceHeaders.HTTP_REQUEST_ID);
        assertTrue(requestId != null && TraceHeaders.validRequestId(requestId) != null, "one we made: " + requestId);
        assertTrue(fresh.header(TraceHeaders.HTTP_TRACE_RESPONSE).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}"),
                fresh.header(TraceHeaders.HTTP_TRACE_RESPONSE));
        assertNotEquals(requestId, http.get("/health").header(TraceHeaders.HTTP_REQUEST_ID), "one per request");

        Http.Response continued = http.get("/health", Map.of(TraceHeaders.TRACEPARENT, TRACEPARENT,
                TraceHeaders.HTTP_REQUEST_ID, "client-req-1"));
        assertEquals("client-req-1", continued.header(TraceHeaders.HTTP_REQUEST_ID), "the client's, when valid");
        String traceresponse = continued.header(TraceHeaders.HTTP_TRACE_RESPONSE);
        assertTrue(traceresponse.startsWith("00-" + TRACE_ID + "-"), "the client's trace: " + traceresponse);
        assertFalse(traceresponse.contains(CLIENT_SPAN), "the server's own span: " + traceresponse);

        String invalid = "has spaces and is " + "x".repeat(100);
        assertNotEquals(invalid, http.get("/health", Map.of(TraceHeaders.HTTP_REQUEST_ID, invalid))
                .header(TraceHeaders.HTTP_REQUEST_ID), "an invalid request id is replaced, not refused");
    }

    @Test
    void aMalformedTraceparentStartsANewTraceAndNeverFailsTheRequest() {
        Http http = start(null);
        for (String malformed : List.of("garbage", "00-" + TRACE_ID + "-" + CLIENT_SPAN, "00-" + "0".repeat(32) + "-" + CLIENT_SPAN + "-01",
                "ff-" + TRACE_ID + "-" + CLIENT_SPAN + "-01", "00-" + TRACE_ID + "-" + CLIENT_SPAN + "-01-extra")) {
            Http.Response stored = http.post("/store", PROFILE, Map.of(TraceHeaders.TRACEPARENT, malformed));
            assertEquals(201, stored.status(), malformed + ": " + stored.body());
            String traceresponse = stored.header(TraceHeaders.HTTP_TRACE_RESPONSE);
            assertTrue(traceresponse.matches("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}") && !traceresponse.contains(TRACE_ID),
                    malformed + " -> " + traceresponse);
        }
    }

    @Test
    void refusedRequestsAreTracedToo() {
        start("s3cret");
        Http anonymous = new Http(api.port(), null);
        Http.Response refused = anonymous.get("/list");
        assertEquals(401, refused.status());
        assertTrue(refused.header(TraceHeaders.HTTP_REQUEST_ID) != null && refused.header(TraceHeaders.HTTP_TRACE_RESPONSE) != null);
    }

    @Test
    void theRequestsSpanThePublicationAndTheProcessorsSpanShareTheTraceIdCarriedInTheHeaders() throws Exception {
        Http http = start(null);
        Http.Response stored = http.post("/store", PROFILE, Map.of(TraceHeaders.TRACEPARENT, TRACEPARENT,
                TraceHeaders.HTTP_REQUEST_ID, "req-42"));
        assertEquals(201, stored.status(), stored.body());

        // The event's record carries the trace (the publication's span as parent) and the request id.
        ProducerRecord<String, byte[]> published = producer.history().get(0);
        Await.until("the request's span ended", Duration.ofSeconds(10), () -> named("POST /store").size() == 1);
        SpanData request = named("POST /store").get(0);
        SpanData send = named("send " + new Topics("").profileEvents()).get(0);
        assertEquals(SpanKind.SERVER, request.getKind());
        assertEquals(TRACE_ID, request.getTraceId());
        assertEquals(CLIENT_SPAN, request.getParentSpanId());
        assertEquals("/store", request.getAttributes().get(io.opentelemetry.api.common.AttributeKey.stringKey("http.route")));
        assertEquals(request.getSpanId(), send.getParentSpanId(), "the publication is the request's child");
        assertEquals("00-" + TRACE_ID + "-" + send.getSpanId() + "-01", value(published.headers(), TraceHeaders.TRACEPARENT));
        assertEquals("req-42", value(published.headers(), TraceHeaders.REQUEST_ID));

        // The processor, on that record: its span is the publication's child, in the same trace.
        Topics topics = new Topics("");
        try (TopologyTestDriver processor = new TopologyTestDriver(PersistTopology.build(topics, new AcceptingWriter(),
                new ProcessorMetrics(), new PersistSettings(4, Duration.ofMillis(20), 1000), tracing),
                ProcessorApp.streamsSpec(KafkaClients.of(KafkaConnection.plaintext("unused:9092"), "test"), "persister",
                        "trace-test", Files.createTempDirectory("trace-test"), 1, 1).properties())) {
            processor.createInputTopic(topics.profileEvents(), new StringSerializer(), new ByteArraySerializer())
                    .pipeInput(new TestRecord<>(published.key(), published.value(), published.headers()));
        }
        SpanData persisted = named("persist " + topics.profileEvents()).get(0);
        assertEquals(TRACE_ID, persisted.getTraceId());
        assertEquals(send.getSpanId(), persisted.getParentSpanId(), "the processor's span is the publication's child");
    }

    @Test
    void theAccessLineCarriesTheRequestAndTraceIdsInItsMdcOnOneLine() {
        Logger access = (Logger) LoggerFactory.getLogger("access");
        ListAppender<ILoggingEvent> lines = new ListAppender<>() {
            @Override
            protected void append(ILoggingEvent event) {
                event.prepareForDeferredProcessing();
                super.append(event);
            }
        };
        lines.start();
        Level before = access.getLevel();
        access.setLevel(Level.INFO);
        access.addAppender(lines);
        try {
            Http http = start(null);
            Http.Response stored = http.post("/store", PROFILE, Map.of(TraceHeaders.TRACEPARENT, TRACEPARENT,
                    TraceHeaders.HTTP_REQUEST_ID, "acc-1"));
            assertEquals(201, stored.status());
            Await.until("the access line", Duration.ofSeconds(10), () -> !lines.list.isEmpty());
            ILoggingEvent line = lines.list.get(0);
            assertTrue(line.getFormattedMessage().startsWith("POST /store 201 "), line.getFormattedMessage());
            assertFalse(line.getFormattedMessage().contains("\n"));
            assertEquals("acc-1", line.getMDCPropertyMap().get(Traced.MDC_REQUEST_ID));
            assertEquals(TRACE_ID, line.getMDCPropertyMap().get(Traced.MDC_TRACE_ID));
            assertEquals(stored.header(TraceHeaders.HTTP_TRACE_RESPONSE).split("-")[2], line.getMDCPropertyMap().get(Traced.MDC_SPAN_ID));
        } finally {
            access.detachAppender(lines);
            access.setLevel(before);
        }
    }

    private List<SpanData> named(String name) {
        return spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
    }

    private static String value(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** Accepts every write at once. */
    private static final class AcceptingWriter implements ItemWriter {
        @Override
        public CompletableFuture<Set<String>> writeBatch(List<PendingWrite> writes) {
            return CompletableFuture.completedFuture(Set.of());
        }

        @Override
        public CompletableFuture<Outcome> writeOne(PendingWrite write) {
            return CompletableFuture.completedFuture(Outcome.WRITTEN);
        }
    }
}
