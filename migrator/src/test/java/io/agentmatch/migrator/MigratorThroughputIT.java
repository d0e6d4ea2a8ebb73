package io.agentmatch.migrator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentmatch.contract.config.PipelineConfig;
import io.agentmatch.contract.events.JsonCodec;
import io.agentmatch.localstack.TestStack;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Throughput of a real migration; runs only with -Dmigrator.perf.count=N (e.g. 100000). */
class MigratorThroughputIT {
    @TempDir
    Path tmp;

    @Test
    void migrateGeneratedFiles() throws Exception {
        String count = System.getProperty("migrator.perf.count");
        Assumptions.assumeTrue(count != null, "set -Dmigrator.perf.count=N to measure");
        int n = Integer.parseInt(count);
        PipelineConfig config = TestStack.shared().isolatedConfig("migrator-perf");
        Path source = Files.createDirectories(tmp.resolve("src"));
        long start = System.nanoTime();
        GenerateCommand.generate(source, n, 99, null);
        System.out.printf("PERF generate %d files: %.1f s%n", n, (System.nanoTime() - start) / 1e9);
        for (String[] args : new String[][] {{"--dry-run"}, {}, {}}) {
            Path report = tmp.resolve("report.json");
            start = System.nanoTime();
            String[] full = new String[4 + args.length];
            full[0] = "migrate"; full[1] = "--source"; full[2] = source.toString(); full[3] = "--report=" + report;
            System.arraycopy(args, 0, full, 4, args.length);
            assertEquals(ExitCodes.OK, MigratorMain.run(config, full));
            double seconds = (System.nanoTime() - start) / 1e9;
            JsonNode counts = JsonCodec.readTree(Files.readAllBytes(report)).get("counts");
            System.out.printf("PERF migrate %s %d files: %.1f s, %.0f files/s, counts %s%n", String.join(" ", args), n,
                    seconds, n / seconds, counts);
        }
    }
}
