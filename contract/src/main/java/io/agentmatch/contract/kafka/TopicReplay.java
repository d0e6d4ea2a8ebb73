package io.agentmatch.contract.kafka;

import io.agentmatch.contract.events.EventPosition;
import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A bounded read of whole topics: from the beginning up to the end offsets taken when the read starts,
 * so that a replay ends even while producers go on writing. Read committed (what the processor sees),
 * assigned partitions, no consumer group and no offset commits. What the export, verify and the chaos
 * state check fold ({@code ProfileLogFold}, {@code ConversationLogFold}).
 */
public final class TopicReplay implements AutoCloseable {

    /** Receives every record below the end offsets, partition by partition in offset order. */
    @FunctionalInterface
    public interface RecordHandler {
        void handle(ConsumerRecord<byte[], byte[]> record) throws IOException;
    }

    /** Told how far a replay is: records handed over so far, of {@code total} (the sum of the end offsets). */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = (done, total) -> { };

        void update(long done, long total);
    }

    private final KafkaConsumer<byte[], byte[]> consumer;

    private TopicReplay(KafkaConsumer<byte[], byte[]> consumer) {
        this.consumer = consumer;
    }

    /**
     * The reader's properties: the settings a whole-topic read needs (large fetches, read_committed, no
     * auto commit) and {@code timeout} for each call to the cluster. A caller may add a group (for progress
     * it commits itself, as the dead-letter redrive does).
     */
    public static KafkaClients.Spec readerSpec(KafkaClients clients, String role, Duration timeout) {
        return clients.consumer(role)
                .tune(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest")
                .tune(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000)
                .tune(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 32 * 1024 * 1024)
                .tune(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis())
                .tune(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000)
                .require(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false)
                .require(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    }

    /** A replay reader of {@code clients}' component, in the role {@code role} (its client.id). */
    public static TopicReplay open(KafkaClients clients, String role, Duration timeout) {
        return new TopicReplay(readerSpec(clients, role, timeout).newConsumer(new ByteArrayDeserializer(), new ByteArrayDeserializer()));
    }

    /** The partitions of {@code topic}; an error naming it when the cluster does not know it. */
    public List<TopicPartition> partitions(String topic) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic);
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " does not exist");
        }
        return infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
    }

    /** Every record of {@code topic} below its end offsets of now, to {@code handler}; returns how many. */
    public long replay(String topic, RecordHandler handler) throws IOException {
        return replay(partitions(topic), Progress.NONE, handler);
    }

    /** Every record of {@code partitions} below their end offsets of now, to {@code handler}; returns how many. */
    public long replay(Collection<TopicPartition> partitions, Progress progress, RecordHandler handler) throws IOException {
        List<TopicPartition> assigned = List.copyOf(partitions);
        Map<TopicPartition, Long> ends = consumer.endOffsets(assigned);
        consumer.assign(assigned);
        consumer.seekToBeginning(assigned);
        long total = ends.values().stream().mapToLong(Long::longValue).sum();
        long count = 0;
        Set<TopicPartition> pending = new HashSet<>();
        for (TopicPartition partition : assigned) {
            if (consumer.position(partition) < ends.get(partition)) {
                pending.add(partition);
            }
        }
        try {
            while (!pending.isEmpty()) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.offset() >= ends.get(new TopicPartition(record.topic(), record.partition()))) {
                        continue;
                    }
                    handler.handle(record);
                    count++;
                }
                pending.removeIf(p -> consumer.position(p) >= ends.get(p));
                progress.update(count, total);
            }
        } finally {
            consumer.unsubscribe();
        }
        return count;
    }

    /** A record's place in the log, its redrive headers read ({@link EventPosition}). */
    public static EventPosition position(ConsumerRecord<byte[], byte[]> record) {
        return EventPosition.of(record.topic(), record.partition(), record.offset(), name -> {
            Header header = record.headers().lastHeader(name);
            return header == null ? null : header.value();
        });
    }

    /** The record key as the folds take it (UTF-8), or null. */
    public static String key(ConsumerRecord<byte[], byte[]> record) {
        return record.key() == null ? null : new String(record.key(), java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        consumer.close();
    }
}
