package io.agentmatch.migrator;

import io.agentmatch.contract.events.ProfileRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Writes N realistic legacy profile files (<id>.json, legacy format) into --out.",
                "Deterministic for a --seed; streams (constant memory)."},
        footer = {"", ExitCodes.HELP})
public final class GenerateCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger("generate");

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (created if missing).")
    Path out;

    @Option(names = "--count", required = true, paramLabel = "N", description = "How many files to write.")
    long count;

    @Option(names = "--seed", paramLabel = "S", description = "Random seed (default: random, logged).")
    Long seed;

    @Override
    public Integer call() throws Exception {
        if (count < 0) {
            LOG.error("--count must be at least 0, got {}", count);
            return ExitCodes.USAGE;
        }
        long actualSeed = seed != null ? seed : new java.security.SecureRandom().nextLong();
        Path dir = out.toAbsolutePath().normalize();
        Files.createDirectories(dir);
        LOG.info("generating {} profiles into {} (seed {})", count, dir, actualSeed);
        long written = generate(dir, count, actualSeed, new Progress("files", count, LOG));
        LOG.info("generated {} files into {}", written, dir);
        return ExitCodes.OK;
    }

    static long generate(Path dir, long count, long seed, Progress progress) throws java.io.IOException {
        ProfileGenerator generator = new ProfileGenerator(seed);
        for (long i = 0; i < count; i++) {
            ProfileRecord record = generator.next();
            Files.write(dir.resolve(record.id() + ".json"), PythonJson.toBytes(record.toJson()));
            if (progress != null) {
                progress.update(i + 1);
            }
        }
        if (progress != null) {
            progress.clear();
        }
        return count;
    }
}
