package io.agentmatch.api.events;

import io.agentmatch.api.http.ApiError;
import io.agentmatch.contract.config.PipelineConfig;
import io.agentmatch.contract.events.EventEnvelope;
import io.agentmatch.contract.events.JsonCodec;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.ApiException;
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
 */
public final class EventPublisher implements EventSink, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventPublisher.class);
    private static final long PROBE_INTERVAL_MS = 500;

    private final KafkaProducer<String, byte[]> producer;
    private final Timer sendLatency;
    private final AtomicLong downSince = new AtomicLong(0);
    private final AtomicLong lastProbe = new AtomicLong(0);

    public EventPublisher(PipelineConfig config, Duration timeout, MeterRegistry registry) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrapServers());
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 2);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        // Bounded: metadata waits and deliveries give up within the request timeout, never hang.
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Math.min(2000, timeout.toMillis()));
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(1000, timeout.toMillis() - 500));
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) timeout.toMillis() + 10);
        props.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        this.producer = new KafkaProducer<>(props);
        this.sendLatency = Timer.builder("api_kafka_send").description("time until Kafka acknowledged an event")
                .publishPercentiles(0.5, 0.99).register(registry);
    }

    /** Completes with the record's position once acknowledged, or exceptionally with a 503 {@link ApiError}. */
    @Override
    public CompletableFuture<RecordMetadata> publish(String topic, EventEnvelope event) {
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
        try {
            producer.send(new ProducerRecord<>(topic, event.key(), JsonCodec.toBytes(event)), (metadata, error) -> {
                if (error == null) {
                    sendLatency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                    if (downSince.getAndSet(0) != 0) {
                        LOG.info("Kafka acknowledges writes again");
                    }
                    result.complete(metadata);
                } else {
                    ApiError failure = afterSend(error);
                    if (failure.status() == OUTCOME_UNKNOWN) {
                        markDown(error);
                    }
                    result.completeExceptionally(failure);
                }
            });
        } catch (RuntimeException e) {
            // send() threw: the record was never handed to the network (metadata wait, buffer, serialization).
            markDown(e);
            result.completeExceptionally(notStored());
        }
        return result;
    }

    /** The status of an answer whose write may or may not have been stored. */
    public static final int OUTCOME_UNKNOWN = 504;

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
     * A failure reported after send(): a broker's definitive refusal (a non-retriable error) means not
     * stored; a timeout or a retriable error may hide a record that was appended.
     */
    static ApiError afterSend(Exception error) {
        return error instanceof RetriableException || !(error instanceof ApiException) ? outcomeUnknown() : notStored();
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
