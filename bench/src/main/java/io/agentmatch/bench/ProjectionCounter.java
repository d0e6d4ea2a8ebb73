package io.agentmatch.bench;

import io.agentmatch.contract.kafka.KafkaClients;
import io.agentmatch.contract.kafka.KafkaConnection;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Follows a projection topic (read_committed, no group, from the beginning) and counts the distinct live keys. */
public final class ProjectionCounter implements AutoCloseable {
    private final AtomicInteger count = new AtomicInteger();
    private final Thread thread;
    private volatile boolean running = true;

    public ProjectionCounter(String bootstrap, String topic) {
        thread = new Thread(() -> follow(bootstrap, topic), "projection-counter");
        thread.setDaemon(true);
        thread.start();
    }

    public int count() {
        return count.get();
    }

    private void follow(String bootstrap, String topic) {
        try (KafkaConsumer<String, byte[]> consumer = KafkaClients.of(KafkaConnection.plaintext(bootstrap), "bench")
                .consumer("projection-counter")
                .tune(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000)
                .require(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
                .require(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false)
                .newConsumer(new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Set<String> live = new HashSet<>();
            while (running) {
                for (var record : consumer.poll(Duration.ofMillis(50))) {
                    if (record.value() == null) {
                        live.remove(record.key());
                    } else {
                        live.add(record.key());
                    }
                }
                count.set(live.size());
            }
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
