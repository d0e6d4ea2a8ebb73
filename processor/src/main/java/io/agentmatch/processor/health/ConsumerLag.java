package io.agentmatch.processor.health;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer lag of the processor's Streams applications, from each one's consumer group: the
 * records of its input topics after the group's committed offsets (the log start where nothing is
 * committed yet), summed over every partition, re-read every {@link #INTERVAL}.
 *
 * <p>Why committed offsets and not the consumers' own {@code records-lag} metrics (which
 * {@code kafka_consumer_fetch_manager_records_lag_max} also exports): the client metrics exist only
 * while a consumer runs, and only for the partitions it holds. A projector whose stream thread died
 * takes its lag metrics with it, so its lag would read "none" exactly when it grows without bound;
 * the group's committed offsets keep counting. With exactly-once the committed offsets are also
 * what is done for good (a crash resumes there). Every instance reports its group's whole lag, so
 * aggregate replicas with {@code max}, not {@code sum}.
 *
 * <p>The end offsets are read with {@code read_committed}, as the applications consume. The reads
 * need DESCRIBE on the input topics and the groups, implied by the READ the processor holds.
 */
public final class ConsumerLag implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerLag.class);
    static final Duration INTERVAL = Duration.ofSeconds(10);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);

    /** One application: its consumer group and its input topics. */
    public record Application(String name, String group, List<String> inputTopics) {
    }

    private final Admin admin;
    private final List<Application> applications;
    private final Map<String, Double> lags = new ConcurrentHashMap<>();
    private final Map<String, Boolean> failing = new ConcurrentHashMap<>();
    private final ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "consumer-lag");
        thread.setDaemon(true);
        return thread;
    });

    /** Reads the lag of {@code applications} with {@code admin} (closed with this) until {@link #close}. */
    public ConsumerLag(Admin admin, List<Application> applications) {
        this.admin = admin;
        this.applications = List.copyOf(applications);
        applications.forEach(app -> lags.put(app.name(), Double.NaN));
        refresher.scheduleWithFixedDelay(this::refresh, 0, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The last lag read of {@code application}, NaN before the first read or while reads fail. */
    public double lag(String application) {
        return lags.getOrDefault(application, Double.NaN);
    }

    void refresh() {
        for (Application app : applications) {
            try {
                lags.put(app.name(), (double) read(app));
                if (failing.remove(app.name()) != null) {
                    LOG.info("consumer lag of the {} readable again", app.name());
                }
            } catch (ExecutionException | TimeoutException | RuntimeException e) {
                lags.put(app.name(), Double.NaN);
                if (failing.put(app.name(), true) == null) {
                    Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
                    LOG.warn("cannot read the consumer lag of the {} (group {}): {}; reported as NaN until it can",
                            app.name(), app.group(), cause.toString());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private long read(Application app) throws ExecutionException, InterruptedException, TimeoutException {
        long timeout = CALL_TIMEOUT.toMillis();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        admin.describeTopics(app.inputTopics()).allTopicNames().get(timeout, TimeUnit.MILLISECONDS)
                .forEach((topic, description) -> description.partitions()
                        .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest())));
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(app.group())
                .partitionsToOffsetAndMetadata().get(timeout, TimeUnit.MILLISECONDS);
        ListOffsetsOptions readCommitted = new ListOffsetsOptions(IsolationLevel.READ_COMMITTED);
        var ends = admin.listOffsets(latest, readCommitted).all().get(timeout, TimeUnit.MILLISECONDS);
        Map<TopicPartition, OffsetSpec> uncommitted = new HashMap<>();
        latest.keySet().stream().filter(tp -> committed.get(tp) == null).forEach(tp -> uncommitted.put(tp, OffsetSpec.earliest()));
        var starts = uncommitted.isEmpty() ? Map.<TopicPartition, ListOffsetsResultInfo>of()
                : admin.listOffsets(uncommitted, readCommitted).all().get(timeout, TimeUnit.MILLISECONDS);
        long lag = 0;
        for (TopicPartition tp : latest.keySet()) {
            OffsetAndMetadata done = committed.get(tp);
            long position = done != null ? done.offset() : starts.get(tp).offset();
            lag += Math.max(0, ends.get(tp).offset() - position);
        }
        return lag;
    }

    @Override
    public void close() {
        refresher.shutdownNow();
        try {
            refresher.awaitTermination(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        admin.close(Duration.ofSeconds(2));
    }
}
