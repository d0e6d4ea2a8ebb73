package io.agentmatch.bench.stages;

import io.agentmatch.bench.BenchOptions;
import io.agentmatch.bench.BenchProfiles;
import io.agentmatch.bench.BenchStack;
import io.agentmatch.bench.Proc;
import io.agentmatch.bench.ProjectionCounter;
import io.agentmatch.bench.RawModel;
import io.agentmatch.bench.Results;
import io.agentmatch.bench.Results.Row;
import io.agentmatch.contract.config.PipelineConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The profiles persist stored, embedded by the processor's projector, next to the raw model on the
 * same texts; then the replay of unchanged profiles as {@code ./pipeline replay} does it (no model time).
 * Runs the persist stage first when it has not run.
 */
public final class ProjectStage implements Stage {
    private final BenchStack bench;
    private final BenchRun run;
    private final SharedPipeline pipeline;
    private final PersistStage persist;
    /** The raw model's profiles/s, once measured: the bound of a migration's matchable time too. */
    private double rawModelRate = Double.NaN;

    ProjectStage(BenchStack bench, BenchRun run, SharedPipeline pipeline, PersistStage persist) {
        this.bench = bench;
        this.run = run;
        this.pipeline = pipeline;
        this.persist = persist;
    }

    /** The raw model rate this run measured (NaN before {@link #run()}). */
    double rawModelRate() {
        return rawModelRate;
    }

    @Override
    public void run() throws Exception {
        if (pipeline.config() == null) {
            persist.run();
        }
        BenchOptions options = run.options();
        Results results = run.results();
        int n = options.events();
        PipelineConfig cfg = pipeline.config();
        bench.stop("processor");

        // The limit: the raw model, measured first with the processor stopped (RawModel).
        RawModel.Rate raw = RawModel.measure(Math.min(n, options.quick() ? 500 : 4000));
        double rawRate = raw.profilesPerSecond();
        rawModelRate = rawRate;

        int port = bench.startProcessor("processor", cfg, Map.of());
        Proc.CpuWindow cpu = new Proc.CpuWindow(bench.pids("kafka", "processor")).start();
        ProcessorCounters.Reached first = ProcessorCounters.awaitTarget("project: " + n + " profiles embedded", port,
                ProcessorCounters.EMBEDDED, n, Duration.ofMinutes(30));
        Map<String, Double> used = cpu.coresUsed();
        // Counted only now: a consumer following the topic during the run took CPU from the model it measures.
        long counting = System.nanoTime();
        try (ProjectionCounter counter = new ProjectionCounter(cfg.kafkaBootstrapServers(), cfg.topics().profileProjections())) {
            bench.awaitValue("projection topic holds " + n, Duration.ofMinutes(2), () -> counter.count() >= n);
        }
        first = first.plus((System.nanoTime() - counting) / 1e9);

        // The target compares throughputs, so both warm: the raw model after its 256 warm-up texts,
        // the processor after its first quarter; the rate from a cold start is the row after.
        results.add(new Row("project", "profiles embedded -> projections/s, warm (last 3/4 of N)", first.warmRate(), "profiles/s",
                "raw model embedAll", rawRate, ">= 85% of raw", first.warmRate() >= 0.85 * rawRate,
                n + " profiles; model " + raw.modelName()));
        results.add(new Row("project", "profiles embedded -> projections/s, from processor start (cold JVM)", first.steadyRate(),
                "profiles/s", "raw model embedAll", rawRate, "", null,
                Results.number(first.totalSeconds()) + " s from processor ready until the projection topic held all " + n));
        run.addCpuRows("project", "during project", used);

        // Replay of unchanged profiles: ./pipeline replay's own procedure (stop, reset, wipe the state, start).
        // It writes every item again (each conditional PutItem is written or refused as not newer) and
        // computes no embedding: its bound is the raw conditional PutItem rate of the persist stage.
        port = bench.replay(cfg, run.runDir().resolve("replay.log"));
        ProcessorCounters.Reached rewritten = ProcessorCounters.awaitSum("replay: " + n + " items written again", port,
                List.of(ProcessorCounters.ITEMS_WRITTEN, ProcessorCounters.SUPERSEDED), n, Duration.ofMinutes(20));
        ProcessorCounters.Reached replay = ProcessorCounters.awaitSum("replay: " + n + " projections reused", port,
                List.of(ProcessorCounters.EMBEDDED, ProcessorCounters.REUSED), n, Duration.ofMinutes(20));
        double computed = BenchStack.metric(port, ProcessorCounters.EMBEDDED);
        double rawPuts = persist.rawConditionalRate();
        double replayRate = rewritten.steadyRate();
        results.add(new Row("project", "replay: items written again/s (written or refused as not newer)", replayRate,
                "items/s", "raw conditional PutItem", rawPuts, ">= 80% of raw", replayRate >= 0.8 * rawPuts,
                Results.number(rewritten.totalSeconds()) + " s for " + n + " items; all matchable again after "
                        + Results.number(replay.totalSeconds()) + " s"));
        double speedup = first.totalSeconds() / replay.totalSeconds();
        results.add(new Row("project", "replay of unchanged profiles vs the first pass", speedup, "x", "", Double.NaN,
                "", null, Results.number(replay.totalSeconds()) + " s vs " + Results.number(first.totalSeconds())
                        + " s first pass (the old 20x target, retired by issue 18: it compared against the model)"));
        results.add(new Row("project", "replay: embeddings computed", computed, "embeddings", "", Double.NaN,
                "0 (no model time)", computed == 0, ""));
        pipeline.processorRestarted(port);
    }
}
