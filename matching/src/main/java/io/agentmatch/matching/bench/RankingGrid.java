package io.agentmatch.matching.bench;

import io.agentmatch.matching.Embedder;
import io.agentmatch.matching.Embedders;
import io.agentmatch.matching.LegacyScoring;
import io.agentmatch.matching.MatchIndex;
import io.agentmatch.matching.MatchRanking;
import io.agentmatch.matching.ModelVariant;
import io.agentmatch.matching.Ranker;
import io.agentmatch.matching.RelevanceEvaluation;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/** Compares ranking variants (cosine only, legacy boosts, keyword boosts) on the shared data, per model. */
public final class RankingGrid {
    public static void main(String[] args) {
        Path dir = Path.of(args.length > 0 ? args[0] : "../shared/data/json_storage");
        Path queriesFile = Path.of(args.length > 1 ? args[1] : "../shared/data/match_queries.json");
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        List<Ranker> rankers = List.of(Ranker.COSINE, new MatchRanking(0, 0, 0, true),
                new MatchRanking(0.05f, 0.025f, 0.075f, false), new MatchRanking(0.1f, 0.05f, 0.15f, false),
                new MatchRanking(0.1f, 0.1f, 0.2f, false), new MatchRanking(0.2f, 0.1f, 0.3f, false),
                new MatchRanking(0.1f, 0.05f, 0.15f, true));
        for (ModelVariant model : ModelVariant.values()) {
            Embedder embedder = Embedders.get(model);
            RelevanceEvaluation.Loaded loaded = RelevanceEvaluation.load(dir);
            List<RelevanceEvaluation.Query> queries = RelevanceEvaluation.loadQueries(queriesFile);
            MatchIndex index = RelevanceEvaluation.buildIndex(loaded.profiles(), embedder);
            for (Ranker ranker : rankers) {
                RelevanceEvaluation.Result r = RelevanceEvaluation.evaluate(index, loaded, queries, embedder, ranker,
                        new LegacyScoring(), quiet);
                System.out.printf("%-20s %-45s top-1 %.3f MRR %.3f P@5 %.3f   (legacy %.3f %.3f %.3f)%n",
                        model.modelName(), ranker.name(), r.ours().top1Accuracy(), r.ours().meanReciprocalRank(),
                        r.ours().precisionAt5(), r.legacy().top1Accuracy(), r.legacy().meanReciprocalRank(),
                        r.legacy().precisionAt5());
            }
        }
    }
}
