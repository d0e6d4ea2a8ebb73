package io.agentmatch.processor;

import io.agentmatch.contract.config.Env;
import io.agentmatch.contract.config.PipelineConfig;
import io.agentmatch.contract.events.Topics;
import io.agentmatch.contract.storage.DynamoClients;
import io.agentmatch.contract.storage.TableProvisioner;
import io.agentmatch.matching.Embedder;
import io.agentmatch.matching.Embedders;
import io.agentmatch.processor.health.HealthServer;
import io.agentmatch.processor.health.ProcessorMetrics;
import io.agentmatch.processor.persist.PersistTopology;
import io.agentmatch.processor.project.ProjectTopology;
import io.agentmatch.processor.storage.DynamoWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The processor: two Kafka Streams applications in one process. The persister (events to
 * DynamoDB) and the projector (profile changes to match projections) run on their own threads,
 * so a slow model never holds up DynamoDB.
 */
public final class ProcessorApp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessorApp.class);

    private final ProcessorMetrics metrics = new ProcessorMetrics();
    private final DynamoDbAsyncClient dynamo;
    private final DynamoWriter writer;
    private final KafkaStreams persister;
    private final KafkaStreams projector;
    private final HealthServer health;

    private ProcessorApp(PipelineConfig config, ProcessorSettings settings, Embedder embedder) throws IOException {
        ensureTopicsAndTables(config);
        Topics topics = config.topics();
        // Room for every call the tasks may have in flight (each task of either event topic bounds its own),
        // so none waits for a connection.
        int maxInFlight = settings.persist().maxInFlight();
        dynamo = DynamoClients.async(config, Duration.ofSeconds(10), Math.max(64, 2 * config.topicPartitions() * maxInFlight));
        metrics.dynamoMaxInFlight(maxInFlight);
        writer = new DynamoWriter(dynamo, config.profileTable(), config.conversationTable(), metrics);

        Properties persistProps = streamsProps(config, config.processorApplicationId(),
                settings.stateDir().resolve("persist"), settings.streamThreads());
        persister = start("persister", PersistTopology.build(topics, writer, metrics, settings.persist()), persistProps);

        if (settings.projections()) {
            Properties projectProps = streamsProps(config, config.processorApplicationId() + "-projector",
                    settings.stateDir().resolve("project"), 1);
            // The projection table restores from its own topic instead of a changelog copy.
            projectProps.put(StreamsConfig.TOPOLOGY_OPTIMIZATION_CONFIG, StreamsConfig.OPTIMIZE);
            projectProps.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, settings.projectorCommitInterval().toMillis());
            Topology projectTopology = ProjectTopology.build(topics, embedder != null ? embedder : Embedders.fromEnv(), metrics,
                    settings.embeddingBatchSize(), settings.embeddingFlushInterval(), projectProps);
            projector = start("projector", projectTopology, projectProps);
        } else {
            projector = null;
        }
        metrics.consumerLag(config.processorApplicationId(), () -> lag(persister));
        health = settings.healthPort() < 0 ? null
                : new HealthServer("127.0.0.1", settings.healthPort(), this::health, metrics);
        LOG.info("processor started: application {}, state in {}, health on port {}", config.processorApplicationId(),
                settings.stateDir(), health == null ? "-" : health.port());
    }

    /** Starts the processor with the environment's settings and the given state directory. */
    public static ProcessorApp start(PipelineConfig config, Path stateDir) {
        return start(config, ProcessorSettings.fromEnv(Env.system()).withStateDir(stateDir).withHealthPort(0));
    }

    public static ProcessorApp start(PipelineConfig config, ProcessorSettings settings) {
        return start(config, settings, null);
    }

    /** With this model for the projections instead of the environment's (null: the environment's). */
    public static ProcessorApp start(PipelineConfig config, ProcessorSettings settings, Embedder embedder) {
        try {
            return new ProcessorApp(config, settings, embedder);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private KafkaStreams start(String name, Topology topology, Properties props) {
        KafkaStreams streams = new KafkaStreams(topology, props);
        streams.setUncaughtExceptionHandler(error -> {
            LOG.error("{} stream thread died; the processor reports unhealthy and must be restarted", name, error);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streams.setStateListener((now, before) -> LOG.info("{}: {} -> {}", name, before, now));
        streams.start();
        return streams;
    }

    static Properties streamsProps(PipelineConfig config, String applicationId, Path stateDir, int threads) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrapServers());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) config.replicationFactor());
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        // A DynamoDB outage holds processing (backpressure) for up to 20 s at a time: keep the
        // transaction and the group membership alive meanwhile.
        props.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), 60_000);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG), 600_000);
        props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
        props.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
        return props;
    }

    public static void ensureTopicsAndTables(PipelineConfig config) {
        Properties adminProps = new Properties();
        adminProps.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrapServers());
        adminProps.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        try (Admin admin = Admin.create(adminProps)) {
            List<NewTopic> topics = config.topics().all(config.topicPartitions(), config.replicationFactor());
            for (var result : admin.createTopics(topics).values().entrySet()) {
                try {
                    result.getValue().get();
                    LOG.info("created topic {}", result.getKey());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + result.getKey() + ": "
                                + e.getCause().getMessage(), e.getCause());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        try (DynamoDbClient sync = DynamoClients.sync(config, Duration.ofSeconds(10))) {
            new TableProvisioner(sync).ensureTables(config, Duration.ofSeconds(60));
        }
    }

    public HealthServer.Health health() {
        List<String> problems = new ArrayList<>();
        check("persister", persister, problems);
        if (projector != null) {
            check("projector", projector, problems);
        }
        return new HealthServer.Health(problems.isEmpty(), problems.isEmpty() ? "all stream threads running"
                : String.join("; ", problems));
    }

    private static void check(String name, KafkaStreams streams, List<String> problems) {
        KafkaStreams.State state = streams.state();
        boolean threadsAlive = streams.metadataForLocalThreads().stream()
                .noneMatch(thread -> thread.threadState().equals("DEAD"));
        if (!(state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING) || !threadsAlive) {
            problems.add(name + " is " + state);
        }
    }

    /** Whether both applications have started processing (RUNNING). */
    public boolean isRunning() {
        return persister.state() == KafkaStreams.State.RUNNING
                && (projector == null || projector.state() == KafkaStreams.State.RUNNING);
    }

    public int healthPort() {
        return health == null ? -1 : health.port();
    }

    public ProcessorMetrics metrics() {
        return metrics;
    }

    private static double lag(KafkaStreams streams) {
        return streams.metrics().entrySet().stream()
                .filter(e -> e.getKey().name().equals("records-lag") && e.getKey().group().equals("consumer-fetch-manager-metrics"))
                .mapToDouble(e -> e.getValue().metricValue() instanceof Number n ? Math.max(0, n.doubleValue()) : 0)
                .sum();
    }

    @Override
    public void close() {
        if (health != null) {
            health.close();
        }
        // Leave the groups on a clean stop, so the partitions move at once (and a replay need not
        // wait for the session to time out).
        CloseOptions leave = CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30));
        if (projector != null) {
            projector.close(leave);
        }
        persister.close(leave);
        writer.close();
        dynamo.close();
        LOG.info("processor stopped");
    }
}
