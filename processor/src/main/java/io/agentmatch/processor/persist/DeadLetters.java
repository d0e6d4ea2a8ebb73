package io.agentmatch.processor.persist;

import io.agentmatch.contract.Limits;
import io.agentmatch.contract.events.EventPosition;
import io.agentmatch.contract.events.EventReader;
import io.agentmatch.contract.events.Topics;
import io.agentmatch.contract.trace.TraceHeaders;
import io.agentmatch.contract.validation.ProfileIds;
import io.agentmatch.processor.health.ProcessorMetrics;
import io.agentmatch.processor.storage.PendingWrite;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dead-letter path of a persister: events that can never be applied go to the dead-letter
 * topic with their original key, value and headers (the trace context among them), the reason and
 * their origin in {@code dlq.*} headers, logged once (with the event's trace id: the persister
 * processes it under its span). {@link #headers} are the headers of every dead letter, the projector's too.
 */
public final class DeadLetters {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);
    /** The topology's sink node for dead letters. */
    static final String SINK = "dead-letter-sink";
    private static final String DLQ_PREFIX = "dlq.";

    private final ProcessorContext<String, byte[]> context;
    private final ProcessorMetrics metrics;
    /** The record being processed, and its position. */
    private Record<String, byte[]> current;
    private EventPosition currentPosition;

    DeadLetters(ProcessorContext<String, byte[]> context, ProcessorMetrics metrics) {
        this.context = context;
        this.metrics = metrics;
    }

    /**
     * The record's position: its own, or, when it was redriven, the one it first had ({@link EventPosition}).
     * The record is the one being processed from now on: a dead letter of it keeps its headers.
     */
    EventPosition position(Record<String, byte[]> record) {
        RecordMetadata origin = context.recordMetadata().orElseThrow();
        EventPosition position = EventPosition.of(origin.topic(), origin.partition(), origin.offset(), name -> {
            Header header = record.headers().lastHeader(name);
            return header == null ? null : header.value();
        });
        current = record;
        currentPosition = position;
        return position;
    }

    /**
     * Whether the record's key can be the key of an event at all (a well-formed id: the holds and the
     * ledger key on it); dead-letters it otherwise.
     */
    boolean checkKey(Record<String, byte[]> record, EventPosition position) {
        if (ProfileIds.isWellFormed(record.key())) {
            return true;
        }
        send(record.key(), record.value(), position, "record key " + abbreviate(record.key()) + " is not a well-formed id");
        return false;
    }

    /**
     * Reads the event ({@link EventReader}: JSON, its schema, the upcast, the key), or dead-letters
     * a record that is none or that is too large for the records the persister derives from it (its
     * change and outbox entry would not fit Kafka's record limit, and a record too large to produce
     * aborts the whole transaction under exactly-once, again at every retry). An event of an unknown
     * schema version is dead-lettered too, and answered as such: the caller holds its key.
     */
    EventReader.Reading read(String key, byte[] value, EventPosition position) {
        long size = (key == null ? 0L : key.length() * 3L) + (value == null ? 0 : value.length);
        if (size > Limits.MAX_PROCESSABLE_EVENT_BYTES) {
            String reason = "event too large: up to " + size + " bytes, the most the persister can derive records from is "
                    + Limits.MAX_PROCESSABLE_EVENT_BYTES;
            send(key, value, position, reason);
            return new EventReader.Invalid(reason);
        }
        EventReader.Reading reading = EventReader.read(key, value);
        if (reading instanceof EventReader.Invalid invalid) {
            send(key, value, position, invalid.reason());
        } else if (reading instanceof EventReader.Unknown unknown) {
            send(key, value, position, unknown.reason());
        }
        return reading;
    }

    /** Dead-letters the record being processed (its span, current, is marked failed with the reason). */
    void send(Record<String, byte[]> record, String reason) {
        send(record.key(), record.value(), position(record), reason);
    }

    /**
     * Dead-letters an event at its position: a redriven one names its original offset, so that a
     * second redrive still places it where it first stood. The event being processed keeps its own
     * headers (its trace context) but {@code dlq.*}; an event released from a hold has none left (the
     * hold keeps values only). The current span is marked failed with the reason.
     */
    void send(String key, byte[] value, EventPosition position, String reason) {
        String shown = new String(truncate(reason), StandardCharsets.UTF_8);
        LOG.warn("dead-lettering {}-{}@{} (key {}): {}", position.topic(), position.partition(), position.position(),
                abbreviate(key), shown);
        Span.current().setStatus(StatusCode.ERROR, "dead-lettered: " + shown);
        Headers original = current != null && position.equals(currentPosition) ? current.headers() : null;
        context.forward(new Record<>(key, value, context.currentSystemTimeMs(), original == null
                ? headers(reason, position.topic(), position.partition(), position.position())
                : headers(original, reason, position.topic(), position.partition(), position.position())), SINK);
        metrics.deadLettered(position.topic());
    }

    /** Dead-letters a write DynamoDB rejected as invalid (the outbox logged it). */
    void sendWrite(PendingWrite write, String reason) {
        context.forward(new Record<>(write.id(), write.toBytes(), System.currentTimeMillis(),
                headers(reason, write.sourceTopic(), write.sourcePartition(), write.sourceOffset())), SINK);
        metrics.deadLettered(write.sourceTopic());
    }

    /**
     * A dead letter's headers: those of the record it holds (the trace context, whatever its writer
     * added; not its {@code dlq.*}, which ours replace), then ours. They fit: the original record fit its
     * topic, and ours take at most {@link Limits#DEAD_LETTER_HEADER_BYTES} more.
     */
    public static Headers headers(Headers original, String reason, String topic, int partition, long offset) {
        Headers headers = new RecordHeaders(TraceHeaders.without(original, DLQ_PREFIX));
        headers(reason, topic, partition, offset).forEach(headers::add);
        return headers;
    }

    /** A dead letter's own headers: the reason and where the record came from. */
    public static Headers headers(String reason, String topic, int partition, long offset) {
        Headers headers = new RecordHeaders();
        headers.add(Topics.HEADER_DLQ_REASON, truncate(reason));
        headers.add(Topics.HEADER_DLQ_TOPIC, topic.getBytes(StandardCharsets.UTF_8));
        headers.add(Topics.HEADER_DLQ_PARTITION, Integer.toString(partition).getBytes(StandardCharsets.UTF_8));
        headers.add(Topics.HEADER_DLQ_OFFSET, Long.toString(offset).getBytes(StandardCharsets.UTF_8));
        return headers;
    }

    /** The reason's UTF-8, cut (at a character boundary) so that the headers stay within {@link Limits#DEAD_LETTER_HEADER_BYTES}. */
    static byte[] truncate(String reason) {
        byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= Limits.MAX_DEAD_LETTER_REASON_BYTES) {
            return bytes;
        }
        int end = Limits.MAX_DEAD_LETTER_REASON_BYTES - 3;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
            end--;
        }
        byte[] cut = java.util.Arrays.copyOf(bytes, end + 3);
        cut[end] = '.';
        cut[end + 1] = '.';
        cut[end + 2] = '.';
        return cut;
    }

    private static String abbreviate(String key) {
        return key == null || key.length() <= 200 ? key : key.substring(0, 197) + "...";
    }
}
