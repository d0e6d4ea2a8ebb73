package io.agentmatch.bench.stages;

import io.agentmatch.localstack.FileTrees;
import io.agentmatch.bench.BenchStack;
import io.agentmatch.bench.Proc;
import io.agentmatch.bench.Results;
import io.agentmatch.bench.Results.Row;
import io.agentmatch.localstack.PipelineStack;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ./pipeline up} from a fresh home (wall time) and each component's memory at rest, on a stack
 * of its own: it runs before the bench stack starts, and needs none.
 */
public final class FootprintStage implements Stage {
    /** {@code ./pipeline up} returns once every component answers; memory "at rest" is read this long after. */
    private static final Duration SETTLE_BEFORE_RSS = Duration.ofSeconds(3);

    private final BenchRun run;

    FootprintStage(BenchRun run) {
        this.run = run;
    }

    @Override
    public void run() throws Exception {
        Results results = run.results();
        Path repo = run.repo();
        Path home = run.runDir().resolve("coldstart-home");
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PIPELINE_HOME", home.toString());
        env.put("PIPELINE_SKIP_BUILD", "1");
        for (String var : List.of("KAFKA_PORT", "KAFKA_CONTROLLER_PORT", "DYNAMODB_PORT", "API_PORT", "PROCESSOR_HEALTH_PORT")) {
            env.put(var, Integer.toString(PipelineStack.freePort()));
        }
        Path log = run.runDir().resolve("coldstart.log");
        List<String> up = List.of(repo.resolve("pipeline").toString(), "up");
        List<String> down = List.of(repo.resolve("pipeline").toString(), "down");
        try {
            double fresh = secondsToRun(() -> ExternalCommand.run(up, env, log, Duration.ofMinutes(5)));
            results.add(new Row("footprint", "./pipeline up, fresh home (formats Kafka storage)", fresh, "s", "", Double.NaN,
                    "< 20 s", fresh < 20, ""));
            PipelineStack cold = new PipelineStack(repo, home);
            Thread.sleep(SETTLE_BEFORE_RSS.toMillis());
            for (String name : List.of("kafka", "dynalite", "processor", "api")) {
                var pid = cold.pid(name);
                long rss = pid.isPresent() ? Proc.rssKb(pid.getAsLong()) : -1;
                results.add(new Row("footprint", name + " RSS at rest (empty stack)", rss / 1024.0, "MiB", "", Double.NaN, "", null, ""));
            }
            if (!run.options().quick()) {
                ExternalCommand.run(down, env, log, Duration.ofMinutes(2));
                double warm = secondsToRun(() -> ExternalCommand.run(up, env, log, Duration.ofMinutes(5)));
                results.add(new Row("footprint", "./pipeline up again (home exists, all stopped)", warm, "s", "", Double.NaN,
                        "< 20 s", warm < 20, ""));
            }
        } finally {
            ExternalCommand.run(down, env, log, Duration.ofMinutes(2));
            FileTrees.delete(home);
        }
    }

    private static double secondsToRun(Runnable action) {
        long start = System.nanoTime();
        action.run();
        return (System.nanoTime() - start) / 1e9;
    }
}
