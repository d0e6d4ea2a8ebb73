package io.agentmatch.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agentmatch.bench.stages.BenchRun;
import io.agentmatch.bench.stages.BenchStages;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchStagesTest {

    @Test
    void everyStageOfTheCommandLineHasItsClassInTheRunsOrder() {
        BenchRun run = new BenchRun(BenchOptions.parse(new String[0], Path.of("repo")), new Results(), Path.of("run"),
                Path.of("repo"));
        List<String> names = new ArrayList<>();
        names.add(BenchStages.FOOTPRINT); // on a stack of its own, first
        names.addAll(BenchStages.onBenchStack(null, run).keySet());
        assertEquals(BenchOptions.ALL, names);
        assertEquals("FootprintStage", BenchStages.footprint(run).getClass().getSimpleName());
    }
}
