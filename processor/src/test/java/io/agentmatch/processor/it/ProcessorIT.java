package io.agentmatch.processor.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentmatch.contract.config.PipelineConfig;
import io.agentmatch.contract.storage.DynamoClients;
import io.agentmatch.localstack.Await;
import io.agentmatch.localstack.ComponentHealth;
import io.agentmatch.localstack.ComponentSpec;
import io.agentmatch.localstack.TestStack;
import io.agentmatch.matching.Embedder;
import io.agentmatch.processor.ProcessorApp;
import io.agentmatch.processor.ProcessorSettings;
import io.agentmatch.contract.kafka.KafkaClients;
import io.agentmatch.processor.persist.PersistSettings;
import io.agentmatch.processor.persist.ProfilePersister;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The processor on the real broker and dynalite, under crashes, outages and scale-out. */
class ProcessorIT {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessorIT.class);
    private static final Duration CONVERGE = Duration.ofMinutes(3);
    private static TestStack stack;

    @BeforeAll
    static void stack() {
        stack = TestStack.shared();
    }

    private static void awaitTablesMatch(EventLoad load, PipelineConfig config) {
        try (DynamoDbClient dynamo = DynamoClients.sync(config, Duration.ofSeconds(10))) {
            Await.until("tables equal the event log", CONVERGE, () -> load.differences(dynamo, config).isEmpty());
            assertEquals(List.of(), load.differences(dynamo, config));
        }
    }

    @Test
    void killedWithSigkillAtRandomMomentsLosesAndDuplicatesNothing() throws Exception {
        PipelineConfig config = stack.isolatedConfig("processor-kill");
        EventLoad load = new EventLoad(config, 10_000, 42);
        Map<String, String> env = Map.of("PROCESSOR_PROJECTIONS", "false");
        stack.startProcessor(config, "processor-kill", env);
        Random random = new Random(7);
        int kills = 0;
        try (KafkaProducer<String, byte[]> producer = EventLoad.producer(config)) {
            int chunk = load.records.size() / 4;
            for (int part = 0; part < 4; part++) {
                EventLoad.sendAll(producer, load.records.subList(part * chunk,
                        part == 3 ? load.records.size() : (part + 1) * chunk));
                // A fault at a random moment while the chunk is being processed: not a synchronisation.
                Thread.sleep(200 + random.nextInt(1500));
                stack.kill("processor-kill");
                kills++;
                stack.startProcessor(config, "processor-kill", env);
            }
        }
        LOG.info("{} events published, processor killed {} times", load.records.size(), kills);
        awaitTablesMatch(load, config);
        stack.stop("processor-kill");
    }

    @Test
    void dynamoDbStoppedMidStreamTheProcessorWaitsRetriesAndCatchesUp() throws Exception {
        PipelineConfig config = stack.isolatedConfig("processor-outage");
        EventLoad load = new EventLoad(config, 3_000, 43);
        ProcessorSettings settings = new ProcessorSettings(Files.createTempDirectory("outage"), 1, -1,
                new PersistSettings(4, Duration.ofMillis(20), 50_000), 32, Duration.ofMillis(100), false,
                Duration.ofMillis(100));
        try (ProcessorApp processor = ProcessorApp.start(config, settings);
             KafkaProducer<String, byte[]> producer = EventLoad.producer(config)) {
            EventLoad.sendAll(producer, load.records.subList(0, 1000));
            stack.stop("dynalite");
            try {
                EventLoad.sendAll(producer, load.records.subList(1000, load.records.size()));
                Await.until("writes owed while DynamoDB is down", Duration.ofSeconds(30),
                        () -> processor.metrics().scrape().contains("processor_dynamodb_retries_total"));
                assertTrue(processor.health().healthy(), "the stream thread survives the outage");
            } finally {
                stack.start("dynalite");
            }
            awaitTablesMatch(load, config);
        }
    }

    /**
     * The outbox is cached (PersistTopology.CACHE_BYTES): a write DynamoDB acknowledges before the
     * next commit leaves only a small tombstone in the outbox's changelog, never the whole item, which
     * was one of the four records every event cost the broker. Events go one by one, 20 ms apart, and
     * the persister commits every 5 s: without the cache every one of them is in the changelog whole;
     * with it only a write that a commit caught in flight is. Written in a commit interval, the writes
     * stay safe: {@link #killedWithSigkillAtRandomMomentsLosesAndDuplicatesNothing}.
     */
    @Test
    void aWriteAcknowledgedBeforeTheCommitReachesTheOutboxChangelogOnlyAsATombstone() throws Exception {
        PipelineConfig config = stack.isolatedConfig("processor-outbox-cache");
        EventLoad load = new EventLoad(config, 60, 46);
        ProcessorSettings defaults = new ProcessorSettings(Files.createTempDirectory("outbox-cache"), 1, -1,
                new PersistSettings(4, Duration.ofMillis(20), 50_000), 32, Duration.ofMillis(100), false,
                Duration.ofMillis(100));
        ProcessorSettings settings = new ProcessorSettings(defaults.stateDir(), 1, -1, defaults.persist(), 32,
                Duration.ofMillis(100), false, Duration.ofMillis(100), defaults.healthHost(), defaults.rocksDb(),
                defaults.shutdownTimeout(), defaults.projectorNice(), Duration.ofSeconds(5));
        long profileEvents = load.records.stream().filter(r -> r.topic().equals(config.topics().profileEvents())).count();
        try (ProcessorApp processor = ProcessorApp.start(config, settings);
             KafkaProducer<String, byte[]> producer = EventLoad.producer(config)) {
            Await.until("processor running", Duration.ofSeconds(60), processor::isRunning);
            for (ProducerRecord<String, byte[]> event : load.records) {
                producer.send(event).get();
                Thread.sleep(20); // pacing a trickle of events, not a synchronisation
            }
            awaitTablesMatch(load, config);
        } // closing commits: what the changelog holds is now read_committed
        String changelog = config.processorApplicationId() + "-" + ProfilePersister.OUTBOX_STORE + "-changelog";
        int[] whole = {0};
        int[] tombstones = {0};
        try (KafkaConsumer<String, byte[]> consumer = KafkaClients.of(config.kafka(), "processor-it").consumer("changelog")
                .require(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
                .newConsumer(new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(changelog).stream()
                    .map(info -> new TopicPartition(changelog, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            Await.until("the outbox changelog read to its end", Duration.ofSeconds(30), () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (r.value() == null) {
                        tombstones[0]++;
                    } else {
                        whole[0]++;
                    }
                });
                return partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
            });
        }
            LOG.info("{} profile events: {} outbox entries in the changelog whole, {} tombstones", profileEvents,
                whole[0], tombstones[0]);
        assertTrue(tombstones[0] > 0, "the acknowledged writes left the outbox: " + tombstones[0] + " tombstones");
        assertTrue(whole[0] <= profileEvents / 4, whole[0] + " of " + profileEvents
                + " owed writes reached the changelog whole: the outbox is not cached");
    }

    @Test
    void aStreamThreadThatDiesMakesHealthFail() throws Exception {
        PipelineConfig config = stack.isolatedConfig("processor-dead-thread");
        EventLoad load = new EventLoad(config, 50, 45);
        ProcessorSettings settings = new ProcessorSettings(Files.createTempDirectory("dead-thread"), 1, 0,
                new PersistSettings(4, Duration.ofMillis(20), 50_000), 8, Duration.ofMillis(50), true,
                Duration.ofMillis(100));
        Embedder broken = new Embedder() {
            @Override
            public float[] embed(String text) {
                throw new IllegalStateException("the model failed (test)");
            }

            @Override
            public List<float[]> embedAll(List<String> texts) {
                throw new IllegalStateException("the model failed (test)");
            }

            @Override
            public String modelName() {
                return "broken";
            }

            @Override
            public int dimensions() {
                return 384;
            }
        };
        try (ProcessorApp processor = ProcessorApp.start(config, settings, broken);
             KafkaProducer<String, byte[]> producer = EventLoad.producer(config)) {
            Await.until("processor running", Duration.ofSeconds(60), processor::isRunning);
            URI health = URI.create("http://127.0.0.1:" + processor.healthPort() + "/health");
            assertEquals(200, get(health).statusCode(), "healthy before any event");
            EventLoad.sendAll(producer, load.records);
            Await.until("the projector's stream thread dies", Duration.ofSeconds(60), () -> !processor.health().healthy());
            HttpResponse<String> answer = get(health);
            assertEquals(503, answer.statusCode(), answer.body());
            assertTrue(answer.body().contains("projector"), answer.body());

            // ./pipeline status says so, not just "running".
            String status = ComponentHealth.describe(ComponentSpec.Kind.PROCESSOR, processor.healthPort());
            assertTrue(status.startsWith("running, UNHEALTHY: ") && status.contains("projector is "), status);
            // So do the metrics: the projector's own gauge stays (Kafka's metrics of it go), and its lag,
            // read from its group's committed offsets, grows while the persister's drains.
            String metrics = processor.metrics().scrape();
            assertEquals(0.0, sample(metrics, "processor_streams_running{application=\"projector\",component=\"processor\"}"));
            assertEquals(1.0, sample(metrics, "processor_streams_running{application=\"persister\",component=\"processor\"}"));
            assertEquals(0.0, sample(metrics, "processor_healthy{component=\"processor\"}"));
            assertEquals(0.0, sample(metrics, "processor_ready{component=\"processor\"}"));
            Await.until("the stopped projector's lag shows", Duration.ofSeconds(60),
                    () -> sample(processor.metrics().scrape(), LAG_OF.formatted("projector")) > 0);
            Await.until("the persister's lag drains to 0", Duration.ofSeconds(60),
                    () -> sample(processor.metrics().scrape(), LAG_OF.formatted("persister")) == 0);
        }
    }

    private static final String LAG_OF = "processor_consumer_lag_records{application=\"%s\",component=\"processor\"}";

    private static double sample(String metrics, String series) {
        return metrics.lines().filter(line -> line.startsWith(series + " ")).findFirst()
                .map(line -> Double.parseDouble(line.substring(series.length() + 1)))
                .orElseThrow(() -> new AssertionError(series + " is not exported"));
    }

    private static HttpResponse<String> get(URI uri) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void twoInstancesShareThePartitionsAndProduceTheSameTables() throws Exception {
        PipelineConfig config = stack.isolatedConfig("processor-scale");
        EventLoad load = new EventLoad(config, 4_000, 44);
        ProcessorSettings one = new ProcessorSettings(Files.createTempDirectory("scale-1"), 1, -1,
                new PersistSettings(4, Duration.ofMillis(20), 50_000), 32, Duration.ofMillis(100), false,
                Duration.ofMillis(100));
        ProcessorSettings two = one.withStateDir(Files.createTempDirectory("scale-2"));
        try (ProcessorApp first = ProcessorApp.start(config, one);
             KafkaProducer<String, byte[]> producer = EventLoad.producer(config)) {
            EventLoad.sendAll(producer, load.records.subList(0, 1500));
            try (ProcessorApp second = ProcessorApp.start(config, two)) {
                EventLoad.sendAll(producer, load.records.subList(1500, 3000));
                Await.until("both instances running", Duration.ofSeconds(60), () -> first.isRunning() && second.isRunning());
            }
            EventLoad.sendAll(producer, load.records.subList(3000, load.records.size()));
            awaitTablesMatch(load, config);
        }
    }
}
