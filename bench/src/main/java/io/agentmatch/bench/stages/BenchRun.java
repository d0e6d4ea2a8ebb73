package io.agentmatch.bench.stages;

import io.agentmatch.bench.BenchOptions;
import io.agentmatch.bench.Results;
import io.agentmatch.bench.Results.Row;
import java.nio.file.Path;
import java.util.Map;

/**
 * What every stage of one run shares: the command line's options, the results, the run's directory
 * (logs, scripts, generated files) and the repository (for the built jars and {@code ./pipeline}).
 */
public record BenchRun(BenchOptions options, Results results, Path runDir, Path repo) {

    /** One row of the CPU cores used by the machine and by each measured process during a window. */
    void addCpuRows(String stage, String when, Map<String, Double> used) {
        StringBuilder s = new StringBuilder();
        used.forEach((name, cores) -> s.append(s.length() == 0 ? "" : ", ").append(name).append(' ').append(Results.number(cores)));
        results.add(new Row(stage, "CPU cores " + when, used.getOrDefault("machine busy", Double.NaN), "cores", "", Double.NaN,
                "", null, s + " (of " + Runtime.getRuntime().availableProcessors() + ")"));
    }
}
