package io.agentmatch.bench.stages;

import io.agentmatch.bench.BenchOptions;
import io.agentmatch.bench.BenchStack;
import io.agentmatch.bench.OpenLoop;
import io.agentmatch.bench.Percentiles;
import io.agentmatch.bench.Proc;
import io.agentmatch.bench.RawModel;
import io.agentmatch.bench.Results;
import io.agentmatch.bench.Results.Row;
import io.agentmatch.contract.config.PipelineConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The whole pipeline under a constant load, as a user feels it: the processor (persister and
 * projector) and the API up, {@code POST /store} at R profiles/s, open loop ({@link OpenLoop}), and
 * a sample of the stored profiles polled until retrievable and until matchable. R defaults to half
 * the raw model rate measured first in the same run (the model is the slowest real part; half of it
 * leaves the other half of the cores to everything else). Three windows: the first minute after the
 * processor and the API started (cold: JIT and model start-up share the cores), the measured window
 * after it, and with {@code --search} a few steps above R until matchable p99 reaches 2 s.
 */
public final class SustainedStage implements Stage {
    static final String STAGE = "sustained";
    private static final double MATCHABLE_P99_MS = 2000;
    /** The search's steps, as multiples of R; each step lasts the measured window (at most 60 s). */
    private static final List<Double> SEARCH_STEPS = List.of(1.25, 1.5, 2.0, 2.5, 3.0);

    private final BenchStack bench;
    private final BenchRun run;

    SustainedStage(BenchStack bench, BenchRun run) {
        this.bench = bench;
        this.run = run;
    }

    @Override
    public void run() throws Exception {
        BenchOptions options = run.options();
        Results results = run.results();
        PipelineConfig cfg = bench.namespace("bench-sustained");
        RawModel.Rate raw = RawModel.measure(options.quick() ? 500 : 2000);
        double rate = options.rate() != null ? options.rate() : raw.profilesPerSecond() / 2;
        System.out.printf("    raw model %.0f profiles/s; rate %.0f profiles/s%n", raw.profilesPerSecond(), rate);

        bench.startProcessor("processor-sustained", cfg, Map.of());
        int port = bench.startApi("api-sustained", cfg, Map.of());
        Map<String, Long> pids = bench.pids("api-sustained", "processor-sustained", "kafka", "dynalite");
        try (OpenLoop load = new OpenLoop("http://127.0.0.1:" + port)) {
            Proc.CpuWindow cpu = new Proc.CpuWindow(pids).start();
            OpenLoop.Window cold = load.run(rate, options.sustainedWarmup());
            Map<String, Double> coldCpu = cpu.coresUsed();
            cpu = new Proc.CpuWindow(pids).start();
            OpenLoop.Window warm = load.run(rate, options.sustainedDuration());
            Map<String, Double> warmCpu = cpu.coresUsed();

            results.add(new Row(STAGE, "open-loop rate R", rate, "profiles/s", "raw model embedAll", raw.profilesPerSecond(),
                    "", null, (options.rate() != null ? "--rate" : "half the raw model rate") + "; model " + raw.modelName()
                    + "; load average " + loadAverage()));
            addWindow(results, "warm", warm, true);
            run.addCpuRows(STAGE, "during the warm window", warmCpu);
            cpuSeconds(results, "warm", warm, warmCpu);
            addCold(results, cold, warm);
            run.addCpuRows(STAGE, "during the cold window", coldCpu);

            if (options.search()) {
                search(results, load, rate, warm, options.sustainedDuration(), raw.profilesPerSecond());
            }
        } finally {
            bench.stop("api-sustained");
            bench.stop("processor-sustained");
        }
    }

    private static void addWindow(Results results, String label, OpenLoop.Window w, boolean targets) {
        Percentiles post = w.postLatency();
        String where = " at " + Results.number(w.rate()) + "/s (" + label + ", " + Results.number(w.seconds()) + " s)";
        results.add(new Row(STAGE, "POST /store p99" + where, post.atMillis(99), "ms", "", Double.NaN,
                targets ? "< 50 ms" : "", targets ? post.atMillis(99) < 50 : null,
                "p50 " + Results.number(post.atMillis(50)) + " ms, " + w.sent() + " sent (" + Results.number(w.sent() / w.seconds())
                        + "/s), latency from each request's due time"));
        if (w.retrievable().length > 0) {
            Percentiles r = w.retrievableLatency();
            results.add(new Row(STAGE, "POST due -> retrievable p99" + where, r.atMillis(99), "ms", "", Double.NaN,
                    targets ? "< 500 ms" : "", targets ? r.atMillis(99) < 500 : null,
                    "p50 " + Results.number(r.atMillis(50)) + " ms, " + r.count() + " probes, " + w.probesNotRetrievable()
                            + " not retrievable within 60 s"));
        }
        if (w.matchable().length > 0) {
            Percentiles m = w.matchableLatency();
            results.add(new Row(STAGE, "POST due -> matchable p99" + where, m.atMillis(99), "ms", "", Double.NaN,
                    targets ? "< 2000 ms" : "", targets ? m.atMillis(99) < MATCHABLE_P99_MS : null,
                    "p50 " + Results.number(m.atMillis(50)) + " ms, " + m.count() + " probes, " + w.probesNotMatchable()
                            + " not matchable within 60 s"));
        }
        results.add(new Row(STAGE, "failed requests" + where, w.failed(), "requests", "", Double.NaN,
                targets ? "0" : "", targets ? w.failed() == 0 : null, w.firstFailure() == null ? "" : "first: " + w.firstFailure()));
    }

    /** The first minute next to the warm window: each cold figure against its warm counterpart. */
    private static void addCold(Results results, OpenLoop.Window cold, OpenLoop.Window warm) {
        String where = " at " + Results.number(cold.rate()) + "/s (cold: first " + Results.number(cold.seconds())
                + " s after processor and API start)";
        results.add(new Row(STAGE, "POST /store p99" + where, cold.postLatency().atMillis(99), "ms", "warm p99",
                warm.postLatency().atMillis(99), "", null, "p50 " + Results.number(cold.postLatency().atMillis(50)) + " ms; "
                + cold.failed() + " failed"));
        if (cold.retrievable().length > 0 && warm.retrievable().length > 0) {
            results.add(new Row(STAGE, "POST due -> retrievable p99" + where, cold.retrievableLatency().atMillis(99), "ms",
                    "warm p99", warm.retrievableLatency().atMillis(99), "", null, cold.probesNotRetrievable() + " not retrievable"));
        }
        if (cold.matchable().length > 0 && warm.matchable().length > 0) {
            results.add(new Row(STAGE, "POST due -> matchable p99" + where, cold.matchableLatency().atMillis(99), "ms",
                    "warm p99", warm.matchableLatency().atMillis(99), "", null, cold.probesNotMatchable() + " not matchable"));
        }
    }

    /** CPU seconds per 1,000 stored profiles, by process: where the cores went. */
    private static void cpuSeconds(Results results, String label, OpenLoop.Window w, Map<String, Double> cores) {
        StringBuilder note = new StringBuilder();
        double total = 0;
        for (Map.Entry<String, Double> e : cores.entrySet()) {
            if (!e.getKey().equals("machine busy")) {
                double perThousand = e.getValue() * w.seconds() / w.sent() * 1000;
                total += perThousand;
                note.append(note.length() == 0 ? "" : ", ").append(e.getKey()).append(' ').append(Results.number(perThousand));
            }
        }
        results.add(new Row(STAGE, "CPU seconds per 1,000 profiles (" + label + ")", total, "s", "", Double.NaN, "", null,
                note.toString()));
    }

    /** Steps above R while matchable p99 stays under 2 s and nothing fails; the highest such rate. */
    private static void search(Results results, OpenLoop load, double rate, OpenLoop.Window atRate, Duration window,
                               double rawModel) throws InterruptedException {
        double best = passes(atRate) ? rate : Double.NaN;
        Duration step = window.compareTo(Duration.ofSeconds(60)) > 0 ? Duration.ofSeconds(60) : window;
        String stoppedAt = "";
        if (passes(atRate)) {
            for (double factor : SEARCH_STEPS) {
                OpenLoop.Window w = load.run(rate * factor, step);
                addWindow(results, "search step", w, false);
                if (!passes(w)) {
                    stoppedAt = "; " + Results.number(rate * factor) + "/s failed";
                    break;
                }
                best = rate * factor;
            }
        }
        results.add(new Row(STAGE, "highest rate with matchable p99 < 2 s and no failed request", best, "profiles/s",
                "raw model embedAll", rawModel, "", null, "steps of " + Results.number(step.toSeconds()) + " s at "
                + SEARCH_STEPS + " x R" + stoppedAt + (Double.isNaN(best) ? "; R itself failed" : "")));
    }

    private static boolean passes(OpenLoop.Window w) {
        return w.failed() == 0 && w.matchable().length > 0 && w.probesNotMatchable() == 0
                && w.matchableLatency().atMillis(99) < MATCHABLE_P99_MS;
    }

    static String loadAverage() {
        try {
            return String.join(" ", List.of(java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")).subList(0, 3));
        } catch (java.io.IOException e) {
            return "?";
        }
    }
}
