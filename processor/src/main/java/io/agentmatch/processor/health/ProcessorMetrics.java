package io.agentmatch.processor.health;

import io.agentmatch.contract.metrics.Meters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The processor's Prometheus metrics (docs/OPERATIONS.md lists each): events, dead letters,
 * DynamoDB writes, retries and unwritable tables, the outbox (owed writes), embeddings, consumer lag
 * and health; with {@link #bindProcess} and {@link #bindStreams} also the JVM's and both Kafka
 * Streams applications' own metrics. Every series carries {@code component="processor"}.
 */
public final class ProcessorMetrics implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessorMetrics.class);

    private final PrometheusMeterRegistry registry = Meters.forComponent(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), "processor");
    private final Timer dynamoWrites = Meters.latency("processor_dynamodb_write",
            "the processor's DynamoDB writes (a BatchWriteItem of messages or a conditional PutItem of a profile), from its own view").register(registry);
    private final Counter itemsWritten = Counter.builder("processor_dynamodb_items_written_total")
            .description("items DynamoDB accepted from the processor").register(registry);
    private final Counter superseded = Counter.builder("processor_dynamodb_writes_superseded_total")
            .description("profile writes the version condition refused: a newer version was already stored").register(registry);
    private final Counter embeddingsComputed = Counter.builder("processor_embeddings_computed_total")
            .description("profile texts embedded by the model").register(registry);
    private final Counter embeddingsReused = Counter.builder("processor_embeddings_reused_total")
            .description("profile changes whose text was unchanged: the previous embedding was kept").register(registry);
    private final Timer embeddingBatches = Meters.latency("processor_embedding_batch", "one batch of texts through the model")
            .register(registry);
    private final Map<String, AtomicLong> outboxSizes = new ConcurrentHashMap<>();
    private final DynamoHealth dynamoHealth = new DynamoHealth();
    private final List<AutoCloseable> binders = new ArrayList<>();

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /**
     * Creates the counters and gauges of the given input topics and tables at zero, so that they are
     * exported before the first event: Prometheus' {@code increase()} cannot see a series that
     * appears with its first increment already counted (the first dead letter would go unnoticed).
     */
    public void expect(Collection<String> inputTopics, Collection<String> tables) {
        inputTopics.forEach(topic -> deadLetterCounter(topic));
        tables.forEach(this::unwritableGauge);
        retryCounter("unprocessed");
    }

    public void eventProcessed(String topic, String outcome) {
        Counter.builder("processor_events_total").description("input events by topic and outcome")
                .tag("topic", topic).tag("outcome", outcome).register(registry).increment();
    }

    public void deadLettered(String topic) {
        deadLetterCounter(topic).increment();
    }

    private Counter deadLetterCounter(String topic) {
        return Counter.builder("processor_dead_letters_total").description("events sent to the dead-letter topic, by input topic")
                .tag("topic", topic).register(registry);
    }

    public void recordDynamoWrite(long nanos, int items) {
        dynamoWrites.record(nanos, TimeUnit.NANOSECONDS);
        itemsWritten.increment(items);
    }

    /** The per-task bound of DynamoDB calls in flight (DYNAMODB_MAX_IN_FLIGHT), so a benchmark can match it. */
    public void dynamoMaxInFlight(int perTask) {
        Gauge.builder("processor_dynamodb_max_in_flight", () -> perTask).register(registry);
    }

    public void dynamoSuperseded(int writes) {
        superseded.increment(writes);
    }

    public void dynamoRetry(String reason) {
        retryCounter(reason).increment();
    }

    /** {@code reason}: unprocessed (DynamoDB handed items back: throttling), else the failure's exception class. */
    private Counter retryCounter(String reason) {
        return Counter.builder("processor_dynamodb_retries_total").description("owed-write batches retried, by reason")
                .tag("reason", reason).register(registry);
    }

    /** A write to {@code table} failed for a reason retrying cannot fix (the write stays owed). */
    public void dynamoPermanentFailure(String table, String error, long nowMs) {
        unwritableGauge(table);
        dynamoHealth.permanentFailure(table, error, nowMs);
    }

    private void unwritableGauge(String table) {
        Gauge.builder("processor_dynamodb_table_unwritable", dynamoHealth,
                        health -> health.isFailing(table, System.currentTimeMillis()) ? 1 : 0)
                .description("1 while writes to the table fail for a reason retrying cannot fix (as /ready reports)")
                .tag("table", table).register(registry);
    }

    public void dynamoWriteSucceeded(String table, long nowMs) {
        dynamoHealth.writeSucceeded(table, nowMs);
    }

    /** The tables that cannot be written, for /ready. */
    public DynamoHealth dynamoHealth() {
        return dynamoHealth;
    }

    public void embeddingsComputed(int count, long nanos) {
        embeddingsComputed.increment(count);
        embeddingBatches.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void embeddingsReused(int count) {
        embeddingsReused.increment(count);
    }

    public void outboxChanged(String name, int size) {
        outboxSizes.computeIfAbsent(name, n -> {
            AtomicLong holder = new AtomicLong();
            Gauge.builder("processor_outbox_pending", holder, AtomicLong::get)
                    .description("writes owed to DynamoDB (accepted from Kafka, not yet written), per stream task's outbox")
                    .tag("outbox", n).register(registry);
            return holder;
        }).set(size);
    }

    /** The outbox's task left this instance (revoked, closed): its gauge goes, rather than stay at its last size. */
    public void outboxClosed(String name) {
        if (outboxSizes.remove(name) != null) {
            registry.find("processor_outbox_pending").tag("outbox", name).meters().forEach(registry::remove);
        }
    }

    /**
     * The records {@code application} (persister, projector) has yet to process, from its consumer
     * group's committed offsets ({@link ConsumerLag}); NaN while they cannot be read.
     */
    public void consumerLag(String application, DoubleSupplier lag) {
        // Strong references: a gauge holds its object weakly, and nothing else holds these lambdas.
        Gauge.builder("processor_consumer_lag_records", lag, DoubleSupplier::getAsDouble).strongReference(true)
                .description("records in the application's input topics after its group's committed offsets")
                .tag("application", application).register(registry);
    }

    /** {@code /health} and {@code /ready} as gauges (1 answered 200, 0 answered 503), read at each scrape. */
    public void health(Supplier<HealthServer.Health> health, Supplier<HealthServer.Health> ready) {
        Gauge.builder("processor_healthy", health, h -> h.get().healthy() ? 1 : 0).strongReference(true)
                .description("1 while /health answers 200 (every stream thread of both applications runs)").register(registry);
        Gauge.builder("processor_ready", ready, r -> r.get().healthy() ? 1 : 0).strongReference(true)
                .description("1 while /ready answers 200 (healthy, and every DynamoDB table takes writes)").register(registry);
    }

    /** The JVM and process meters (once per process: the GC meters listen to the JVM until {@link #close}). */
    public void bindProcess() {
        binders.add(Meters.jvm(registry));
    }

    /**
     * One Kafka Streams application ({@code persister}, {@code projector}): its clients' metrics
     * ({@code kafka_stream_*}, {@code kafka_consumer_*}, {@code kafka_producer_*}, {@code kafka_admin_*},
     * tagged {@code application}) and {@code processor_streams_running}, which stays exported (0) when
     * the application stopped, where Kafka's own metrics of it disappear.
     */
    public void bindStreams(String application, KafkaStreams streams, BooleanSupplier running) {
        KafkaStreamsMetrics kafka = new KafkaStreamsMetrics(streams, Tags.of("application", application));
        kafka.bindTo(registry);
        binders.add(kafka);
        Gauge.builder("processor_streams_running", running, r -> r.getAsBoolean() ? 1 : 0).strongReference(true)
                .description("1 while the application is RUNNING or REBALANCING with every stream thread alive")
                .tag("application", application).register(registry);
    }

    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        for (AutoCloseable binder : binders) {
            try {
                binder.close();
            } catch (Exception e) {
                LOG.warn("closing {}: {}", binder.getClass().getSimpleName(), e.toString());
            }
        }
        binders.clear();
    }
}
