package io.agentmatch.migrator;

import io.agentmatch.contract.events.EventPosition;
import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;

/**
 * Reads a topic from the beginning up to the end offsets taken at the start: what export, verify
 * and the chaos state check fold.
 */
public final class EventLog {
    private EventLog() {
    }

    /** A record's position, its redrive headers read ({@link EventPosition}). */
    public static EventPosition position(ConsumerRecord<byte[], byte[]> record) {
        return EventPosition.of(record.topic(), record.partition(), record.offset(), name -> {
            org.apache.kafka.common.header.Header header = record.headers().lastHeader(name);
            return header == null ? null : header.value();
        });
    }

    @FunctionalInterface
    public interface RecordHandler {
        void handle(ConsumerRecord<byte[], byte[]> record) throws IOException;
    }

    /** Hands every record of {@code partitions} below today's end offsets to {@code handler}; returns how many. */
    public static long replay(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions, String what, Logger log,
                       RecordHandler handler) throws IOException {
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        long total = ends.values().stream().mapToLong(Long::longValue).sum();
        Progress progress = new Progress(what, total, log);
        long count = 0;
        Set<TopicPartition> pending = new HashSet<>();
        for (TopicPartition partition : partitions) {
            if (consumer.position(partition) < ends.get(partition)) {
                pending.add(partition);
            }
        }
        while (!pending.isEmpty()) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                if (record.offset() >= ends.get(partition)) {
                    continue;
                }
                handler.handle(record);
                count++;
            }
            pending.removeIf(p -> consumer.position(p) >= ends.get(p));
            progress.update(count);
        }
        progress.clear();
        consumer.unsubscribe();
        return count;
    }
}
