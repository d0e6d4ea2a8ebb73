package io.agentmatch.bench.stages;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmatch.bench.BenchOptions;
import io.agentmatch.bench.BenchProfiles;
import io.agentmatch.bench.BenchStack;
import io.agentmatch.bench.Proc;
import io.agentmatch.bench.ProducerPerf;
import io.agentmatch.bench.Results;
import io.agentmatch.bench.Results.Row;
import io.agentmatch.bench.Wrk;
import io.agentmatch.bench.WrkResult;
import io.agentmatch.contract.config.PipelineConfig;
import io.agentmatch.contract.events.EventEnvelope;
import io.agentmatch.contract.events.EventSource;
import io.agentmatch.contract.events.EventType;
import io.agentmatch.contract.events.JsonCodec;
import io.agentmatch.contract.events.ProfileRecord;
import io.agentmatch.localstack.PipelineStack;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * {@code POST /store} under wrk, next to the same API answering a no-op POST and to Kafka's own
 * producer benchmark on records of the size the API publishes; 2xx answers against records in the topic.
 */
public final class IngestStage implements Stage {
    private final BenchStack bench;
    private final BenchRun run;

    public IngestStage(BenchStack bench, BenchRun run) {
        this.bench = bench;
        this.run = run;
    }

    @Override
    public void run() throws Exception {
        BenchOptions options = run.options();
        Results results = run.results();
        Path runDir = run.runDir();
        PipelineConfig cfg = bench.namespace("bench-ingest");
        int port = bench.startApi("api-ingest", cfg, Map.of("API_BENCH_NOOP", "true", "API_MATCHING", "false"));
        String url = "http://127.0.0.1:" + port;
        BenchProfiles gen = new BenchProfiles(7);
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            bodies.add(JsonCodec.toString(gen.data(null, null)));
        }
        Path storeLua = Wrk.postScript(runDir, "store", "/store", bodies);
        Path noopLua = Wrk.postScript(runDir, "noop", "/bench/noop", bodies);
        Path log = runDir.resolve("wrk.log");
        int c = options.connections();
        Duration warm = Duration.ofSeconds(options.quick() ? 2 : 5);
        Map<String, Long> pids = bench.pids("kafka", "api-ingest");

        Wrk.run(url, storeLua, c, warm, log);
        long before = bench.endOffsets(cfg.topics().profileEvents());
        Proc.CpuWindow cpu = new Proc.CpuWindow(pids).start();
        WrkResult store = Wrk.run(url, storeLua, c, options.duration(), log);
        Map<String, Double> storeCpu = cpu.coresUsed();
        long acked = bench.endOffsets(cfg.topics().profileEvents()) - before;

        Wrk.run(url, noopLua, c, warm, log);
        cpu = new Proc.CpuWindow(pids).start();
        WrkResult noop = Wrk.run(url, noopLua, c, options.duration(), log);
        Map<String, Double> noopCpu = cpu.coresUsed();
        bench.stop("api-ingest");
        if (noop.non2xx() > noop.requests() / 2) {
            results.failed("ingest", "POST /bench/noop answered non-2xx: is ingest-api built with the API_BENCH_NOOP route?");
        }

        // The broker bound: Kafka's own producer benchmark, records of the size the API publishes.
        ProfileRecord sample = new ProfileRecord("00000000-0000-4000-8000-000000000000", "2025-01-01T00:00:00.000000",
                (ObjectNode) JsonCodec.readTree(bodies.get(0)));
        int recordSize = JsonCodec.toBytes(EventEnvelope.of(EventType.PROFILE_CREATED, EventSource.API, sample.id(), null,
                sample.toJson())).length;
        String perfTopic = cfg.topicPrefix() + "producer-perf";
        PipelineStack.createTopics(cfg, List.of(new NewTopic(perfTopic, cfg.topicPartitions(), cfg.replicationFactor())),
                Duration.ofSeconds(30));
        long records = options.quick() ? 200_000 : 1_000_000;
        List<String> perf = List.of(ExternalCommand.javaBinary(), "-Xmx512m", "-cp",
                run.repo().resolve("local-stack/target/kafka-libs").toString() + File.separator + "*",
                "org.apache.kafka.tools.ProducerPerformance", "--topic", perfTopic, "--num-records", Long.toString(records),
                "--record-size", Integer.toString(recordSize), "--throughput", "-1", "--producer-props",
                "bootstrap.servers=" + cfg.kafkaBootstrapServers(), "acks=all", "enable.idempotence=true",
                "linger.ms=2", "batch.size=131072", "compression.type=lz4");
        cpu = new Proc.CpuWindow(bench.pids("kafka")).start();
        String perfOut = ExternalCommand.run(perf, Map.of(), runDir.resolve("producer-perf.log"), Duration.ofMinutes(5));
        Map<String, Double> perfCpu = cpu.coresUsed();
        ProducerPerf broker = ProducerPerf.parse(perfOut);

        double ratio = store.requestsPerSecond() / noop.requestsPerSecond();
        results.add(new Row("ingest", "POST /store req/s (" + c + " conns, " + options.duration().toSeconds() + " s)",
                store.requestsPerSecond(), "req/s", "no-op POST", noop.requestsPerSecond(),
                ">= 10,000 req/s and >= 60% of no-op", store.requestsPerSecond() >= 10_000 && ratio >= 0.6, ""));
        results.add(new Row("ingest", "POST /store p99", store.p99Ms(), "ms", "no-op p99", noop.p99Ms(), "< 50 ms",
                store.p99Ms() < 50, "p50 " + Results.number(store.p50Ms()) + " ms"));
        results.add(new Row("ingest", "POST /store req/s vs broker", store.requestsPerSecond(), "req/s",
                "ProducerPerformance rec/s", broker.recordsPerSecond(), "", null,
                recordSize + " B records, acks=all, idempotent; broker p99 " + Results.number(broker.p99Ms()) + " ms"));
        results.add(new Row("ingest", "2xx answers acknowledged in Kafka", acked, "records", "2xx answers", store.ok(),
                ">= 100%", acked >= store.ok(), store.non2xx() + " non-2xx, " + store.socketErrors() + " socket errors"));
        results.add(new Row("ingest", "no-op POST req/s", noop.requestsPerSecond(), "req/s", "", Double.NaN, "", null,
                "p50 " + Results.number(noop.p50Ms()) + " ms, p99 " + Results.number(noop.p99Ms()) + " ms"));
        run.addCpuRows("ingest", "during POST /store", storeCpu);
        run.addCpuRows("ingest", "during no-op", noopCpu);
        run.addCpuRows("ingest", "during ProducerPerformance", perfCpu);
    }
}
