package io.agentmatch.processor.health;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/** The processor's Prometheus metrics: events, DynamoDB writes and retries, dead letters, outbox, lag. */
public final class ProcessorMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Timer dynamoWrites = Timer.builder("processor_dynamodb_write")
            .description("DynamoDB write call latency").publishPercentiles(0.5, 0.99).register(registry);
    private final Counter itemsWritten = Counter.builder("processor_dynamodb_items_written_total").register(registry);
    private final Counter superseded = Counter.builder("processor_dynamodb_writes_superseded_total")
            .description("profile writes the version condition refused: a newer version was already stored")
            .register(registry);
    private final Map<String, AtomicLong> outboxSizes = new ConcurrentHashMap<>();
    private final DynamoHealth dynamoHealth = new DynamoHealth();

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public void eventProcessed(String topic, String outcome) {
        registry.counter("processor_events_total", "topic", topic, "outcome", outcome).increment();
    }

    public void deadLettered(String topic) {
        registry.counter("processor_dead_letters_total", "topic", topic).increment();
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
        registry.counter("processor_dynamodb_retries_total", "reason", reason).increment();
    }

    /** A write to {@code table} failed for a reason retrying cannot fix (the write stays owed). */
    public void dynamoPermanentFailure(String table, String error, long nowMs) {
        registry.gauge("processor_dynamodb_table_unwritable", io.micrometer.core.instrument.Tags.of("table", table), dynamoHealth,
                health -> health.isFailing(table, System.currentTimeMillis()) ? 1 : 0);
        dynamoHealth.permanentFailure(table, error, nowMs);
    }

    public void dynamoWriteSucceeded(String table, long nowMs) {
        dynamoHealth.writeSucceeded(table, nowMs);
    }

    /** The tables that cannot be written, for /ready. */
    public DynamoHealth dynamoHealth() {
        return dynamoHealth;
    }

    public void embeddingsComputed(int count, long nanos) {
        registry.counter("processor_embeddings_computed_total").increment(count);
        registry.timer("processor_embedding_batch").record(nanos, TimeUnit.NANOSECONDS);
    }

    public void embeddingsReused(int count) {
        registry.counter("processor_embeddings_reused_total").increment(count);
    }

    public void outboxChanged(String name, int size) {
        outboxSizes.computeIfAbsent(name, n -> {
            AtomicLong holder = new AtomicLong();
            Gauge.builder("processor_outbox_pending", holder, AtomicLong::get).tag("outbox", n).register(registry);
            return holder;
        }).set(size);
    }

    public void consumerLag(String application, Supplier<Number> lag) {
        Gauge.builder("processor_consumer_lag", lag, s -> s.get().doubleValue()).tag("application", application)
                .register(registry);
    }

    public String scrape() {
        return registry.scrape();
    }
}
