package io.agentmatch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentmatch.contract.config.PipelineConfig;
import io.agentmatch.contract.events.JsonCodec;
import io.agentmatch.contract.events.Topics;
import io.agentmatch.contract.kafka.KafkaClients;
import io.agentmatch.contract.trace.TraceHeaders;
import io.agentmatch.localstack.Await;
import io.agentmatch.localstack.RunningComponent;
import io.agentmatch.localstack.TestStack;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An operator follows a trace id through the real jars with {@code LOG_FORMAT=json}: from the API's
 * answer to the API's access line, the processor's lines about the event and its projection; and a
 * poisoned event written straight to the topic with a {@code traceparent} to its dead letter, which
 * carries that same {@code traceparent}, and to the processor's warning about it.
 */
class TracingIT {
    private static final Duration FOLLOW = Duration.ofSeconds(90);
    private static TestStack stack;
    private static PipelineConfig config;
    private static Http http;

    @BeforeAll
    static void start() {
        stack = TestStack.shared();
        config = stack.isolatedConfig("tracing");
        // DEBUG: the processor's line per applied event and per published projection.
        stack.startProcessor(config, "processor-tracing", Map.of("LOG_FORMAT", "json", "LOG_LEVEL", "DEBUG"));
        RunningComponent api = stack.startApi(config, "api-tracing", TestStack.freePort(),
                Map.of("LOG_FORMAT", "json", "API_MATCHING", "false"));
        http = new Http(api.port(), null);
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.stop("api-tracing");
            stack.stop("processor-tracing");
        }
    }

    @Test
    void aStoreIsFollowedByItsTraceIdFromTheAnswerToTheProcessorsLinesAboutItsEvent() {
        String requestId = "it-" + UUID.randomUUID();
        Http.Response stored = http.post("/store", "{\"name\":\"Trace\",\"job\":\"Plumber\",\"description\":\"follows ids\"}",
                Map.of(TraceHeaders.HTTP_REQUEST_ID, requestId));
        assertEquals(201, stored.status(), stored.body());
        String id = stored.json().get("id").asText();
        assertEquals(requestId, stored.header(TraceHeaders.HTTP_REQUEST_ID));
        String traceId = stored.header(TraceHeaders.HTTP_TRACE_RESPONSE).split("-")[1];

        JsonNode access = awaitLine("api-tracing", "the access line of the request", line -> traceId.equals(text(line, "trace_id"))
                && text(line, "message").startsWith("POST /store 201 "));
        assertEquals(requestId, text(access, "request_id"));
        assertEquals("agentmatch-api", text(access, "service"));

        JsonNode applied = awaitLine("processor-tracing", "the processor's line about the event",
                line -> traceId.equals(text(line, "trace_id")) && text(line, "message").startsWith("applied PROFILE_CREATED for " + id));
        assertEquals(requestId, text(applied, "request_id"), "the request id travels in the record headers");
        assertEquals("agentmatch-processor", text(applied, "service"));
        assertNotNull(text(applied, "span_id"));

        JsonNode projected = awaitLine("processor-tracing", "the projector's line about the change",
                line -> traceId.equals(text(line, "trace_id")) && text(line, "message").startsWith("published the projection of " + id));
        assertEquals(requestId, text(projected, "request_id"));
        assertTrue(!text(projected, "span_id").equals(text(applied, "span_id")), "the projector works under a span of its own");
    }

    @Test
    void aPoisonedEventWithATraceparentIsFollowedToItsDeadLetterWhichKeepsIt() throws Exception {
        String traceId = hex(32);
        String traceparent = "00-" + traceId + "-" + hex(16) + "-01";
        String key = "poisoned-" + UUID.randomUUID();
        RecordHeaders headers = new RecordHeaders();
        headers.add(TraceHeaders.TRACEPARENT, traceparent.getBytes(StandardCharsets.UTF_8));
        headers.add(TraceHeaders.REQUEST_ID, "poison-1".getBytes(StandardCharsets.UTF_8));
        KafkaClients clients = KafkaClients.of(config.kafka(), "tracing-it");
        try (KafkaProducer<String, byte[]> producer = clients.producer("poison")
                .require(ProducerConfig.ACKS_CONFIG, "all").newProducer(new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(config.topics().profileEvents(), null, key,
                    "{\"this is\": \"not an event\"".getBytes(StandardCharsets.UTF_8), headers)).get();
        }

        ConsumerRecord<String, byte[]> dead = awaitDeadLetter(clients, key);
        assertEquals(traceparent, header(dead, TraceHeaders.TRACEPARENT), "the dead letter keeps the original traceparent");
        assertEquals("poison-1", header(dead, TraceHeaders.REQUEST_ID));
        assertTrue(header(dead, Topics.HEADER_DLQ_REASON).startsWith("unparseable event"), header(dead, Topics.HEADER_DLQ_REASON));
        assertEquals(config.topics().profileEvents(), header(dead, Topics.HEADER_DLQ_TOPIC));

        JsonNode warning = awaitLine("processor-tracing", "the processor's warning about the poisoned event",
                line -> traceId.equals(text(line, "trace_id")) && text(line, "message").startsWith("dead-lettering "));
        assertEquals("WARN", text(warning, "level"));
        assertEquals("poison-1", text(warning, "request_id"));
    }

    private static ConsumerRecord<String, byte[]> awaitDeadLetter(KafkaClients clients, String key) {
        List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = clients.consumer("dead-letters")
                .require(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
                .require(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false)
                .newConsumer(new StringDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition(config.topics().deadLetters(), 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            Await.until("the poisoned event's dead letter", FOLLOW, () -> {
                consumer.poll(Duration.ofMillis(500)).forEach(record -> {
                    if (key.equals(record.key())) {
                        found.add(record);
                    }
                });
                return !found.isEmpty();
            });
        }
        return found.get(0);
    }

    /** The first JSON line of the component's log that matches; waits for it (the log is written as the work goes). */
    private static JsonNode awaitLine(String component, String what, Predicate<JsonNode> matches) {
        List<JsonNode> found = new ArrayList<>();
        Await.until(what, FOLLOW, () -> {
            for (JsonNode line : jsonLines(stack.logFile(component))) {
                if (matches.test(line)) {
                    found.add(line);
                    return true;
                }
            }
            return false;
        });
        return found.get(0);
    }

    /** Every line of the file that is a JSON object (the supervisor writes a plain line at each start). */
    private static List<JsonNode> jsonLines(Path file) {
        List<JsonNode> lines = new ArrayList<>();
        try {
            // Decoded leniently: a native library may write anything to the same file.
            for (String line : new String(Files.readAllBytes(file), StandardCharsets.UTF_8).split("\n")) {
                if (line.startsWith("{")) {
                    lines.add(JsonCodec.readTree(line));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return lines;
    }

    private static String text(JsonNode line, String field) {
        JsonNode value = line.get(field);
        return value == null ? "" : value.asText();
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static String hex(int digits) {
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < digits; i++) {
            hex.append(Character.forDigit(ThreadLocalRandom.current().nextInt(16), 16));
        }
        return hex.toString();
    }
}
