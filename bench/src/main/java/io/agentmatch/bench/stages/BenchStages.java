package io.agentmatch.bench.stages;

import io.agentmatch.bench.BenchStack;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The stages by their command-line name (the names and their order are {@code BenchOptions.ALL}):
 * footprint on a stack of its own, before the bench stack starts; the others on the bench stack.
 */
public final class BenchStages {
    public static final String FOOTPRINT = "footprint";

    private BenchStages() {
    }

    public static Stage footprint(BenchRun run) {
        return new FootprintStage(run);
    }

    /** The stages that run on {@code bench}; persist, project and freshness share one pipeline. */
    public static Map<String, Stage> onBenchStack(BenchStack bench, BenchRun run) {
        SharedPipeline pipeline = new SharedPipeline();
        PersistStage persist = new PersistStage(bench, run, pipeline);
        Map<String, Stage> stages = new LinkedHashMap<>();
        stages.put("ingest", new IngestStage(bench, run));
        stages.put("persist", persist);
        ProjectStage project = new ProjectStage(bench, run, pipeline, persist);
        stages.put("project", project);
        stages.put("freshness", new FreshnessStage(bench, run, pipeline));
        stages.put("match", new MatchStage(bench, run));
        stages.put("migrate", new MigrateStage(bench, run, persist, project));
        stages.put(SustainedStage.STAGE, new SustainedStage(bench, run));
        return stages;
    }
}
