package io.agentmatch.api.events;

import io.agentmatch.api.http.ApiError;
import io.agentmatch.contract.Limits;
import io.agentmatch.contract.events.EventEnvelope;
import io.agentmatch.contract.events.JsonCodec;
import io.agentmatch.contract.kafka.KafkaClients;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes events and completes only when Kafka acknowledged them (idempotent producer,
 * {@code acks=all}): a 2xx answer means the event is durably in the log. While Kafka is
 * unreachable, requests fail fast with 503 instead of each waiting out the timeout; one request
 * at a time probes whether it is back.
 *
 * <p>Only errors that say the cluster is unreachable (timeouts, lost connections, too few
 * replicas: Kafka's retriable errors, and a producer that cannot send at all) mark it down. An
 * error about one record answers that request alone: 413 for an event too large, which is also
 * refused before sending when it exceeds {@link Limits#MAX_EVENT_BYTES}.
 */
public final class EventPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventPublisher.class);
    private static final long PROBE_INTERVAL_MS = 500;

    private final Producer<String, byte[]> producer;
    private final Timer sendLatency;
    private final AtomicLong downSince = new AtomicLong(0);
    private final AtomicLong lastProbe = new AtomicLong(0);

    public EventPublisher(KafkaClients clients, Duration timeout, MeterRegistry registry) {
        this.producer = clients.producer("events")
                .tune(ProducerConfig.LINGER_MS_CONFIG, 2)
                .tune(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024)
                .tune(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4")
                .tune(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000)
                // A 2xx means durably in the log, once: idempotent, acks=all, ordered retries.
                .require(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
                .require(ProducerConfig.ACKS_CONFIG, "all")
                .require(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5)
                // Bounded: metadata waits and deliveries give up within the request timeout, never hang.
                .require(ProducerConfig.MAX_BLOCK_MS_CONFIG, Math.min(2000, timeout.toMillis()))
                .require(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(1000, timeout.toMillis() - 500))
                .require(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) timeout.toMillis() + 10)
                // Every event we accept fits (Limits); the producer must not refuse what the topic takes.
                .require(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Limits.KAFKA_MAX_RECORD_BYTES)
                .newProducer(new StringSerializer(), new ByteArraySerializer());
        this.sendLatency = sendLatency(registry);
    }

    /** With this producer (tests). */
    EventPublisher(Producer<String, byte[]> producer, MeterRegistry registry) {
        this.producer = producer;
        this.sendLatency = sendLatency(registry);
    }

    private static Timer sendLatency(MeterRegistry registry) {
        return Timer.builder("api_kafka_send").description("time until Kafka acknowledged an event")
                .publishPercentiles(0.5, 0.99).register(registry);
    }

    /**
     * Completes with the record's position once acknowledged, or exceptionally with an {@link ApiError}:
     * 413 for an event too large, 503 when Kafka did not store it.
     */
    public CompletableFuture<RecordMetadata> publish(String topic, EventEnvelope event) {
        byte[] value;
        try {
            value = JsonCodec.toBytes(event);
        } catch (UncheckedIOException e) {
            // A bad input (nested deeper than the writer takes), not a Kafka problem: it used to mark Kafka down.
            return CompletableFuture.failedFuture(ApiError.badRequest(
                    "request body: cannot be written as an event (nested deeper than JSON limits allow)"));
        }
        if (value.length > Limits.MAX_EVENT_BYTES) {
            return CompletableFuture.failedFuture(new ApiError(413, "request body: its event would be " + value.length
                    + " bytes of JSON, the limit is " + Limits.MAX_EVENT_BYTES
                    + " bytes (Kafka's record limit less what its dead letter and match projection add)"));
        }
        long down = downSince.get();
        if (down != 0) {
            long now = System.currentTimeMillis();
            long last = lastProbe.get();
            if (now - last < PROBE_INTERVAL_MS || !lastProbe.compareAndSet(last, now)) {
                return CompletableFuture.failedFuture(ApiError.unavailable(
                        "Kafka is unavailable; the event was not stored, retry later"));
            }
        }
        CompletableFuture<RecordMetadata> result = new CompletableFuture<>();
        long start = System.nanoTime();
        try {
            producer.send(new ProducerRecord<>(topic, event.key(), value), (metadata, error) -> {
                if (error == null) {
                    sendLatency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                    if (downSince.getAndSet(0) != 0) {
                        LOG.info("Kafka acknowledges writes again");
                    }
                    result.complete(metadata);
                } else {
                    result.completeExceptionally(failed(error,
                            "Kafka did not acknowledge the event in time; retry later with the same Idempotency-Key"));
                }
            });
        } catch (RuntimeException e) {
            result.completeExceptionally(failed(e, "Kafka is unavailable; the event was not stored, retry later"));
        }
        return result;
    }

    /** The answer to a send that failed; marks Kafka down only when the error says it is unreachable. */
    private ApiError failed(Throwable error, String unreachable) {
        if (error instanceof RecordTooLargeException || error instanceof RecordBatchTooLargeException) {
            return new ApiError(413, "request body: its event is larger than Kafka accepts; it was not stored");
        }
        if (error instanceof RetriableException || !(error instanceof ApiException)) {
            markDown(error);
            return ApiError.unavailable(unreachable);
        }
        // About this record or a setting (authorization, an invalid record): this request fails, no other.
        LOG.warn("Kafka refused an event ({}: {}); answering 503 to that request only",
                error.getClass().getSimpleName(), error.getMessage());
        return ApiError.unavailable("Kafka refused the event (" + error.getClass().getSimpleName()
                + "); it was not stored, retry later");
    }

    private void markDown(Throwable error) {
        long now = System.currentTimeMillis();
        lastProbe.set(now);
        if (downSince.compareAndSet(0, now)) {
            LOG.warn("Kafka write failed ({}: {}); answering 503 until it recovers",
                    error.getClass().getSimpleName(), error.getMessage());
        }
    }

    public boolean isAvailable() {
        return downSince.get() == 0;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
