package io.agentmatch.processor.persist;

import io.agentmatch.contract.events.Topics;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/** Builds dead-letter records: the original key and value, with the reason and origin in headers. */
public final class DeadLetters {
    /** The topology's sink node for dead letters. */
    public static final String SINK = "dead-letter-sink";

    private DeadLetters() {
    }

    public static Headers headers(String reason, String topic, int partition, long offset) {
        Headers headers = new RecordHeaders();
        headers.add(Topics.HEADER_DLQ_REASON, reason.getBytes(StandardCharsets.UTF_8));
        headers.add(Topics.HEADER_DLQ_TOPIC, topic.getBytes(StandardCharsets.UTF_8));
        headers.add(Topics.HEADER_DLQ_PARTITION, Integer.toString(partition).getBytes(StandardCharsets.UTF_8));
        headers.add(Topics.HEADER_DLQ_OFFSET, Long.toString(offset).getBytes(StandardCharsets.UTF_8));
        return headers;
    }

    /** Forwards the record being processed to the dead-letter sink. */
    public static void send(ProcessorContext<String, byte[]> context, Record<String, byte[]> record, String reason) {
        RecordMetadata origin = context.recordMetadata().orElseThrow();
        context.forward(new Record<>(record.key(), record.value(), record.timestamp(),
                headers(reason, origin.topic(), origin.partition(), origin.offset())), SINK);
    }
}
