package io.agentmatch.processor;

import io.agentmatch.contract.Limits;
import io.agentmatch.contract.config.Env;
import io.agentmatch.contract.config.PipelineConfig;
import io.agentmatch.contract.events.Topics;
import io.agentmatch.contract.kafka.KafkaClients;
import io.agentmatch.contract.kafka.KafkaFailures;
import io.agentmatch.contract.provision.Provisioner;
import io.agentmatch.contract.storage.DynamoClients;
import io.agentmatch.contract.trace.Tracing;
import io.agentmatch.matching.Embedder;
import io.agentmatch.matching.Embedders;
import io.agentmatch.processor.health.ConsumerLag;
import io.agentmatch.processor.health.HealthServer;
import io.agentmatch.processor.health.ProcessorMetrics;
import io.agentmatch.processor.persist.PersistTopology;
import io.agentmatch.processor.project.ModelPriority;
import io.agentmatch.processor.project.ProjectTopology;
import io.agentmatch.processor.state.BoundedRocksDb;
import io.agentmatch.processor.state.RocksDbMemory;
import io.agentmatch.processor.storage.DynamoWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
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
    private final ConsumerLag consumerLag;
    private final HealthServer health;
    private final Duration shutdownTimeout;
    /** Spans of the events and changes processed; closed last, so that the last spans are exported. */
    private final Tracing tracing;
    /** Set when Kafka refused this processor's credentials or ACLs: permanent until someone fixes them. */
    private volatile String kafkaRefusal;
    private volatile Consumer<String> onKafkaRefusal = message -> { };

    private ProcessorApp(PipelineConfig config, ProcessorSettings settings, Embedder embedder) throws IOException {
        metrics.bindProcess();
        KafkaClients clients = KafkaClients.of(config.kafka(), "processor");
        LOG.info(clients.describe());
        DynamoClients dynamoClients = DynamoClients.of(config, "processor", metrics.registry());
        LOG.info(dynamoClients.describe());
        ensureTopicsAndTables(config, clients, dynamoClients);
        Topics topics = config.topics();
        shutdownTimeout = settings.shutdownTimeout();
        metrics.expect(List.of(topics.profileEvents(), topics.conversationEvents(), topics.profileChanges()),
                List.of(config.profileTable(), config.conversationTable()));
        // Room for every call the tasks may have in flight (each task of either event topic bounds its own),
        // so none waits for a connection.
        int maxInFlight = settings.persist().maxInFlight();
        dynamo = dynamoClients.async(Duration.ofSeconds(10), Math.max(64, 2 * config.topicPartitions() * maxInFlight));
        metrics.dynamoMaxInFlight(maxInFlight);
        writer = new DynamoWriter(dynamo, config.profileTable(), config.conversationTable(), metrics);
        tracing = Tracing.autoconfigure("processor", Env.system());
        LOG.info(tracing.describe());

        Properties persistProps = streamsSpec(clients, "persister", config.processorApplicationId(),
                settings.stateDir().resolve("persist"), settings.streamThreads(), config.replicationFactor(), settings.rocksDb())
                .tune(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, settings.persisterCommitInterval().toMillis())
                .tune(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, PersistTopology.CACHE_BYTES)
                .properties();
        persister = start("persister", PersistTopology.build(topics, writer, metrics, settings.persist(), tracing), persistProps);

        if (settings.projections()) {
            Properties projectProps = streamsSpec(clients, "projector", config.groups().projector(),
                    settings.stateDir().resolve("project"), 1, config.replicationFactor(), settings.rocksDb())
                    .tune(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, settings.projectorCommitInterval().toMillis())
                    .tune(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, ProjectTopology.CACHE_BYTES)
                    // The projection table restores from its own topic instead of a changelog copy.
                    .require(StreamsConfig.TOPOLOGY_OPTIMIZATION_CONFIG, StreamsConfig.OPTIMIZE)
                    .properties();
            Embedder model = embedder != null ? embedder : Embedders.fromEnv();
            ModelPriority.lower(model, settings.projectorNice());
            Topology projectTopology = ProjectTopology.build(topics, model, metrics,
                    settings.embeddingBatchSize(), settings.embeddingFlushInterval(), projectProps, tracing);
            projector = start("projector", projectTopology, projectProps);
        } else {
            projector = null;
        }
        List<ConsumerLag.Application> applications = new ArrayList<>(List.of(new ConsumerLag.Application("persister",
                config.groups().persister(), List.of(topics.profileEvents(), topics.conversationEvents()))));
        if (projector != null) {
            applications.add(new ConsumerLag.Application("projector", config.groups().projector(), List.of(topics.profileChanges())));
        }
        consumerLag = new ConsumerLag(clients.admin("consumer-lag").newAdmin(), applications);
        applications.forEach(app -> metrics.consumerLag(app.name(), () -> consumerLag.lag(app.name())));
        metrics.health(this::health, this::readiness);
        health = settings.healthPort() < 0 ? null : HealthServer.start(settings.healthHost(), settings.healthPort(),
                this::health, this::readiness, metrics);
        LOG.info("processor started: application {}, state in {}, health on {}", config.processorApplicationId(),
                settings.stateDir(), health == null ? "-" : settings.healthHost() + ":" + health.port());
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
        metrics.bindStreams(name, streams, () -> isAlive(streams));
        StreamThreadFailures failures = new StreamThreadFailures(System::currentTimeMillis);
        streams.setUncaughtExceptionHandler(error -> {
            StreamThreadFailures.Decision decision = failures.decide(error);
            var refusal = KafkaFailures.securityProblem(error);
            if (refusal.isPresent()) {
                // Expected and permanent until a credential or an ACL changes: said once, no stack trace.
                LOG.error("{} stopped: {}", name, refusal.get());
                refused(name + ": " + refusal.get());
            } else if (decision.response() == StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD) {
                LOG.warn("{} stream thread died of {} ({}); replaced, resuming from the last committed offsets",
                        name, decision.reason(), error.toString());
            } else {
                LOG.error("{} stream thread died ({}); the processor reports unhealthy and must be restarted", name, decision.reason(), error);
            }
            return decision.response();
        });
        streams.setStateListener((now, before) -> LOG.info("{}: {} -> {}", name, before, now));
        streams.start();
        return streams;
    }

    /** Both applications may be refused at once: the first one reports. */
    private synchronized void refused(String message) {
        if (kafkaRefusal == null) {
            kafkaRefusal = message;
            onKafkaRefusal.accept(message);
        }
    }

    /**
     * What to do when Kafka refuses this processor's credentials or ACLs (a stream thread dies of an
     * authentication or authorization error): {@link ProcessorMain} exits non-zero, so that the
     * supervisor's restarts and the exit status say it, rather than a process that looks alive.
     * Called at once if that already happened.
     */
    public synchronized void whenKafkaRefuses(Consumer<String> action) {
        onKafkaRefusal = action;
        String already = kafkaRefusal;
        if (already != null) {
            action.accept(already);
        }
    }

    /** {@link #streamsSpec(KafkaClients, String, String, Path, int, int, RocksDbMemory)} with RocksDB's declared defaults. */
    public static KafkaClients.Spec streamsSpec(KafkaClients clients, String role, String applicationId, Path stateDir,
                                                int threads, int replicationFactor) {
        return streamsSpec(clients, role, applicationId, stateDir, threads, replicationFactor, RocksDbMemory.DEFAULTS);
    }

    /**
     * The Streams properties of one application (the topology tests run with them too); the
     * connection and security come from {@code clients}. Every RocksDB store shares {@code rocksDb}.
     */
    public static KafkaClients.Spec streamsSpec(KafkaClients clients, String role, String applicationId, Path stateDir,
                                                int threads, int replicationFactor, RocksDbMemory rocksDb) {
        KafkaClients.Spec spec = clients.streams(role);
        // Native memory a container limit can count on: one cache for every store (BoundedRocksDb).
        spec.require(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDb.class);
        BoundedRocksDb.properties(rocksDb).forEach(spec::require);
        return spec
                .tune(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads)
                .tune(StreamsConfig.REPLICATION_FACTOR_CONFIG, replicationFactor)
                .tune(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100)
                .tune(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0)
                .tune(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest")
                // A DynamoDB outage holds processing (backpressure) for up to 20 s at a time: keep the
                // transaction and the group membership alive meanwhile.
                .tune(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), 60_000)
                .tune(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG), 600_000)
                .tune(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5)
                .tune(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4")
                // Dead letters are the largest records we write; internal topics must take our records (Limits).
                .require(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), Limits.DEAD_LETTER_MAX_RECORD_BYTES)
                .require(StreamsConfig.topicPrefix(TopicConfig.MAX_MESSAGE_BYTES_CONFIG), String.valueOf(Limits.KAFKA_MAX_RECORD_BYTES))
                .require(StreamsConfig.APPLICATION_ID_CONFIG, applicationId)
                .require(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2)
                .require(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    }

    /** The topics and tables exist as the contract defines them (created only where allowed). */
    public static void ensureTopicsAndTables(PipelineConfig config, KafkaClients clients, DynamoClients dynamoClients) {
        Provisioner provisioner = new Provisioner(config, clients);
        try (DynamoDbClient sync = dynamoClients.sync(Duration.ofSeconds(10))) {
            provisioner.ensureAll(sync, Duration.ofSeconds(60));
        }
    }

    public HealthServer.Health health() {
        List<String> problems = new ArrayList<>();
        check("persister", persister, problems);
        if (projector != null) {
            check("projector", projector, problems);
        }
        if (kafkaRefusal != null) {
            problems.add(kafkaRefusal);
        }
        return new HealthServer.Health(problems.isEmpty(), problems.isEmpty() ? "all stream threads running"
                : String.join("; ", problems));
    }

    /**
     * {@code /ready}: healthy, and every table DynamoDB was asked to write accepts the writes. A table
     * that is missing, denied or of another schema fails readiness, not liveness ({@code /health}):
     * restarting the processor fixes none of these, and the owed writes wait for the fix either way.
     */
    public HealthServer.Health readiness() {
        HealthServer.Health health = health();
        List<String> problems = new ArrayList<>(health.healthy() ? List.of() : List.of(health.detail()));
        problems.addAll(metrics.dynamoHealth().problems(System.currentTimeMillis()));
        return new HealthServer.Health(problems.isEmpty(), problems.isEmpty() ? "all stream threads running, DynamoDB writes succeed"
                : String.join("; ", problems));
    }

    private static void check(String name, KafkaStreams streams, List<String> problems) {
        if (!isAlive(streams)) {
            problems.add(name + " is " + streams.state());
        }
    }

    /** RUNNING or REBALANCING, and no stream thread dead. */
    private static boolean isAlive(KafkaStreams streams) {
        KafkaStreams.State state = streams.state();
        boolean threadsAlive = streams.metadataForLocalThreads().stream()
                .noneMatch(thread -> thread.threadState().equals("DEAD"));
        return (state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING) && threadsAlive;
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

    /**
     * A clean stop within {@code PROCESSOR_SHUTDOWN_TIMEOUT_MS} (SIGTERM: a pod's grace period): both
     * applications close at once, each committing its tasks (offsets, fold state and the outbox in one
     * transaction) after its in-flight DynamoDB writes had up to 5 s to finish; whatever is still owed
     * stays in the committed outbox and is written by the next owner of the partition. An application
     * that has not closed by the deadline (a stream thread held by a DynamoDB outage) is left: its open
     * transaction aborts, and its events are processed again, so nothing is lost either way.
     */
    @Override
    public void close() {
        long started = System.nanoTime();
        if (health != null) {
            health.close();
        }
        // Leave the groups on a clean stop, so the partitions move at once (and a replay need not
        // wait for the session to time out).
        CloseOptions leave = CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(shutdownTimeout);
        Thread projectorClose = null;
        if (projector != null) {
            projectorClose = new Thread(() -> closeOrReport("projector", projector, leave), "close-projector");
            projectorClose.start();
        }
        boolean clean = closeOrReport("persister", persister, leave);
        if (projectorClose != null) {
            try {
                projectorClose.join(shutdownTimeout.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        writer.close();
        consumerLag.close();
        metrics.close();
        dynamo.close();
        tracing.close();
        LOG.info("processor stopped in {} ms{}", (System.nanoTime() - started) / 1_000_000,
                clean ? "" : " (the persister did not close in time: its uncommitted events are processed again at the next start)");
    }

    private static boolean closeOrReport(String name, KafkaStreams streams, CloseOptions options) {
        boolean closed = streams.close(options);
        if (!closed) {
            LOG.warn("{} did not close within the shutdown timeout; its open transaction aborts", name);
        }
        return closed;
    }
}
