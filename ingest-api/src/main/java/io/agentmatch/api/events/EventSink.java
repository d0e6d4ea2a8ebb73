package io.agentmatch.api.events;

import io.agentmatch.contract.events.EventEnvelope;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Where the API's writes go. The only implementation in production is {@link EventPublisher}
 * (Kafka, {@code acks=all}); the route tests use an in-memory one.
 */
public interface EventSink {

    /**
     * Completes with the record's position once the event is durably stored, or exceptionally with
     * an {@link io.agentmatch.api.http.ApiError} that says whether it was stored (never, or unknown).
     */
    CompletableFuture<RecordMetadata> publish(String topic, EventEnvelope event);
}
