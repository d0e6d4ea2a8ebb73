package io.agentmatch.bench.stages;

/**
 * One stage of {@code ./pipeline bench}: it measures its part of the pipeline and, in the same run,
 * the limit it is compared with, and adds the rows to the run's {@link io.agentmatch.bench.Results}.
 * A new stage is a class in this package, with its name in {@code BenchOptions.ALL} (the command
 * line and the order of the run) and in {@link BenchStages}.
 */
public interface Stage {
    void run() throws Exception;
}
