package io.agentmatch.bench;

import io.agentmatch.contract.config.PipelineConfig;
import io.agentmatch.contract.events.ProfileRecord;
import io.agentmatch.contract.storage.DynamoClients;
import io.agentmatch.contract.storage.ProfileItems;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The raw bound of the processor's profile writes: the processor's exact request
 * ({@link ProfileItems#versionedPut}, a PutItem under the version condition) for each item, into an
 * empty table as the processor's are, from one async client with as many calls in flight as the
 * processor keeps (DYNAMODB_MAX_IN_FLIGHT per task, one task per partition of the profile topic).
 * The target's bound is the async client's rate ({@link #rate}), the client the processor uses;
 * {@link #rateSync} is reported beside it (the processor on the synchronous client was tried and
 * measured slower: BENCHMARKS.md, "Persist against its bound").
 */
public final class RawConditionalPuts {
    /** The processor's per-task in-flight bound, from its /metrics. */
    public static final String MAX_IN_FLIGHT = "processor_dynamodb_max_in_flight";

    private RawConditionalPuts() {
    }

    /** Calls in flight of a processor holding every partition of the profile topic. */
    public static int processorConcurrency(int healthPort, PipelineConfig config) {
        double perTask = PromText.sum(BenchStack.get("http://127.0.0.1:" + healthPort + "/metrics"), MAX_IN_FLIGHT);
        if (perTask < 1) {
            throw new IllegalStateException("the processor does not report " + MAX_IN_FLIGHT);
        }
        return (int) perTask * config.topicPartitions();
    }

    /**
     * Writes every profile once (version 1) with {@code concurrency} calls in flight; items/s. The SDK
     * marshals and signs on the calling thread, so one submitting thread per core keeps the client
     * from being the bound.
     */
    public static double rate(PipelineConfig config, List<ProfileRecord> profiles, int concurrency) throws Exception {
        List<Map<String, AttributeValue>> items = profiles.stream().map(p -> ProfileItems.toItem(p, 1L, "migration")).toList();
        Semaphore slots = new Semaphore(concurrency);
        CountDownLatch done = new CountDownLatch(items.size());
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        int submitters = Math.min(concurrency, Runtime.getRuntime().availableProcessors());
        ExecutorService pool = Executors.newFixedThreadPool(submitters);
        try (DynamoDbAsyncClient dynamo = DynamoClients.of(config, "bench").async(Duration.ofSeconds(30), concurrency)) {
            long start = System.nanoTime();
            List<Future<?>> submitted = new ArrayList<>();
            for (int t = 0; t < submitters; t++) {
                submitted.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < items.size(); i = next.getAndIncrement()) {
                        slots.acquire();
                        dynamo.putItem(ProfileItems.versionedPut(config.profileTable(), items.get(i))).whenComplete((ok, error) -> {
                            if (error != null) {
                                failure.compareAndSet(null, error);
                            }
                            slots.release();
                            done.countDown();
                        });
                    }
                    return null;
                }));
            }
            for (Future<?> f : submitted) {
                f.get();
            }
            done.await();
            double seconds = (System.nanoTime() - start) / 1e9;
            if (failure.get() != null) {
                throw new IllegalStateException("raw conditional PutItem failed: " + failure.get(), failure.get());
            }
            return items.size() / seconds;
        } finally {
            pool.shutdown();
        }
    }

    /**
     * The same writes through the synchronous client, {@code concurrency} threads each with one call in
     * flight (as a processor on the synchronous client would make them); items/s. Reported next to
     * {@link #rate}, which stays the target's bound.
     */
    public static double rateSync(PipelineConfig config, List<ProfileRecord> profiles, int concurrency) throws Exception {
        List<Map<String, AttributeValue>> items = profiles.stream().map(p -> ProfileItems.toItem(p, 1L, "migration")).toList();
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        try (DynamoDbClient dynamo = DynamoClients.of(config, "bench").sync(Duration.ofSeconds(30), concurrency)) {
            long start = System.nanoTime();
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < concurrency; t++) {
                workers.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < items.size(); i = next.getAndIncrement()) {
                        dynamo.putItem(ProfileItems.versionedPut(config.profileTable(), items.get(i)));
                    }
                    return null;
                }));
            }
            for (Future<?> f : workers) {
                f.get();
            }
            return items.size() / ((System.nanoTime() - start) / 1e9);
        } finally {
            pool.shutdown();
        }
    }
}
