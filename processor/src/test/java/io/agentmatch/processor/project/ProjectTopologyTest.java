package io.agentmatch.processor.project;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmatch.contract.Limits;
import io.agentmatch.contract.events.EventSchemas;
import io.agentmatch.contract.events.JsonCodec;
import io.agentmatch.contract.events.MatchProjection;
import io.agentmatch.contract.events.ProfileRecord;
import io.agentmatch.contract.events.Topics;
import io.agentmatch.contract.trace.Tracing;
import io.agentmatch.matching.Embedder;
import io.agentmatch.processor.health.ProcessorMetrics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import io.agentmatch.contract.kafka.KafkaClients;
import io.agentmatch.contract.kafka.KafkaConnection;
import io.agentmatch.processor.ProcessorApp;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProjectTopologyTest {
    /**
     * Counts inferences; the vector encodes the text length so tests can tell embeddings apart. It has the
     * production model's dimensions, so its projections are ones the published schema accepts.
     */
    static class CountingEmbedder implements Embedder {
        final AtomicInteger texts = new AtomicInteger();

        @Override
        public float[] embed(String text) {
            texts.incrementAndGet();
            float[] vector = new float[Limits.EMBEDDING_DIMENSIONS];
            vector[0] = text.length();
            vector[1] = 1f;
            return vector;
        }

        @Override
        public List<float[]> embedAll(List<String> all) {
            return all.stream().map(this::embed).toList();
        }

        @Override
        public String modelName() {
            return "counting";
        }

        @Override
        public int dimensions() {
            return Limits.EMBEDDING_DIMENSIONS;
        }
    }

    private final Topics topics = new Topics("");
    private final CountingEmbedder embedder = new CountingEmbedder();
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> changes;
    private TestOutputTopic<String, byte[]> projections;

    @BeforeEach
    void start() throws Exception {
        startWith(embedder);
    }

    /** A fresh driver (own state dir) on the projector topology with this model. */
    private void startWith(Embedder model) throws Exception {
        // The production properties, so the driver runs the topology as the processor does.
        Properties props = ProcessorApp.streamsSpec(KafkaClients.of(KafkaConnection.plaintext("unused:9092"), "test"),
                "projector", "project-test", Files.createTempDirectory("project-test"), 1, 1)
                .require(StreamsConfig.TOPOLOGY_OPTIMIZATION_CONFIG, StreamsConfig.OPTIMIZE).properties();
        driver = new TopologyTestDriver(ProjectTopology.build(topics, model, new ProcessorMetrics(), 4,
                Duration.ofMillis(100), props, Tracing.idsOnly()), props);
        changes = driver.createInputTopic(topics.profileChanges(), new StringSerializer(), new ByteArraySerializer());
        projections = driver.createOutputTopic(topics.profileProjections(), new StringDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private void change(String id, long version, String json) throws Exception {
        ProfileRecord record = new ProfileRecord(id, "2024-01-01T00:00:00.000001", (ObjectNode) JsonCodec.readTree(json));
        changes.pipeInput(id, ProfileChange.upsert(record, version).toBytes());
        driver.advanceWallClockTime(Duration.ofMillis(200));
    }

    /** The projections emitted since the last call, each checked against the published schema (docs/schemas). */
    private List<TestRecord<String, byte[]>> emitted() throws Exception {
        List<TestRecord<String, byte[]>> out = projections.readRecordsToList();
        for (TestRecord<String, byte[]> projection : out) {
            assertEquals(Optional.empty(), EventSchemas.get().check("record-key.json", JsonCodec.MAPPER.valueToTree(projection.key())));
            if (projection.value() != null) { // a removal is a tombstone
                assertEquals(Optional.empty(), EventSchemas.get().check("match-projection.json", JsonCodec.readTree(projection.value())));
            }
        }
        return out;
    }

    @Test
    void aProjectionTooLargeForKafkaIsDeadLetteredAndRemovedFromMatchingAndTheProjectorGoesOn() throws Exception {
        TestOutputTopic<String, byte[]> deadLetters = driver.createOutputTopic(topics.deadLetters(), new StringDeserializer(),
                new ByteArrayDeserializer());
        change("big", 1, "{\"job\":\"Plumber\",\"description\":\"pipes\"}");
        assertEquals(1, emitted().size());
        // A change from an older producer whose projection, with the city and embedding, exceeds a Kafka record.
        change("big", 2, "{\"job\":\"Plumber\",\"description\":\"" + "\\u0001".repeat(Limits.KAFKA_MAX_RECORD_BYTES / 6)
                + "\"}");
        change("next", 3, "{\"job\":\"Chef\",\"description\":\"cooking\"}");
        List<TestRecord<String, byte[]>> out = emitted();
        assertEquals(2, out.size());
        assertEquals("big", out.get(0).key());
        assertNull(out.get(0).value(), "never matched with its stale content");
        assertEquals("next", out.get(1).key());
        List<TestRecord<String, byte[]>> letters = deadLetters.readRecordsToList();
        assertEquals(1, letters.size());
        assertEquals(2, ProfileChange.fromBytes(letters.get(0).value()).version());
        String reason = new String(letters.get(0).headers().lastHeader(Topics.HEADER_DLQ_REASON).value(), StandardCharsets.UTF_8);
        assertTrue(reason.startsWith("match projection too large"), reason);
        assertEquals(topics.profileChanges(), new String(letters.get(0).headers().lastHeader(Topics.HEADER_DLQ_TOPIC).value(),
                StandardCharsets.UTF_8));
    }

    @Test
    void embedsOnceAndReusesTheEmbeddingWhenOnlyOtherFieldsChange() throws Exception {
        change("p1", 1, "{\"job\":\"Plumber\",\"description\":\"pipes\",\"tags\":[\"a\"],\"averagePrice\":40,\"location\":[\"Berlin\",\"DE\"]}");
        List<TestRecord<String, byte[]>> first = emitted();
        assertEquals(1, first.size());
        MatchProjection projection = MatchProjection.fromBytes(first.get(0).value());
        assertEquals("Berlin", projection.city());
        assertEquals(1, embedder.texts.get());

        change("p1", 2, "{\"job\":\"Plumber\",\"description\":\"pipes\",\"tags\":[\"a\"],\"averagePrice\":55,\"location\":[\"Berlin\",\"DE\"]}");
        MatchProjection repriced = MatchProjection.fromBytes(emitted().get(0).value());
        assertEquals(55, repriced.averagePrice().intValue());
        assertArrayEquals(projection.vector(), repriced.vector());
        assertEquals(1, embedder.texts.get(), "a price change costs no model time");
    }

    @Test
    void aReplayOfUnchangedProfilesCostsNoModelTimeAndEmitsNothing() throws Exception {
        for (int i = 0; i < 10; i++) {
            change("r" + i, i, "{\"job\":\"Chef\",\"description\":\"cooking " + i + "\"}");
        }
        assertEquals(10, emitted().size());
        assertEquals(10, embedder.texts.get());
        for (int i = 0; i < 10; i++) {
            change("r" + i, i, "{\"job\":\"Chef\",\"description\":\"cooking " + i + "\"}");
        }
        assertEquals(0, emitted().size());
        assertEquals(10, embedder.texts.get());
    }

    @Test
    void aTextChangeReEmbedsAndADeleteRemoves() throws Exception {
        change("t1", 1, "{\"job\":\"Chef\",\"description\":\"short\"}");
        MatchProjection before = MatchProjection.fromBytes(emitted().get(0).value());
        change("t1", 2, "{\"job\":\"Chef\",\"description\":\"a much longer description\"}");
        MatchProjection after = MatchProjection.fromBytes(emitted().get(0).value());
        assertEquals(2, embedder.texts.get());
        assertEquals(false, before.textHash().equals(after.textHash()));
        changes.pipeInput("t1", ProfileChange.delete("t1", 3).toBytes());
        driver.advanceWallClockTime(Duration.ofMillis(200));
        List<TestRecord<String, byte[]>> removed = emitted();
        assertEquals(1, removed.size());
        assertNull(removed.get(0).value(), "a delete is a tombstone");
    }

    /** Completes each batch only when the test says so, like a model busy on other threads. */
    static final class GatedEmbedder extends CountingEmbedder {
        final List<CompletableFuture<List<float[]>>> batches = new ArrayList<>();
        final List<List<String>> texts = new ArrayList<>();

        @Override
        public CompletableFuture<List<float[]>> embedAllAsync(List<String> all) {
            batches.add(new CompletableFuture<>());
            texts.add(all);
            return batches.get(batches.size() - 1);
        }

        void release(int batch) {
            batches.get(batch).complete(embedAll(texts.get(batch)));
        }
    }

    private GatedEmbedder gated() throws Exception {
        driver.close();
        GatedEmbedder gated = new GatedEmbedder();
        startWith(gated);
        return gated;
    }

    private long pendingChanges() {
        KeyValueStore<String, byte[]> store = driver.getKeyValueStore(Projector.PENDING_STORE);
        return store.approximateNumEntries();
    }

    @Test
    void aDeleteIsNeverOvertakenByTheEmbeddingOfAnEarlierCreate() throws Exception {
        GatedEmbedder model = gated();
        change("d1", 1, "{\"job\":\"Chef\",\"description\":\"soups\"}");
        changes.pipeInput("d1", ProfileChange.delete("d1", 2).toBytes());
        driver.advanceWallClockTime(Duration.ofMillis(200));
        assertEquals(0, emitted().size(), "the delete waits behind the create still being embedded");
        assertEquals(1, pendingChanges(), "the newest change of d1 waits in the store until forwarded");

        model.release(0);
        driver.advanceWallClockTime(Duration.ofMillis(200));
        List<TestRecord<String, byte[]>> out = emitted();
        assertEquals(2, out.size());
        assertEquals("d1", MatchProjection.fromBytes(out.get(0).value()).id());
        assertNull(out.get(1).value(), "then the tombstone: d1 ends unmatchable");
        assertEquals(0, pendingChanges());
    }

    @Test
    void aNewerChangeKeepsItsPlaceWhileAnOlderOneIsForwarded() throws Exception {
        GatedEmbedder model = gated();
        change("u1", 1, "{\"job\":\"Chef\",\"description\":\"soups\"}");
        change("u1", 2, "{\"job\":\"Chef\",\"description\":\"soups and stews\"}");
        assertEquals(2, model.batches.size(), "two batches in flight at the model");

        model.release(0);
        driver.advanceWallClockTime(Duration.ofMillis(200));
        assertEquals(1, emitted().size());
        assertEquals(1, pendingChanges(), "version 2 still waits for its embedding");

        model.release(1);
        driver.advanceWallClockTime(Duration.ofMillis(200));
        MatchProjection last = MatchProjection.fromBytes(emitted().get(0).value());
        assertEquals(2, last.version());
        assertEquals(0, pendingChanges());
    }

    @Test
    void atMostAFewBatchesWaitAtTheModel() throws Exception {
        GatedEmbedder model = gated();
        for (int i = 0; i < Projector.MAX_IN_FLIGHT; i++) {
            change("m" + i, 1, "{\"job\":\"Chef\",\"description\":\"dish " + i + "\"}");
        }
        assertEquals(Projector.MAX_IN_FLIGHT, model.batches.size());
        for (int i = 0; i < Projector.MAX_IN_FLIGHT; i++) {
            model.release(i);
        }
        driver.advanceWallClockTime(Duration.ofMillis(200));
        assertEquals(Projector.MAX_IN_FLIGHT, emitted().size());
        assertEquals(0, pendingChanges());
    }
}
