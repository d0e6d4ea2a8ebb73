package io.agentmatch.bench.stages;

import io.agentmatch.localstack.FileTrees;
import io.agentmatch.bench.BenchStack;
import io.agentmatch.bench.Proc;
import io.agentmatch.bench.ProjectionCounter;
import io.agentmatch.bench.Results;
import io.agentmatch.bench.Results.Row;
import io.agentmatch.contract.config.PipelineConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * N generated legacy files through the real pipeline: {@code migrator migrate}, until every profile
 * is retrievable (the table holds N) and matchable (the projection topic holds N); memory after it.
 */
public final class MigrateStage implements Stage {
    private final BenchStack bench;
    private final BenchRun run;
    private final PersistStage persist;
    private final ProjectStage project;

    /** {@code persist} and {@code project} give the raw rates the targets are ratios to, when they ran in this run. */
    MigrateStage(BenchStack bench, BenchRun run, PersistStage persist, ProjectStage project) {
        this.bench = bench;
        this.run = run;
        this.persist = persist;
        this.project = project;
    }

    @Override
    public void run() throws Exception {
        Results results = run.results();
        Path runDir = run.runDir();
        int n = run.options().profiles();
        bench.stop("processor");
        PipelineConfig cfg = bench.namespace("bench-migrate");
        Path source = runDir.resolve("legacy-profiles");
        Path migrator = run.repo().resolve("migrator/target/migrator-1.0.0-SNAPSHOT-all.jar");
        Map<String, String> env = bench.env(cfg);
        long genStart = System.nanoTime();
        ExternalCommand.run(List.of(ExternalCommand.javaBinary(), "-DOPT_OUT_TRACKING=true", "-jar", migrator.toString(), "generate",
                "--out", source.toString(), "--count", Integer.toString(n), "--seed", "42"), env, runDir.resolve("migrator.log"),
                Duration.ofMinutes(10));
        double genSeconds = (System.nanoTime() - genStart) / 1e9;
        int port = bench.startProcessor("processor-migrate", cfg, Map.of());
        try (ProjectionCounter counter = new ProjectionCounter(cfg.kafkaBootstrapServers(), cfg.topics().profileProjections())) {
            long start = System.nanoTime();
            Proc.CpuWindow cpu = new Proc.CpuWindow(bench.pids("kafka", "dynalite", "processor-migrate")).start();
            ExternalCommand.run(List.of(ExternalCommand.javaBinary(), "-DOPT_OUT_TRACKING=true", "-jar", migrator.toString(), "migrate",
                    "--source", source.toString()), env, runDir.resolve("migrator.log"), Duration.ofMinutes(30));
            double migrated = (System.nanoTime() - start) / 1e9;
            ProcessorCounters.Reached stored = ProcessorCounters.awaitTarget("migrate: table holds " + n, port,
                    ProcessorCounters.ITEMS_WRITTEN, n, Duration.ofMinutes(30));
            double retrievable = (System.nanoTime() - start) / 1e9;
            bench.awaitValue("migrate: projection topic holds " + n, Duration.ofMinutes(40), () -> counter.count() >= n);
            double matchable = (System.nanoTime() - start) / 1e9;
            Map<String, Double> used = cpu.coresUsed();
            results.add(new Row("migrate", String.format(Locale.ROOT, "migrate %,d profiles: migrator done", n), migrated, "s",
                    "", Double.NaN, "", null, "generate took " + Results.number(genSeconds) + " s (not counted)"));
            // Issue 18's bounds: N at the raw write rate (raw conditional PutItem, persist stage) and at the
            // raw model rate (project stage), both measured in this run; not judged when those stages did not run.
            double writeBound = n / persist.rawConditionalRate();
            double modelBound = n / project.rawModelRate();
            results.add(new Row("migrate", "... all retrievable (table holds N)", retrievable, "s",
                    "N / raw conditional PutItem rate (s)", writeBound, "<= 1.25 x N / raw write rate",
                    Double.isNaN(writeBound) ? null : retrievable <= 1.25 * writeBound,
                    Results.number(n / retrievable) + " profiles/s end to end; persist " + Results.number(stored.steadyRate())
                            + " items/s" + (Double.isNaN(writeBound) ? "; not judged: run persist in the same run" : "")));
            results.add(new Row("migrate", "... all matchable (projection topic holds N)", matchable, "s",
                    "N / raw model rate (s)", modelBound, "<= 1.4 x N / raw model rate",
                    Double.isNaN(modelBound) ? null : matchable <= 1.4 * modelBound,
                    Results.number(n / matchable) + " profiles/s end to end"
                            + (Double.isNaN(modelBound) ? "; not judged: run project in the same run" : "")));
            run.addCpuRows("migrate", "during migrate", used);
        }
        for (String name : List.of("kafka", "dynalite", "processor-migrate")) {
            long rss = bench.rssKb(name);
            results.add(new Row("footprint", String.format(Locale.ROOT, "%s RSS after %,d-profile migrate", name, n),
                    rss / 1024.0, "MiB", "", Double.NaN, "", null, ""));
        }
        bench.stop("processor-migrate");
        FileTrees.delete(source);
    }
}
