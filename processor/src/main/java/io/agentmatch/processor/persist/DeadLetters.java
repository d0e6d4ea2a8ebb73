package io.agentmatch.processor.persist;

import io.agentmatch.contract.events.EventEnvelope;
import io.agentmatch.contract.events.EventSerde;
import io.agentmatch.contract.events.Topics;
import io.agentmatch.processor.health.ProcessorMetrics;
import io.agentmatch.processor.storage.PendingWrite;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dead-letter path of a persister: events that can never be applied go to the dead-letter
 * topic with their original key and value, the reason and their origin in headers, logged once.
 */
final class DeadLetters {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);
    /** The topology's sink node for dead letters. */
    static final String SINK = "dead-letter-sink";

    private final ProcessorContext<String, byte[]> context;
    private final ProcessorMetrics metrics;

    DeadLetters(ProcessorContext<String, byte[]> context, ProcessorMetrics metrics) {
        this.context = context;
        this.metrics = metrics;
    }

    /** The record's event, or empty after dead-lettering a record that is not one (bytes, or key mismatch). */
    Optional<EventEnvelope> parse(Record<String, byte[]> record) {
        EventEnvelope event;
        try {
            event = EventSerde.parse(record.value());
        } catch (IOException e) {
            send(record, "unparseable event: " + e.getMessage());
            return Optional.empty();
        }
        if (record.key() == null || !record.key().equals(event.key())) {
            send(record, "record key " + record.key() + " does not match event key " + event.key());
            return Optional.empty();
        }
        return Optional.of(event);
    }

    /** Dead-letters the record being processed. */
    void send(Record<String, byte[]> record, String reason) {
        RecordMetadata origin = context.recordMetadata().orElseThrow();
        LOG.warn("dead-lettering {}-{}@{} (key {}): {}", origin.topic(), origin.partition(), origin.offset(),
                record.key(), reason);
        context.forward(new Record<>(record.key(), record.value(), record.timestamp(),
                headers(reason, origin.topic(), origin.partition(), origin.offset())), SINK);
        metrics.deadLettered(origin.topic());
    }

    /** Dead-letters a write DynamoDB rejected as invalid (the outbox logged it). */
    void sendWrite(PendingWrite write, String reason) {
        context.forward(new Record<>(write.id(), write.toBytes(), System.currentTimeMillis(),
                headers(reason, write.sourceTopic(), write.sourcePartition(), write.sourceOffset())), SINK);
        metrics.deadLettered(write.sourceTopic());
    }

    static Headers headers(String reason, String topic, int partition, long offset) {
        Headers headers = new RecordHeaders();
        headers.add(Topics.HEADER_DLQ_REASON, reason.getBytes(StandardCharsets.UTF_8));
        headers.add(Topics.HEADER_DLQ_TOPIC, topic.getBytes(StandardCharsets.UTF_8));
        headers.add(Topics.HEADER_DLQ_PARTITION, Integer.toString(partition).getBytes(StandardCharsets.UTF_8));
        headers.add(Topics.HEADER_DLQ_OFFSET, Long.toString(offset).getBytes(StandardCharsets.UTF_8));
        return headers;
    }
}
