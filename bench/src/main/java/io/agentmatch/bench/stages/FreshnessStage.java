package io.agentmatch.bench.stages;

import io.agentmatch.bench.BenchOptions;
import io.agentmatch.bench.BenchProfiles;
import io.agentmatch.bench.BenchStack;
import io.agentmatch.bench.Percentiles;
import io.agentmatch.bench.Results;
import io.agentmatch.bench.Results.Row;
import io.agentmatch.contract.config.PipelineConfig;
import io.agentmatch.contract.events.JsonCodec;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Probes under a light background load: the time from a {@code POST /store} answer until the profile
 * is retrievable, and until {@code /match} finds it. Reuses the persist/project pipeline when its
 * processor still runs.
 */
public final class FreshnessStage implements Stage {
    private final BenchStack bench;
    private final BenchRun run;
    private final SharedPipeline pipeline;

    FreshnessStage(BenchStack bench, BenchRun run, SharedPipeline pipeline) {
        this.bench = bench;
        this.run = run;
        this.pipeline = pipeline;
    }

    @Override
    public void run() throws Exception {
        BenchOptions options = run.options();
        Results results = run.results();
        PipelineConfig cfg = pipeline.config();
        if (cfg == null || pipeline.processorPort() < 0 || !bench.isRunning("processor")) {
            cfg = bench.namespace("bench-fresh");
            pipeline.set(cfg, bench.startProcessor("processor", cfg, Map.of()));
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
        String runId = Long.toString(System.currentTimeMillis(), 36);
        long[] retrievable = new long[options.probes()];
        long[] matchable = new long[options.probes()];
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < options.probes(); i++) {
                String job = "benchjob" + runId + "x" + i;
                String description = "freshness probe " + runId + " " + i + " quantum underwater basket weaving";
                HttpResponse<String> stored = post(url + "/store", JsonCodec.toString(gen.data(job, description)));
                long acked = System.nanoTime();
                if (stored.statusCode() != 201) {
                    throw new IllegalStateException("POST /store answered " + stored.statusCode() + ": " + stored.body());
                }
                String id = JsonCodec.readTree(stored.body()).get("id").asText();
                Future<Long> r = pool.submit(() -> nanosUntil(() -> get(url + "/retrieve/" + id).statusCode() == 200, 5, acked));
                String match = "{\"description\":" + JsonCodec.toString(description) + ",\"job\":" + JsonCodec.toString(job) + "}";
                Future<Long> m = pool.submit(() -> nanosUntil(() -> {
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

    /** Whether a probe is visible yet (one HTTP request). */
    private interface VisibilityCheck {
        boolean visible() throws Exception;
    }

    /**
     * Checks every {@code everyMillis} ms until visible; returns nanoseconds since {@code since}. The
     * interval is the measurement's resolution, not a synchronisation.
     */
    private static long nanosUntil(VisibilityCheck check, long everyMillis, long since) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(55);
        while (!check.visible()) {
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
