package io.agentmatch.bench.stages;

import io.agentmatch.bench.BenchProfiles;
import io.agentmatch.bench.BenchStack;
import io.agentmatch.bench.Proc;
import io.agentmatch.bench.RawConditionalPuts;
import io.agentmatch.bench.Results;
import io.agentmatch.bench.Results.Row;
import io.agentmatch.contract.config.PipelineConfig;
import io.agentmatch.contract.events.EventEnvelope;
import io.agentmatch.contract.events.EventSource;
import io.agentmatch.contract.events.EventType;
import io.agentmatch.contract.events.JsonCodec;
import io.agentmatch.contract.events.ProfileRecord;
import io.agentmatch.contract.storage.DynamoClients;
import io.agentmatch.contract.storage.ProfileItems;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * N preloaded events through the processor (projections off) into DynamoDB, next to raw
 * BatchWriteItem of the same items. Leaves its namespace and processor to the project stage.
 */
public final class PersistStage implements Stage {
    private final BenchStack bench;
    private final BenchRun run;
    private final SharedPipeline pipeline;
    /** Raw conditional PutItems/s at the processor's concurrency, once measured: the bound of a replay too. */
    private double rawConditionalRate = Double.NaN;

    PersistStage(BenchStack bench, BenchRun run, SharedPipeline pipeline) {
        this.bench = bench;
        this.run = run;
        this.pipeline = pipeline;
    }

    @Override
    public void run() throws Exception {
        Results results = run.results();
        int n = run.options().events();
        PipelineConfig cfg = bench.namespace("bench-pipe");
        List<ProfileRecord> profiles = BenchProfiles.records(n, 11);
        preload(cfg, profiles);
        bench.stop("processor");
        int port = bench.startProcessor("processor", cfg, Map.of("PROCESSOR_PROJECTIONS", "false"));
        Proc.CpuWindow cpu = new Proc.CpuWindow(bench.pids("kafka", "dynalite", "processor")).start();
        ProcessorCounters.Reached t = ProcessorCounters.awaitTarget("persist: table holds " + n + " items", port,
                ProcessorCounters.ITEMS_WRITTEN, n, Duration.ofMinutes(20));
        Map<String, Double> used = cpu.coresUsed();
        pipeline.set(cfg, port);

        // The limit: raw BatchWriteItem, 25-item batches, 4 in flight, same items, one process (this one).
        PipelineConfig raw = bench.namespace("bench-rawwrite");
        List<WriteRequest> writes = profiles.stream().map(p -> WriteRequest.builder()
                .putRequest(PutRequest.builder().item(ProfileItems.toItem(p, 1L, "migration")).build()).build()).toList();
        cpu = new Proc.CpuWindow(bench.pids("dynalite")).start();
        double rawRate = batchWrite(raw, writes, 4);
        Map<String, Double> rawCpu = cpu.coresUsed();

        // The bound of the writes the processor makes: conditional PutItems at its concurrency.
        int concurrency = RawConditionalPuts.processorConcurrency(port, cfg);
        PipelineConfig rawPut = bench.namespace("bench-rawput");
        cpu = new Proc.CpuWindow(bench.pids("dynalite")).start();
        double putRate = RawConditionalPuts.rate(rawPut, profiles, concurrency);
        rawConditionalRate = putRate;
        Map<String, Double> putCpu = cpu.coresUsed();
        PipelineConfig rawSync = bench.namespace("bench-rawput-sync");
        double syncRate = RawConditionalPuts.rateSync(rawSync, profiles, concurrency);

        results.add(new Row("persist", "events -> DynamoDB items/s (processor)", t.steadyRate(), "items/s",
                "raw conditional PutItem", putRate, ">= 80% of raw", t.steadyRate() >= 0.8 * putRate,
                n + " events; " + Results.number(t.totalSeconds()) + " s from processor ready; " + concurrency + " in flight"));
        results.add(new Row("persist", "events -> DynamoDB items/s vs raw conditional PutItem, sync client", t.steadyRate(),
                "items/s", "raw conditional PutItem (sync)", syncRate, "", null, concurrency + " threads, one call each"));
        results.add(new Row("persist", "events -> DynamoDB items/s vs raw BatchWriteItem", t.steadyRate(), "items/s",
                "raw BatchWriteItem", rawRate, "", null, "25-item batches, 4 in flight"));
        run.addCpuRows("persist", "during persist", used);
        run.addCpuRows("persist", "during raw BatchWriteItem", rawCpu);
        run.addCpuRows("persist", "during raw conditional PutItem", putCpu);
    }

    /** The raw conditional PutItem rate this run measured (NaN before {@link #run()}). */
    double rawConditionalRate() {
        return rawConditionalRate;
    }

    /** BatchWriteItem of all {@code writes} in 25-item batches with {@code inFlight} threads; items/s. */
    private static double batchWrite(PipelineConfig cfg, List<WriteRequest> writes, int inFlight) throws Exception {
        ConcurrentLinkedQueue<List<WriteRequest>> batches = new ConcurrentLinkedQueue<>();
        for (int i = 0; i < writes.size(); i += 25) {
            batches.add(writes.subList(i, Math.min(writes.size(), i + 25)));
        }
        try (DynamoDbClient dynamo = DynamoClients.sync(cfg, Duration.ofSeconds(30))) {
            // Warm the client (connections, JIT) on a few items of another key space is not needed: dynalite is warm.
            ExecutorService pool = Executors.newFixedThreadPool(inFlight);
            long start = System.nanoTime();
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < inFlight; t++) {
                futures.add(pool.submit(() -> {
                    List<WriteRequest> batch;
                    while ((batch = batches.poll()) != null) {
                        Map<String, List<WriteRequest>> request = Map.of(cfg.profileTable(), batch);
                        while (!request.isEmpty()) {
                            Map<String, List<WriteRequest>> items = request;
                            BatchWriteItemResponse response = dynamo.batchWriteItem(b -> b.requestItems(items));
                            var unprocessed = response.unprocessedItems();
                            if (unprocessed == null || unprocessed.isEmpty()) {
                                break;
                            }
                            request = unprocessed;
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            pool.shutdown();
            return writes.size() / seconds;
        }
    }

    private static void preload(PipelineConfig cfg, List<ProfileRecord> profiles) {
        try (KafkaProducer<String, byte[]> producer = BulkProducer.open(cfg)) {
            for (ProfileRecord p : profiles) {
                EventEnvelope event = EventEnvelope.of(EventType.PROFILE_CREATED, EventSource.MIGRATION, p.id(), null, p.toJson());
                producer.send(new ProducerRecord<>(cfg.topics().profileEvents(), p.id(), JsonCodec.toBytes(event)));
            }
            producer.flush();
        }
    }
}
