package io.agentmatch.migrator;

import io.agentmatch.matching.RelevanceEvaluation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The relevance evaluation of the matching: our ranking and the legacy scoring, side by side on a
 * legacy folder and a queries file. Exit 4 when ours is worse than the legacy one on any metric.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Top-1 accuracy and mean reciprocal rank of our ranking and of the legacy scoring, in one run.",
        footer = {"", ExitCodes.HELP})
public final class EvaluateCommand implements Callable<Integer> {
    @Option(names = "--source", required = true, description = "a legacy json_storage folder")
    Path source;

    @Option(names = "--queries", required = true,
            description = "a JSON list of {\"description\", \"expect\": [acceptable job titles]}")
    Path queries;

    @Override
    public Integer call() {
        if (!Files.isDirectory(source)) {
            System.err.println("--source: " + source + " is not a folder");
            return ExitCodes.USAGE;
        }
        if (!Files.isRegularFile(queries)) {
            System.err.println("--queries: " + queries + " is not a file");
            return ExitCodes.USAGE;
        }
        RelevanceEvaluation.Result result = RelevanceEvaluation.run(source, queries, System.out);
        boolean notWorse = result.ours().top1Accuracy() >= result.legacy().top1Accuracy()
                && result.ours().meanReciprocalRank() >= result.legacy().meanReciprocalRank();
        return notWorse ? ExitCodes.OK : ExitCodes.MISMATCH;
    }
}
