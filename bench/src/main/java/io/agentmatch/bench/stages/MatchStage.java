package io.agentmatch.bench.stages;

import io.agentmatch.bench.BenchOptions;
import io.agentmatch.bench.BenchProfiles;
import io.agentmatch.bench.BenchStack;
import io.agentmatch.bench.Percentiles;
import io.agentmatch.bench.Proc;
import io.agentmatch.bench.Results;
import io.agentmatch.bench.Results.Row;
import io.agentmatch.bench.Wrk;
import io.agentmatch.bench.WrkResult;
import io.agentmatch.contract.config.PipelineConfig;
import io.agentmatch.contract.events.JsonCodec;
import io.agentmatch.contract.events.MatchProjection;
import io.agentmatch.contract.events.ProfileRecord;
import io.agentmatch.matching.Embedder;
import io.agentmatch.matching.Embedders;
import io.agentmatch.matching.MatchProjections;
import io.agentmatch.matching.MatchText;
import io.agentmatch.matching.ModelVariant;
import io.agentmatch.matching.Vectors;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * {@code /match} latency under wrk at 10,000 profiles and at N (synthetic projections), the API's
 * index load and memory, next to the legacy algorithm (embed every profile per request).
 */
public final class MatchStage implements Stage {
    private final BenchStack bench;
    private final BenchRun run;

    MatchStage(BenchStack bench, BenchRun run) {
        this.bench = bench;
        this.run = run;
    }

    @Override
    public void run() throws Exception {
        BenchOptions options = run.options();
        Results results = run.results();
        bench.stop("processor"); // its CPU is not part of this stage
        PipelineConfig cfg = bench.namespace("bench-match");
        int big = options.profiles();
        int small = Math.min(10_000, big);
        BenchProfiles gen = new BenchProfiles(3);
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            bodies.add("{\"description\":" + JsonCodec.toString(gen.matchDescription(i)) + "}");
        }
        Path lua = Wrk.postScript(run.runDir(), "match", "/match", bodies);
        Path log = run.runDir().resolve("wrk.log");
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
                Map<String, Long> pids = bench.pids("api-match");
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
        List<String> texts = BenchProfiles.records(200, 17).stream().map(p -> MatchText.of(p.data())).toList();
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

    /** {@code count} profiles of {@code gen} with random unit vectors onto the projection topic. */
    private static int writeProjections(PipelineConfig cfg, BenchProfiles gen, Random random, int count) {
        String model = Embedders.DEFAULT_MODEL_NAME;
        int dim = ModelVariant.DIMENSIONS;
        try (KafkaProducer<String, byte[]> producer = BulkProducer.open(cfg)) {
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
}
