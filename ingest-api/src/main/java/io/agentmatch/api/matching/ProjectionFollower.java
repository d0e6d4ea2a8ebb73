package io.agentmatch.api.matching;

import io.agentmatch.contract.config.PipelineConfig;
import io.agentmatch.contract.events.MatchProjection;
import io.agentmatch.contract.kafka.KafkaClients;
import io.agentmatch.matching.MatchIndex;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the in-memory match index equal to the compacted projection topic: reads it from the
 * beginning at start-up (the index is "ready" once it reached the end offsets seen then), then
 * follows it, so a changed profile is matchable as soon as its projection is committed.
 * No consumer group: every API instance holds the whole index.
 */
public final class ProjectionFollower implements IndexFeed {
    private static final Logger LOG = LoggerFactory.getLogger(ProjectionFollower.class);

    private final KafkaConsumer<String, byte[]> consumer;
    /** The consumer's own metrics (kafka_consumer_*: its records-lag-max says how far the index trails). */
    private final KafkaClientMetrics consumerMetrics;
    private final MatchIndex index;
    private final String topic;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long lastPoll = System.currentTimeMillis();
    private volatile long buildMillis = -1;

    public ProjectionFollower(PipelineConfig config, KafkaClients clients, MatchIndex index, MeterRegistry registry) {
        this.consumer = clients.consumer("projection-follower")
                .tune(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000)
                .tune(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 * 1024 * 1024)
                .tune(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024)
                .tune(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50)
                .tune(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000)
                // Only committed projections enter the index; no group: every instance reads everything.
                .require(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
                .require(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false)
                .newConsumer(new StringDeserializer(), new ByteArrayDeserializer());
        this.consumerMetrics = new KafkaClientMetrics(consumer);
        this.consumerMetrics.bindTo(registry);
        this.index = index;
        this.topic = config.topics().profileProjections();
        this.thread = new Thread(this::run, "projection-follower");
        this.thread.setDaemon(true);
    }

    @Override
    public void start() {
        thread.start();
    }

    private void run() {
        long start = System.currentTimeMillis();
        try {
            List<TopicPartition> partitions = awaitPartitions();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> startupEnd = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            int loaded = 0;
            while (running) {
                var records = consumer.poll(Duration.ofMillis(100));
                lastPoll = System.currentTimeMillis();
                apply(records);
                loaded += records.count();
                if (caughtUp.getCount() > 0 && reached(startupEnd)) {
                    buildMillis = System.currentTimeMillis() - start;
                    caughtUp.countDown();
                    LOG.info("match index ready: {} profiles from {} projection records in {} ms", index.size(), loaded,
                            buildMillis);
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("projection follower stopped: {}", e.toString());
        } finally {
            consumerMetrics.close();
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private List<TopicPartition> awaitPartitions() {
        while (running) {
            lastPoll = System.currentTimeMillis();
            try {
                var infos = consumer.partitionsFor(topic, Duration.ofSeconds(5));
                if (infos != null && !infos.isEmpty()) {
                    return infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                }
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                LOG.warn("waiting for the projection topic {}: {}", topic, e.getMessage());
            }
        }
        throw new WakeupException();
    }

    private boolean reached(Map<TopicPartition, Long> end) {
        for (var entry : end.entrySet()) {
            if (consumer.position(entry.getKey()) < entry.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** Applies a poll in order, upserts in batches (one index lock per batch), removals between them. */
    private void apply(Iterable<ConsumerRecord<String, byte[]>> records) {
        List<MatchProjection> batch = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            if (record.value() == null) {
                flush(batch);
                index.remove(record.key());
                continue;
            }
            try {
                batch.add(MatchProjection.fromBytes(record.value()));
            } catch (Exception e) {
                LOG.warn("unreadable projection at {}-{}@{} skipped: {}", record.topic(), record.partition(),
                        record.offset(), e.getMessage());
            }
            if (batch.size() == 500) {
                flush(batch);
            }
        }
        flush(batch);
    }

    private void flush(List<MatchProjection> batch) {
        if (!batch.isEmpty()) {
            index.upsertAll(batch);
            batch.clear();
        }
    }

    public boolean isReady() {
        return caughtUp.getCount() == 0;
    }

    public boolean awaitReady(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public long buildMillis() {
        return buildMillis;
    }

    public boolean isFollowing() {
        return thread.isAlive() && System.currentTimeMillis() - lastPoll < 30_000;
    }

    /** STOPPED once the thread died (an error it logged) or stopped polling: the index no longer changes. */
    @Override
    public State state() {
        if (thread.getState() != Thread.State.NEW && !isFollowing()) {
            return State.STOPPED;
        }
        return isReady() ? State.READY : State.LOADING;
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.getState() == Thread.State.NEW) {
            // Never started: run() did not get to close them.
            consumerMetrics.close();
            consumer.close(Duration.ofSeconds(2));
        }
    }
}
