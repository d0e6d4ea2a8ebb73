package io.agentmatch.matching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RelevanceEvaluationTest {

    /** {@code ../shared/data} next to the repository: walk up from the working directory. */
    static Path sharedData() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("../shared/data").normalize();
            if (Files.isDirectory(candidate.resolve("json_storage")) && Files.isRegularFile(candidate.resolve("match_queries.json"))) {
                return candidate;
            }
        }
        return null;
    }

    @Test
    void oursIsAtLeastAsGoodAsLegacy() {
        Path data = sharedData();
        assumeTrue(data != null, "skipped: no ../shared/data (json_storage + match_queries.json) next to the repository");
        PrintStream out = System.out;
        RelevanceEvaluation.Result result = RelevanceEvaluation.run(data.resolve("json_storage"),
                data.resolve("match_queries.json"), out, Embedders.get(Embedders.DEFAULT_MODEL), MatchRanking.DEFAULT,
                new LegacyScoring());
        assertEquals(5, result.skippedFiles(), "not-profile files in the sample folder");
        assertTrue(result.profiles() > 300);
        assertTrue(result.ours().atLeast(result.legacy()), result.ours() + " vs legacy " + result.legacy());
        assertTrue(result.ours().precisionAt5() >= result.legacy().precisionAt5());
        assertTrue(result.ours().top1Accuracy() >= 0.9, "top-1 " + result.ours().top1Accuracy());
    }
}
