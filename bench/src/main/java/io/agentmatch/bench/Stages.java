package io.agentmatch.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmatch.contract.config.PipelineConfig;
import io.agentmatch.contract.events.EventEnvelope;
import io.agentmatch.contract.events.EventSource;
import io.agentmatch.contract.events.EventType;
import io.agentmatch.contract.events.JsonCodec;
import io.agentmatch.contract.events.MatchProjection;
import io.agentmatch.contract.events.ProfileRecord;
import io.agentmatch.contract.storage.DynamoClients;
import io.agentmatch.contract.storage.ProfileItems;
import io.agentmatch.localstack.LocalStack;
import io.agentmatch.bench.Results.Row;
import io.agentmatch.matching.Embedder;
import io.agentmatch.matching.Embedders;
import io.agentmatch.matching.MatchProjections;
import io.agentmatch.matching.MatchText;
import io.agentmatch.matching.Vectors;
import java.io.File;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/** The stages. Each measures its stage and, in the same run, the limit it is compared with. */
final class Stages {
    private static final String ITEMS_WRITTEN = "processor_dynamodb_items_written_total";
    private static final String EMBEDDED = "processor_embeddings_computed_total";
    private static final String REUSED = "processor_embeddings_reused_total";

    private final BenchStack bench;
    private final BenchOptions options;
    private final Results results;
    private final Path runDir;
    private final Path repo;

    /** The persist/project namespace once built in this run (project and freshness reuse it). */
    private PipelineConfig pipelineNs;
    private int processorPort = -1;

    Stages(BenchStack bench, BenchOptions options, Results results, Path runDir, Path repo) {
        this.bench = bench;
        this.options = options;
        this.results = results;
        this.runDir = runDir;
        this.repo = repo;
    }

    // ---------------------------------------------------------------------------------------------
    // 1. ingest
    // ---------------------------------------------------------------------------------------------

    void ingest() throws Exception {
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
        Map<String, Long> pids = pids("kafka", "api-ingest");

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
        LocalStack.createTopics(cfg, List.of(new NewTopic(perfTopic, cfg.topicPartitions(), cfg.replicationFactor())),
                Duration.ofSeconds(30));
        long records = options.quick() ? 200_000 : 1_000_000;
        List<String> perf = List.of(javaBin(), "-Xmx512m", "-cp", repo.resolve("local-stack/target/kafka-libs").toString() + File.separator + "*",
                "org.apache.kafka.tools.ProducerPerformance", "--topic", perfTopic, "--num-records", Long.toString(records),
                "--record-size", Integer.toString(recordSize), "--throughput", "-1", "--producer-props",
                "bootstrap.servers=" + cfg.kafkaBootstrapServers(), "acks=all", "enable.idempotence=true",
                "linger.ms=2", "batch.size=131072", "compression.type=lz4");
        cpu = new Proc.CpuWindow(pids("kafka")).start();
        String perfOut = runProcess(perf, Map.of(), runDir.resolve("producer-perf.log"), Duration.ofMinutes(5));
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
        cpuRows("ingest", "during POST /store", storeCpu);
        cpuRows("ingest", "during no-op", noopCpu);
        cpuRows("ingest", "during ProducerPerformance", perfCpu);
    }

    // ---------------------------------------------------------------------------------------------
    // 2. persist
    // ---------------------------------------------------------------------------------------------

    void persist() throws Exception {
        int n = options.events();
        PipelineConfig cfg = bench.namespace("bench-pipe");
        List<ProfileRecord> profiles = profiles(n, 11);
        preload(cfg, profiles);
        bench.stop("processor");
        int port = bench.startProcessor("processor", cfg, Map.of("PROCESSOR_PROJECTIONS", "false"));
        Proc.CpuWindow cpu = new Proc.CpuWindow(pids("kafka", "dynalite", "processor")).start();
        Timed t = waitFor("persist: table holds " + n + " items", port, ITEMS_WRITTEN, n, Duration.ofMinutes(20));
        Map<String, Double> used = cpu.coresUsed();
        processorPort = port;
        pipelineNs = cfg;

        // The limit: raw BatchWriteItem, 25-item batches, 4 in flight, same items, one process (this one).
        PipelineConfig raw = bench.namespace("bench-rawwrite");
        List<WriteRequest> writes = profiles.stream().map(p -> WriteRequest.builder()
                .putRequest(PutRequest.builder().item(ProfileItems.toItem(p, 1L, "migration")).build()).build()).toList();
        cpu = new Proc.CpuWindow(pids("dynalite")).start();
        double rawRate = batchWrite(raw, writes, 4);
        Map<String, Double> rawCpu = cpu.coresUsed();

        // The bound of the writes the processor makes: conditional PutItems at its concurrency.
        int concurrency = RawConditionalPuts.processorConcurrency(port, cfg);
        PipelineConfig rawPut = bench.namespace("bench-rawput");
        cpu = new Proc.CpuWindow(pids("dynalite")).start();
        double putRate = RawConditionalPuts.rate(rawPut, profiles, concurrency);
        Map<String, Double> putCpu = cpu.coresUsed();

        results.add(new Row("persist", "events -> DynamoDB items/s (processor)", t.steadyRate, "items/s",
                "raw conditional PutItem", putRate, ">= 80% of raw", t.steadyRate >= 0.8 * putRate,
                n + " events; " + Results.number(t.totalSeconds) + " s from processor ready; " + concurrency + " in flight"));
        results.add(new Row("persist", "events -> DynamoDB items/s vs raw BatchWriteItem", t.steadyRate, "items/s",
                "raw BatchWriteItem", rawRate, "", null, "25-item batches, 4 in flight"));
        cpuRows("persist", "during persist", used);
        cpuRows("persist", "during raw BatchWriteItem", rawCpu);
        cpuRows("persist", "during raw conditional PutItem", putCpu);
    }

    // ---------------------------------------------------------------------------------------------
    // 3. project (+ replay)
    // ---------------------------------------------------------------------------------------------

    void project() throws Exception {
        if (pipelineNs == null) {
            persist();
        }
        int n = options.events();
        PipelineConfig cfg = pipelineNs;
        bench.stop("processor");

        // The limit: the same model with the same threading (EMBEDDING_THREADS / ORT_INTRA_OP_THREADS from the
        // environment, as the processor), on the same kind of texts, measured first, with the processor stopped
        // (measured after the run, it ranged 551-700 profiles/s over four runs), warm (256 texts first), and
        // saturated: one embedAll over all texts, so no worker waits at a batch boundary.
        List<String> texts = profiles(Math.min(n, options.quick() ? 500 : 4000) + 256, 11).stream()
                .map(p -> MatchText.of(p.data())).toList();
        Embedder embedder = Embedders.fromEnv();
        embedder.embedAll(texts.subList(0, 256));
        texts = texts.subList(256, texts.size());
        long start = System.nanoTime();
        embedder.embedAll(texts);
        double rawRate = texts.size() / ((System.nanoTime() - start) / 1e9);

        int port = bench.startProcessor("processor", cfg, Map.of());
        Proc.CpuWindow cpu = new Proc.CpuWindow(pids("kafka", "processor")).start();
        Timed first = waitFor("project: " + n + " profiles embedded", port, EMBEDDED, n, Duration.ofMinutes(30));
        Map<String, Double> used = cpu.coresUsed();
        // Counted only now: a consumer following the topic during the run took CPU from the model it measures.
        long counting = System.nanoTime();
        try (ProjectionCounter counter = new ProjectionCounter(cfg.kafkaBootstrapServers(), cfg.topics().profileProjections())) {
            bench.awaitValue("projection topic holds " + n, Duration.ofMinutes(2), () -> counter.count() >= n);
        }
        first = first.plus((System.nanoTime() - counting) / 1e9);

        // The target compares throughputs, so both warm: the raw model after its 256 warm-up texts,
        // the processor after its first quarter; the rate from a cold start is the row after.
        results.add(new Row("project", "profiles embedded -> projections/s, warm (last 3/4 of N)", first.warmRate, "profiles/s",
                "raw model embedAll", rawRate, ">= 85% of raw", first.warmRate >= 0.85 * rawRate,
                n + " profiles; model " + embedder.modelName()));
        results.add(new Row("project", "profiles embedded -> projections/s, from processor start (cold JVM)", first.steadyRate,
                "profiles/s", "raw model embedAll", rawRate, "", null,
                Results.number(first.totalSeconds) + " s from processor ready until the projection topic held all " + n));
        cpuRows("project", "during project", used);

        // Replay of unchanged profiles, as ./pipeline replay does it: the migrator's replay, then an
        // empty state dir.
        bench.stop("processor");
        runProcess(List.of(javaBin(), "-DOPT_OUT_TRACKING=true", "-jar",
                repo.resolve("migrator/target/migrator-1.0.0-SNAPSHOT-all.jar").toString(), "replay", "--yes", "--wait", "90s"),
                bench.env(cfg), runDir.resolve("replay.log"), Duration.ofMinutes(3));
        BenchStack.deleteTree(bench.stateDir("processor"));
        port = bench.startProcessor("processor", cfg, Map.of());
        Timed replay = waitForSum("replay: " + n + " projections reused", port, List.of(EMBEDDED, REUSED), n, Duration.ofMinutes(20));
        double computed = BenchStack.metric(port, EMBEDDED);
        double speedup = first.totalSeconds / replay.totalSeconds;
        results.add(new Row("project", "replay of unchanged profiles: speed-up", speedup, "x", "", Double.NaN,
                ">= 20x faster", speedup >= 20,
                Results.number(replay.totalSeconds) + " s vs " + Results.number(first.totalSeconds) + " s first pass; "
                        + (long) computed + " embeddings computed during replay"));
        results.add(new Row("project", "replay: embeddings computed", computed, "embeddings", "", Double.NaN,
                "0 (no model time)", computed == 0, ""));
        processorPort = port;
    }

    // ---------------------------------------------------------------------------------------------
    // 6. freshness
    // ---------------------------------------------------------------------------------------------

    void freshness() throws Exception {
        PipelineConfig cfg = pipelineNs;
        if (cfg == null || processorPort < 0 || !bench.stack.isRunning("processor")) {
            cfg = bench.namespace("bench-fresh");
            processorPort = bench.startProcessor("processor", cfg, Map.of());
            pipelineNs = cfg;
        }
        int port = bench.startApi("api-fresh", cfg, Map.of());
        String url = "http://127.0.0.1:" + port;
        BenchProfiles gen = new BenchProfiles(99);
        AtomicBoolean loading = new AtomicBoolean(true);
        // Light background load: ~20 stores/s.
        Thread load = new Thread(() -> {
            BenchProfiles g = new BenchProfiles(5);
            while (loading.get()) {
                try {
                    post(url + "/store", JsonCodec.toString(g.data(null, null)));
                    Thread.sleep(50);
                } catch (Exception e) {
                    return;
                }
            }
        }, "light-load");
        load.setDaemon(true);
        load.start();
        String run = Long.toString(System.currentTimeMillis(), 36);
        long[] retrievable = new long[options.probes()];
        long[] matchable = new long[options.probes()];
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < options.probes(); i++) {
                String job = "benchjob" + run + "x" + i;
                String description = "freshness probe " + run + " " + i + " quantum underwater basket weaving";
                HttpResponse<String> stored = post(url + "/store", JsonCodec.toString(gen.data(job, description)));
                long acked = System.nanoTime();
                if (stored.statusCode() != 201) {
                    throw new IllegalStateException("POST /store answered " + stored.statusCode() + ": " + stored.body());
                }
                String id = JsonCodec.readTree(stored.body()).get("id").asText();
                Future<Long> r = pool.submit(() -> pollUntil(() -> get(url + "/retrieve/" + id).statusCode() == 200, 5, acked));
                String match = "{\"description\":" + JsonCodec.toString(description) + ",\"job\":" + JsonCodec.toString(job) + "}";
                Future<Long> m = pool.submit(() -> pollUntil(() -> {
                    HttpResponse<String> answer = post(url + "/match", match);
                    return answer.statusCode() == 200 && answer.body().contains(id);
                }, 10, acked));
                retrievable[i] = r.get(60, TimeUnit.SECONDS);
                matchable[i] = m.get(60, TimeUnit.SECONDS);
            }
        } finally {
            loading.set(false);
            pool.shutdownNow();
        }
        Percentiles r = new Percentiles(retrievable);
        Percentiles m = new Percentiles(matchable);
        results.add(new Row("freshness", "POST /store -> retrievable p99", r.atMillis(99), "ms", "", Double.NaN, "< 300 ms",
                r.atMillis(99) < 300, "p50 " + Results.number(r.atMillis(50)) + " ms, " + r.count() + " probes, GET every 5 ms"));
        results.add(new Row("freshness", "POST /store -> matchable p99", m.atMillis(99), "ms", "", Double.NaN, "< 1000 ms",
                m.atMillis(99) < 1000, "p50 " + Results.number(m.atMillis(50)) + " ms, /match every 10 ms"));
        bench.stop("api-fresh");
    }

    // ---------------------------------------------------------------------------------------------
    // 5. match
    // ---------------------------------------------------------------------------------------------

    void match() throws Exception {
        bench.stop("processor"); // its CPU is not part of this stage
        PipelineConfig cfg = bench.namespace("bench-match");
        int big = options.profiles();
        int small = Math.min(10_000, big);
        BenchProfiles gen = new BenchProfiles(3);
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            bodies.add("{\"description\":" + JsonCodec.toString(gen.matchDescription(i)) + "}");
        }
        Path lua = Wrk.postScript(runDir, "match", "/match", bodies);
        Path log = runDir.resolve("wrk.log");
        Random random = new Random(42);
        int written = 0;
        for (int size : small == big ? new int[] {big} : new int[] {small, big}) {
            written += writeProjections(cfg, gen, random, size - written);
            long loadStart = System.nanoTime();
            int port = bench.startApi("api-match", cfg, Map.of());
            double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
            String url = "http://127.0.0.1:" + port;
            Wrk.run(url, lua, 4, Duration.ofSeconds(options.quick() ? 2 : 4), log);
            for (int clients : new int[] {1, 4}) {
                Map<String, Long> pids = pids("api-match");
                Proc.CpuWindow cpu = new Proc.CpuWindow(pids).start();
                WrkResult w = Wrk.run(url, lua, clients, options.matchDuration(), log);
                double apiCores = cpu.coresUsed().get("api-match");
                boolean targeted = clients == 4 && size >= 100_000;
                results.add(new Row("match", String.format(Locale.ROOT, "/match p99 at %,d profiles, %d client(s)", size, clients),
                        w.p99Ms(), "ms", "", Double.NaN, targeted ? "< 25 ms" : "", targeted ? w.p99Ms() < 25 : null,
                        "p50 " + Results.number(w.p50Ms()) + " ms, " + Results.number(w.requestsPerSecond()) + " req/s, api "
                                + Results.number(apiCores) + " cores, " + w.non2xx() + " non-2xx"));
            }
            results.add(new Row("match", String.format(Locale.ROOT, "API start + index load at %,d profiles", size),
                    loadSeconds, "s", "", Double.NaN, "", null, ""));
            if (size == big) {
                long rss = bench.rssKb("api-match");
                results.add(new Row("footprint", String.format(Locale.ROOT, "api RSS with %,d profiles indexed", size),
                        rss / 1024.0, "MiB", "", Double.NaN, "< 1024 MiB", rss > 0 && rss < 1024 * 1024, ""));
            }
            bench.stop("api-match");
        }

        // The legacy algorithm: embed every profile per request, at 200 profiles, extrapolated linearly.
        Embedder embedder = Embedders.fromEnv();
        List<String> texts = profiles(200, 17).stream().map(p -> MatchText.of(p.data())).toList();
        embedder.embedAll(texts.subList(0, 32));
        int reps = options.quick() ? 3 : 10;
        long[] latencies = new long[reps];
        for (int i = 0; i < reps; i++) {
            long start = System.nanoTime();
            float[] query = embedder.embed(gen.matchDescription(1000 + i));
            float best = -2;
            for (float[] v : embedder.embedAll(texts)) {
                best = Math.max(best, Vectors.dot(query, v));
            }
            latencies[i] = System.nanoTime() - start;
        }
        Percentiles legacy = new Percentiles(latencies);
        double perProfileMs = legacy.atMillis(50) / 200.0;
        results.add(new Row("match", "legacy (embed all per request) at 200 profiles", legacy.atMillis(50), "ms", "",
                Double.NaN, "", null, "measured, p50 of " + reps + ", 1 client"));
        for (int size : new int[] {10_000, 100_000}) {
            results.add(new Row("match", String.format(Locale.ROOT, "legacy at %,d profiles (extrapolated)", size),
                    perProfileMs * size, "ms", "", Double.NaN, "", null, "linear extrapolation from 200, not measured"));
        }
    }

    private int writeProjections(PipelineConfig cfg, BenchProfiles gen, Random random, int count) {
        String model = Embedders.DEFAULT_MODEL_NAME;
        int dim = io.agentmatch.matching.ModelVariant.DIMENSIONS;
        try (KafkaProducer<String, byte[]> producer = producer(cfg)) {
            for (int i = 0; i < count; i++) {
                ProfileRecord p = gen.next();
                float[] v = new float[dim];
                double norm = 0;
                for (int d = 0; d < dim; d++) {
                    v[d] = (float) random.nextGaussian();
                    norm += v[d] * v[d];
                }
                for (int d = 0; d < dim; d++) {
                    v[d] /= (float) Math.sqrt(norm);
                }
                MatchProjection projection = MatchProjections.of(p.id(), p.data(), MatchText.hash(model, MatchText.of(p.data())), v, 1L);
                producer.send(new ProducerRecord<>(cfg.topics().profileProjections(), p.id(), MatchProjection.toBytes(projection)));
            }
            producer.flush();
        }
        return count;
    }

    // ---------------------------------------------------------------------------------------------
    // 4. migrate
    // ---------------------------------------------------------------------------------------------

    void migrate() throws Exception {
        int n = options.profiles();
        bench.stop("processor");
        PipelineConfig cfg = bench.namespace("bench-migrate");
        Path source = runDir.resolve("legacy-profiles");
        Path migrator = repo.resolve("migrator/target/migrator-1.0.0-SNAPSHOT-all.jar");
        Map<String, String> env = bench.env(cfg);
        long genStart = System.nanoTime();
        runProcess(List.of(javaBin(), "-DOPT_OUT_TRACKING=true", "-jar", migrator.toString(), "generate", "--out",
                source.toString(), "--count", Integer.toString(n), "--seed", "42"), env, runDir.resolve("migrator.log"), Duration.ofMinutes(10));
        double genSeconds = (System.nanoTime() - genStart) / 1e9;
        int port = bench.startProcessor("processor-migrate", cfg, Map.of());
        try (ProjectionCounter counter = new ProjectionCounter(cfg.kafkaBootstrapServers(), cfg.topics().profileProjections())) {
            long start = System.nanoTime();
            Proc.CpuWindow cpu = new Proc.CpuWindow(pids("kafka", "dynalite", "processor-migrate")).start();
            runProcess(List.of(javaBin(), "-DOPT_OUT_TRACKING=true", "-jar", migrator.toString(), "migrate", "--source",
                    source.toString()), env, runDir.resolve("migrator.log"), Duration.ofMinutes(30));
            double migrated = (System.nanoTime() - start) / 1e9;
            Timed stored = waitFor("migrate: table holds " + n, port, ITEMS_WRITTEN, n, Duration.ofMinutes(30));
            double retrievable = (System.nanoTime() - start) / 1e9;
            bench.awaitValue("migrate: projection topic holds " + n, Duration.ofMinutes(40), () -> counter.count() >= n);
            double matchable = (System.nanoTime() - start) / 1e9;
            Map<String, Double> used = cpu.coresUsed();
            results.add(new Row("migrate", String.format(Locale.ROOT, "migrate %,d profiles: migrator done", n), migrated, "s",
                    "", Double.NaN, "", null, "generate took " + Results.number(genSeconds) + " s (not counted)"));
            results.add(new Row("migrate", "... all retrievable (table holds N)", retrievable, "s", "", Double.NaN, "", null,
                    Results.number(n / retrievable) + " profiles/s end to end; persist " + Results.number(stored.steadyRate) + " items/s"));
            results.add(new Row("migrate", "... all matchable (projection topic holds N)", matchable, "s", "", Double.NaN, "", null,
                    Results.number(n / matchable) + " profiles/s end to end"));
            cpuRows("migrate", "during migrate", used);
        }
        for (String name : List.of("kafka", "dynalite", "processor-migrate")) {
            long rss = bench.rssKb(name);
            results.add(new Row("footprint", String.format(Locale.ROOT, "%s RSS after %,d-profile migrate", name, n),
                    rss / 1024.0, "MiB", "", Double.NaN, "", null, ""));
        }
        bench.stop("processor-migrate");
        BenchStack.deleteTree(source);
    }

    // ---------------------------------------------------------------------------------------------
    // 7. footprint: ./pipeline up cold start and memory at rest, on a stack of its own
    // ---------------------------------------------------------------------------------------------

    void footprint() throws Exception {
        Path home = runDir.resolve("coldstart-home");
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PIPELINE_HOME", home.toString());
        env.put("PIPELINE_SKIP_BUILD", "1");
        for (String var : List.of("KAFKA_PORT", "KAFKA_CONTROLLER_PORT", "DYNAMODB_PORT", "API_PORT", "PROCESSOR_HEALTH_PORT")) {
            env.put(var, Integer.toString(LocalStack.freePort()));
        }
        Path log = runDir.resolve("coldstart.log");
        try {
            double fresh = timed(() -> runProcess(List.of(repo.resolve("pipeline").toString(), "up"), env, log, Duration.ofMinutes(5)));
            results.add(new Row("footprint", "./pipeline up, fresh home (formats Kafka storage)", fresh, "s", "", Double.NaN,
                    "< 20 s", fresh < 20, ""));
            LocalStack cold = new LocalStack(repo, home);
            Await(Duration.ofSeconds(3));
            for (String name : List.of("kafka", "dynalite", "processor", "api")) {
                var pid = cold.pid(name);
                long rss = pid.isPresent() ? Proc.rssKb(pid.getAsLong()) : -1;
                results.add(new Row("footprint", name + " RSS at rest (empty stack)", rss / 1024.0, "MiB", "", Double.NaN, "", null, ""));
            }
            if (!options.quick()) {
                runProcess(List.of(repo.resolve("pipeline").toString(), "down"), env, log, Duration.ofMinutes(2));
                double warm = timed(() -> runProcess(List.of(repo.resolve("pipeline").toString(), "up"), env, log, Duration.ofMinutes(5)));
                results.add(new Row("footprint", "./pipeline up again (home exists, all stopped)", warm, "s", "", Double.NaN,
                        "< 20 s", warm < 20, ""));
            }
        } finally {
            runProcess(List.of(repo.resolve("pipeline").toString(), "down"), env, log, Duration.ofMinutes(2));
            BenchStack.deleteTree(home);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // helpers
    // ---------------------------------------------------------------------------------------------

    /**
     * When a metric reached a value: total seconds since the call, the steady rate from its first
     * non-zero sample, and the warm rate: over the last three quarters of the target, once a freshly
     * started JVM has compiled its hot paths (a restarted processor's C2 threads took 0.3 of the 2
     * cores for its first ~20 s, JFR: 8.6 s of compilation in 25 s).
     */
    record Timed(double totalSeconds, double steadyRate, double warmRate) {
        Timed plus(double seconds) {
            return new Timed(totalSeconds + seconds, steadyRate, warmRate);
        }
    }

    private Timed waitFor(String what, int healthPort, String metric, long target, Duration timeout) {
        return waitForSum(what, healthPort, List.of(metric), target, timeout);
    }

    private Timed waitForSum(String what, int healthPort, List<String> metrics, long target, Duration timeout) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        long firstAt = -1;
        double firstValue = 0;
        long warmAt = -1;
        double warmValue = 0;
        long lastPrint = start;
        while (true) {
            double value = 0;
            try {
                String text = BenchStack.get("http://127.0.0.1:" + healthPort + "/metrics");
                for (String metric : metrics) {
                    value += PromText.sum(text, metric);
                }
            } catch (RuntimeException e) {
                value = -1;
            }
            long now = System.nanoTime();
            if (value > 0 && firstAt < 0) {
                firstAt = now;
                firstValue = value;
            }
            if (value >= target / 4.0 && warmAt < 0) {
                warmAt = now;
                warmValue = value;
            }
            if (value >= target) {
                double total = (now - start) / 1e9;
                double steady = firstAt < 0 || now == firstAt ? target / total : (value - firstValue) / ((now - firstAt) / 1e9);
                double warm = warmAt < 0 || now == warmAt ? steady : (value - warmValue) / ((now - warmAt) / 1e9);
                return new Timed(total, steady, warm);
            }
            if (now > deadline) {
                throw new IllegalStateException("timed out after " + timeout + " waiting for " + what + " (at " + (long) value + ")");
            }
            if (now - lastPrint > 15_000_000_000L) {
                System.out.printf("    ... %s: %,d so far (%.0f s)%n", what, (long) value, (now - start) / 1e9);
                lastPrint = now;
            }
            sleep(100);
        }
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

    private void preload(PipelineConfig cfg, List<ProfileRecord> profiles) {
        try (KafkaProducer<String, byte[]> producer = producer(cfg)) {
            for (ProfileRecord p : profiles) {
                EventEnvelope event = EventEnvelope.of(EventType.PROFILE_CREATED, EventSource.MIGRATION, p.id(), null, p.toJson());
                producer.send(new ProducerRecord<>(cfg.topics().profileEvents(), p.id(), JsonCodec.toBytes(event)));
            }
            producer.flush();
        }
    }

    private static KafkaProducer<String, byte[]> producer(PipelineConfig cfg) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cfg.kafkaBootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    private static List<ProfileRecord> profiles(int n, long seed) {
        BenchProfiles gen = new BenchProfiles(seed);
        List<ProfileRecord> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(gen.next());
        }
        return list;
    }

    private Map<String, Long> pids(String... names) {
        Map<String, Long> pids = new LinkedHashMap<>();
        for (String name : names) {
            bench.pid(name).ifPresent(pid -> pids.put(name, pid));
        }
        return pids;
    }

    private void cpuRows(String stage, String when, Map<String, Double> used) {
        StringBuilder s = new StringBuilder();
        used.forEach((name, cores) -> s.append(s.length() == 0 ? "" : ", ").append(name).append(' ').append(Results.number(cores)));
        results.add(new Row(stage, "CPU cores " + when, used.getOrDefault("machine busy", Double.NaN), "cores", "", Double.NaN,
                "", null, s + " (of " + Runtime.getRuntime().availableProcessors() + ")"));
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Runs a process to completion (output appended to {@code log}); returns its output; fails on a non-zero exit. */
    static String runProcess(List<String> command, Map<String, String> env, Path log, Duration timeout) {
        try {
            Path out = Files.createTempFile(log.getParent(), "proc", ".out");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            builder.environment().putAll(env);
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("timed out after " + timeout + ": " + String.join(" ", command));
            }
            String output = Files.readString(out, StandardCharsets.UTF_8);
            Files.delete(out);
            Files.writeString(log, "$ " + String.join(" ", command) + "\n" + output + "\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            if (process.exitValue() != 0) {
                String tail = output.length() > 2000 ? output.substring(output.length() - 2000) : output;
                throw new IllegalStateException("exit " + process.exitValue() + ": " + String.join(" ", command) + "\n" + tail);
            }
            return output;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static double timed(Runnable action) {
        long start = System.nanoTime();
        action.run();
        return (System.nanoTime() - start) / 1e9;
    }

    private static void Await(Duration d) {
        sleep(d.toMillis());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    interface Check {
        boolean ok() throws Exception;
    }

    /** Polls {@code check} every {@code everyMillis} ms; returns nanoseconds since {@code since}. */
    private static long pollUntil(Check check, long everyMillis, long since) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(55);
        while (!check.ok()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("probe not visible within 55 s");
            }
            Thread.sleep(everyMillis);
        }
        return System.nanoTime() - since;
    }

    private static HttpResponse<String> post(String url, String body) throws Exception {
        return BenchStack.HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return BenchStack.HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

}
