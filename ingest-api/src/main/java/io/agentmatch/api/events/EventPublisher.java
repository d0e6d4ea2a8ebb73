package io.agentmatch.api.events;

import io.agentmatch.api.http.ApiError;
import io.agentmatch.contract.Limits;
import io.agentmatch.contract.events.EventEnvelope;
import io.agentmatch.contract.events.JsonCodec;
import io.agentmatch.contract.kafka.KafkaClients;
import io.agentmatch.contract.kafka.KafkaFailures;
import io.agentmatch.contract.metrics.Meters;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.agentmatch.contract.trace.Traced;
import io.agentmatch.contract.trace.Tracing;
import io.opentelemetry.api.trace.SpanKind;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
 * <p>A failure says what the producer knows: <b>not stored</b> (503) when the record never left
 * this process (refused before sending, or while Kafka is known to be down) or the broker refused
 * it for good; <b>unknown</b> (504) when the delivery timed out or failed retriably, because the
 * record may have been sent and appended without the acknowledgement arriving (Kafka's producer
 * does not tell a batch that expired unsent from one that expired in flight). The remedy for
 * unknown is a retry with the same Idempotency-Key: it derives the same ids, so the fold applies
 * the event once.
 *
 * <p>Only an unknown outcome or a producer that cannot send marks Kafka down. An error about one
 * record answers that request alone: 413 for an event too large (also refused before sending when
 * it exceeds {@link Limits#MAX_EVENT_BYTES}), 503 for a definitive refusal (e.g. authorization).
 *
 * <p>Each record carries its request's trace context in headers ({@code traceparent} naming the
 * publication's span, {@code tracestate}, {@code x-request-id}: docs/EVENTS.md, "Record headers").
 */
public final class EventPublisher implements EventSink, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventPublisher.class);
    private static final long PROBE_INTERVAL_MS = 500;

    /** The status of an answer whose write may or may not have been stored. */
    public static final int OUTCOME_UNKNOWN = 504;

    private final Producer<String, byte[]> producer;
    private final Tracing tracing;
    private final Timer sendLatency;
    /** The producer's own metrics (kafka_producer_*); null for a test's producer. */
    private final KafkaClientMetrics clientMetrics;
    private final AtomicLong downSince = new AtomicLong(0);
    private final AtomicLong lastProbe = new AtomicLong(0);

    public EventPublisher(KafkaClients clients, Duration timeout, MeterRegistry registry, Tracing tracing) {
        this(clients.producer("events")
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
                .newProducer(new StringSerializer(), new ByteArraySerializer()), registry, tracing, true);
    }

    /** With this producer (tests), trace ids only. */
    EventPublisher(Producer<String, byte[]> producer, MeterRegistry registry) {
        this(producer, registry, Tracing.idsOnly(), false);
    }

    /** With this producer and tracing (tests). */
    public EventPublisher(Producer<String, byte[]> producer, MeterRegistry registry, Tracing tracing) {
        this(producer, registry, tracing, false);
    }

    private EventPublisher(Producer<String, byte[]> producer, MeterRegistry registry, Tracing tracing, boolean clientMetrics) {
        this.producer = producer;
        this.tracing = tracing;
        this.sendLatency = Meters.latency("api_kafka_send", "time until Kafka acknowledged an event").register(registry);
        this.clientMetrics = clientMetrics ? new KafkaClientMetrics(producer) : null;
        if (this.clientMetrics != null) {
            this.clientMetrics.bindTo(registry);
        }
    }

    /**
     * Completes with the record's position once acknowledged, or exceptionally with an {@link ApiError}:
     * 400/413 for an event that cannot be written, 503 when Kafka did not store it, 504 when it may have.
     */
    @Override
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
                return CompletableFuture.failedFuture(notStored());
            }
        }
        CompletableFuture<RecordMetadata> result = new CompletableFuture<>();
        long start = System.nanoTime();
        // The publication's span, a child of the request's; the record carries it as the processor's parent.
        Traced send = tracing.start("send " + topic, SpanKind.PRODUCER)
                .attribute("messaging.system", "kafka")
                .attribute("messaging.operation.type", "send")
                .attribute("messaging.destination.name", topic);
        try {
            producer.send(new ProducerRecord<>(topic, null, event.key(), value, send.recordHeaders()), (metadata, error) -> {
                // On the producer's thread: the request's ids in the MDC of whatever is logged here.
                try (Traced.In in = send.enter()) {
                    if (error == null) {
                        sendLatency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                        send.attribute("messaging.destination.partition.id", Integer.toString(metadata.partition()))
                                .attribute("messaging.kafka.offset", metadata.offset());
                        if (downSince.getAndSet(0) != 0) {
                            LOG.info("Kafka acknowledges writes again");
                        }
                        result.complete(metadata);
                        return;
                    }
                    ApiError failure = afterSend(error);
                    send.fail(failure.getMessage());
                    if (failure.status() == OUTCOME_UNKNOWN) {
                        markDown(error);
                    } else if (failure.status() == 503) {
                        LOG.warn("Kafka refused an event ({}); answering 503 to that request only",
                                KafkaFailures.securityProblem(error).orElse(KafkaFailures.rootMessage(error)));
                    }
                    result.completeExceptionally(failure);
                } finally {
                    send.end();
                }
            });
        } catch (RuntimeException e) {
            // send() threw: the record was never handed to the network (metadata wait, buffer, a closed producer).
            markDown(e);
            send.fail("not sent: " + e.getClass().getSimpleName()).end();
            result.completeExceptionally(notStored());
        }
        return result;
    }

    /** The record never left this process, or the broker refused it: nothing was stored. */
    public static ApiError notStored() {
        return ApiError.unavailable("Kafka is unavailable; the event was not stored, retry later");
    }

    /** The delivery outcome is unknown: the record may still be appended. */
    public static ApiError outcomeUnknown() {
        return new ApiError(OUTCOME_UNKNOWN, "Kafka did not acknowledge the event in time; it may still have been stored:"
                + " retry with the same Idempotency-Key (a retry without one may store it twice)");
    }

    /**
     * A failure reported after send(): a record too large is the client's (413); a broker's
     * definitive refusal (a non-retriable error) means not stored (503); a timeout or a retriable
     * error may hide a record that was appended (504).
     */
    static ApiError afterSend(Exception error) {
        if (error instanceof RecordTooLargeException || error instanceof RecordBatchTooLargeException) {
            return new ApiError(413, "request body: its event is larger than Kafka accepts; it was not stored");
        }
        if (error instanceof RetriableException || !(error instanceof ApiException)) {
            return outcomeUnknown();
        }
        return ApiError.unavailable("Kafka refused the event (" + KafkaFailures.securityProblem(error)
                .orElse(error.getClass().getSimpleName()) + "); it was not stored, retry later");
    }

    private void markDown(Throwable error) {
        long now = System.currentTimeMillis();
        lastProbe.set(now);
        if (downSince.compareAndSet(0, now)) {
            LOG.warn("Kafka write failed ({}: {}); answering 503 until it recovers",
                    error.getClass().getSimpleName(), error.getMessage());
        }
    }

    /**
     * Fetches the metadata of {@code topics} before the first request: otherwise the first writes
     * wait for it within {@code max.block.ms} (2 s) and, on a busy host just after a start, answer
     * 503 ("Kafka is unavailable") although Kafka is fine. Best effort, for at most {@code maxWait}:
     * a broker that is not reachable yet is the readiness probe's to report.
     *
     * @return whether the metadata of every topic was fetched
     */
    public boolean warmUp(List<String> topics, Duration maxWait) {
        long deadline = System.nanoTime() + maxWait.toNanos();
        for (String topic : topics) {
            while (true) {
                try {
                    producer.partitionsFor(topic);
                    break;
                } catch (RuntimeException e) {
                    if (System.nanoTime() >= deadline) {
                        LOG.info("metadata of {} not fetched at start ({}); the first write fetches it", topic, e.getMessage());
                        return false;
                    }
                }
            }
        }
        return true;
    }

    public boolean isAvailable() {
        return downSince.get() == 0;
    }

    @Override
    public void close() {
        if (clientMetrics != null) {
            clientMetrics.close();
        }
        producer.close(Duration.ofSeconds(5));
    }
}
