package io.agentmatch.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmatch.contract.events.EventEnvelope;
import io.agentmatch.contract.events.EventSource;
import io.agentmatch.contract.events.EventType;
import io.agentmatch.contract.events.JsonCodec;
import io.agentmatch.contract.events.ProfileRecord;
import io.agentmatch.contract.events.Topics;
import io.agentmatch.contract.kafka.KafkaClients;
import io.agentmatch.contract.kafka.KafkaConnection;
import io.agentmatch.contract.trace.TraceHeaders;
import io.agentmatch.contract.trace.Traced;
import io.agentmatch.contract.trace.Tracing;
import io.agentmatch.matching.Embedder;
import io.agentmatch.processor.health.ProcessorMetrics;
import io.agentmatch.processor.persist.DeadLetters;
import io.agentmatch.processor.persist.PersistSettings;
import io.agentmatch.processor.persist.PersistTopology;
import io.agentmatch.processor.project.ProjectTopology;
import io.agentmatch.processor.storage.ItemWriter;
import io.agentmatch.processor.storage.PendingWrite;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The trace context an event arrives with follows the processor's work on it: the persister's span
 * is its child and names itself in the change's {@code traceparent}, the projector's span is the
 * change's child and names itself in the projection's; dead letters keep the record's own headers;
 * every line logged about the event carries its trace id and request id.
 */
class TraceContextTest {
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CLIENT_SPAN = "00f067aa0ba902b7";
    private static final String TRACEPARENT = "00-" + TRACE_ID + "-" + CLIENT_SPAN + "-01";

    private final Topics topics = new Topics("");
    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final Tracing tracing = Tracing.of(OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build()).build());
    private final List<TopologyTestDriver> drivers = new ArrayList<>();
    /** Captures the MDC as it was when the line was logged (as an asynchronous appender does). */
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>() {
        @Override
        protected void append(ILoggingEvent event) {
            event.prepareForDeferredProcessing();
            super.append(event);
        }
    };

    private final Logger processorLogs = (Logger) LoggerFactory.getLogger("io.agentmatch.processor");

    @BeforeEach
    void captureLogs() {
        logged.start();
        processorLogs.addAppender(logged);
        // The projector's publication lines are at debug.
        processorLogs.setLevel(ch.qos.logback.classic.Level.DEBUG);
    }

    @AfterEach
    void stop() {
        processorLogs.detachAppender(logged);
        processorLogs.setLevel(null);
        drivers.forEach(TopologyTestDriver::close);
    }

    @Test
    void anEventsTraceContinuesThroughThePersistSpanToItsChangeAndTheProjectSpanToItsProjection() throws Exception {
        TopologyTestDriver persist = persistDriver();
        TestInputTopic<String, byte[]> events = persist.createInputTopic(topics.profileEvents(), new StringSerializer(),
                new ByteArraySerializer());
        TestOutputTopic<String, byte[]> changes = persist.createOutputTopic(topics.profileChanges(), new StringDeserializer(),
                new ByteArrayDeserializer());
        events.pipeInput(new TestRecord<>("p1", event("p1"), headers(TraceHeaders.TRACEPARENT, TRACEPARENT,
                TraceHeaders.REQUEST_ID, "req-1")));

        TestRecord<String, byte[]> change = changes.readRecord();
        SpanData persisted = only("persist " + topics.profileEvents());
        assertEquals(TRACE_ID, persisted.getTraceId());
        assertEquals(CLIENT_SPAN, persisted.getParentSpanId(), "the persister's span is the event's child");
        assertEquals("00-" + TRACE_ID + "-" + persisted.getSpanId() + "-01", value(change.headers(), TraceHeaders.TRACEPARENT));
        assertEquals("req-1", value(change.headers(), TraceHeaders.REQUEST_ID));

        TopologyTestDriver project = projectDriver(new TinyEmbedder(2));
        project.createInputTopic(topics.profileChanges(), new StringSerializer(), new ByteArraySerializer())
                .pipeInput(new TestRecord<>(change.key(), change.value(), change.headers()));
        project.advanceWallClockTime(Duration.ofMillis(200));
        TestRecord<String, byte[]> projection = project.createOutputTopic(topics.profileProjections(),
                new StringDeserializer(), new ByteArrayDeserializer()).readRecord();

        SpanData projected = only("project " + topics.profileChanges());
        assertEquals(TRACE_ID, projected.getTraceId());
        assertEquals(persisted.getSpanId(), projected.getParentSpanId(), "the projector's span is the change's child");
        assertEquals("00-" + TRACE_ID + "-" + projected.getSpanId() + "-01", value(projection.headers(), TraceHeaders.TRACEPARENT));
        assertEquals("req-1", value(projection.headers(), TraceHeaders.REQUEST_ID));
        assertTrue(logged.list.stream().anyMatch(line -> line.getFormattedMessage().startsWith("published the projection of p1")
                && TRACE_ID.equals(line.getMDCPropertyMap().get(Traced.MDC_TRACE_ID))
                && projected.getSpanId().equals(line.getMDCPropertyMap().get(Traced.MDC_SPAN_ID))),
                "the projector logs the publication under the change's span, after the model's batch");
    }

    @Test
    void aDeadLetterKeepsTheRecordsHeadersAddsItsOwnAndIsLoggedWithTheEventsTraceId() {
        TopologyTestDriver persist = persistDriver();
        Headers original = headers(TraceHeaders.TRACEPARENT, TRACEPARENT, TraceHeaders.REQUEST_ID, "req-2",
                "x-writer", "someone", Topics.HEADER_DLQ_REASON, "a stale reason from an earlier life");
        persist.createInputTopic(topics.profileEvents(), new StringSerializer(), new ByteArraySerializer())
                .pipeInput(new TestRecord<>("p2", "not json".getBytes(StandardCharsets.UTF_8), original));

        TestRecord<String, byte[]> dead = persist.createOutputTopic(topics.deadLetters(), new StringDeserializer(),
                new ByteArrayDeserializer()).readRecord();
        assertEquals(TRACEPARENT, value(dead.headers(), TraceHeaders.TRACEPARENT), "the original traceparent, unchanged");
        assertEquals("req-2", value(dead.headers(), TraceHeaders.REQUEST_ID));
        assertEquals("someone", value(dead.headers(), "x-writer"));
        List<String> reasons = new ArrayList<>();
        dead.headers().headers(Topics.HEADER_DLQ_REASON).forEach(h -> reasons.add(new String(h.value(), StandardCharsets.UTF_8)));
        assertEquals(1, reasons.size(), "ours replace the record's dlq.* headers");
        assertTrue(reasons.get(0).startsWith("unparseable event"), reasons.get(0));
        assertEquals(topics.profileEvents(), value(dead.headers(), Topics.HEADER_DLQ_TOPIC));

        SpanData persisted = only("persist " + topics.profileEvents());
        assertEquals(StatusCode.ERROR, persisted.getStatus().getStatusCode());
        ILoggingEvent warning = logged.list.stream().filter(line -> line.getLoggerName().equals(DeadLetters.class.getName()))
                .findFirst().orElseThrow();
        assertEquals(TRACE_ID, warning.getMDCPropertyMap().get(Traced.MDC_TRACE_ID));
        assertEquals(persisted.getSpanId(), warning.getMDCPropertyMap().get(Traced.MDC_SPAN_ID));
        assertEquals("req-2", warning.getMDCPropertyMap().get(Traced.MDC_REQUEST_ID));
    }

    @Test
    void aProjectorsDeadLetterKeepsTheChangesHeaders() {
        TopologyTestDriver project = projectDriver(new TinyEmbedder(300_000));
        String changeParent = "00-" + TRACE_ID + "-1111111111111111-01";
        project.createInputTopic(topics.profileChanges(), new StringSerializer(), new ByteArraySerializer())
                .pipeInput(new TestRecord<>("p3", change("p3"), headers(TraceHeaders.TRACEPARENT, changeParent,
                        TraceHeaders.REQUEST_ID, "req-3")));
        project.advanceWallClockTime(Duration.ofMillis(200));

        TestRecord<String, byte[]> dead = project.createOutputTopic(topics.deadLetters(), new StringDeserializer(),
                new ByteArrayDeserializer()).readRecord();
        assertEquals(changeParent, value(dead.headers(), TraceHeaders.TRACEPARENT));
        assertEquals("req-3", value(dead.headers(), TraceHeaders.REQUEST_ID));
        assertNotNull(dead.headers().lastHeader(Topics.HEADER_DLQ_REASON));
        assertEquals(StatusCode.ERROR, only("project " + topics.profileChanges()).getStatus().getStatusCode());
    }

    @Test
    void anEventWithoutTraceContextStartsItsOwnTrace() {
        TopologyTestDriver persist = persistDriver();
        persist.createInputTopic(topics.profileEvents(), new StringSerializer(), new ByteArraySerializer())
                .pipeInput("p4", event("p4"));
        TestRecord<String, byte[]> change = persist.createOutputTopic(topics.profileChanges(), new StringDeserializer(),
                new ByteArrayDeserializer()).readRecord();
        SpanData persisted = only("persist " + topics.profileEvents());
        assertNotEquals(TRACE_ID, persisted.getTraceId());
        assertTrue(value(change.headers(), TraceHeaders.TRACEPARENT).contains(persisted.getTraceId()));
    }

    // ---------------------------------------------------------------------------------------------

    private TopologyTestDriver persistDriver() {
        Properties props = props("persister", "trace-persist");
        TopologyTestDriver driver = new TopologyTestDriver(PersistTopology.build(topics, new AcceptingWriter(),
                new ProcessorMetrics(), new PersistSettings(4, Duration.ofMillis(20), 1000), tracing), props);
        drivers.add(driver);
        return driver;
    }

    private TopologyTestDriver projectDriver(Embedder model) {
        Properties props = props("projector", "trace-project");
        props.put(StreamsConfig.TOPOLOGY_OPTIMIZATION_CONFIG, StreamsConfig.OPTIMIZE);
        TopologyTestDriver driver = new TopologyTestDriver(ProjectTopology.build(topics, model, new ProcessorMetrics(), 1,
                Duration.ofMillis(100), props, tracing), props);
        drivers.add(driver);
        return driver;
    }

    private static Properties props(String role, String applicationId) {
        try {
            return ProcessorApp.streamsSpec(KafkaClients.of(KafkaConnection.plaintext("unused:9092"), "test"), role,
                    applicationId, Files.createTempDirectory(applicationId), 1, 1).properties();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private SpanData only(String name) {
        List<SpanData> named = spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
        assertEquals(1, named.size(), "spans named " + name + ": " + spans.getFinishedSpanItems());
        return named.get(0);
    }

    private static byte[] event(String id) {
        ObjectNode data = JsonCodec.MAPPER.createObjectNode().put("name", "Ann").put("job", "Plumber");
        return JsonCodec.toBytes(EventEnvelope.of(EventType.PROFILE_CREATED, EventSource.API, id, null,
                new ProfileRecord(id, "2024-01-01T00:00:00.000001", data).toJson()));
    }

    private static byte[] change(String id) {
        ObjectNode data = JsonCodec.MAPPER.createObjectNode().put("name", "Ann").put("job", "Plumber");
        return io.agentmatch.processor.project.ProfileChange.upsert(new ProfileRecord(id, "2024-01-01T00:00:00.000001", data), 7)
                .toBytes();
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

    /** Vectors of a chosen size (a huge one makes a projection too large for Kafka). */
    private record TinyEmbedder(int dimensions) implements Embedder {
        @Override
        public float[] embed(String text) {
            return new float[dimensions];
        }

        @Override
        public List<float[]> embedAll(List<String> texts) {
            return texts.stream().map(this::embed).toList();
        }

        @Override
        public String modelName() {
            return "tiny";
        }
    }
}
