package io.agentmatch.matching;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmatch.contract.events.JsonCodec;
import io.agentmatch.contract.events.MatchProjection;
import io.agentmatch.contract.events.ProfileRecord;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Relevance of our ranking against the legacy scoring on a legacy JSON storage folder and a list of
 * queries ({@code [{"description": "...", "expect": ["Plumber", ...]}, ...]}): top-1 accuracy and mean
 * reciprocal rank of the first profile whose job is one of {@code expect}, both rankings in one run
 * over the same embeddings.
 *
 * <p>{@code main [jsonStorageDir] [queriesFile] [model ...]}: defaults {@code ../shared/data/json_storage},
 * {@code ../shared/data/match_queries.json} and the default model; {@code all} evaluates every model.
 */
public final class RelevanceEvaluation {

    /**
     * @param precisionAt5 share of the top 5 whose job is expected: a secondary metric, since top-1 and
     *                     MRR saturate on the shared data
     */
    public record Metrics(double top1Accuracy, double meanReciprocalRank, double precisionAt5) {
        /** At least as good on top-1 and MRR (the acceptance metrics). */
        public boolean atLeast(Metrics other) {
            return top1Accuracy >= other.top1Accuracy - 1e-9 && meanReciprocalRank >= other.meanReciprocalRank - 1e-9;
        }
    }

    public record QueryResult(String description, List<String> expect, String oursTop1, int oursRank,
                              String legacyTop1, int legacyRank) {
    }

    public record Result(String model, String oursName, int profiles, int skippedFiles, List<QueryResult> queries,
                         Metrics ours, Metrics legacy) {
    }

    /** A profile as loaded from the folder. */
    public record Profile(String id, ObjectNode data) {
    }

    public record Loaded(List<Profile> profiles, int skippedFiles) {
    }

    public record Query(String description, List<String> expect) {
    }

    private RelevanceEvaluation() {
    }

    /** With the process-wide default embedder ({@link Embedders#fromEnv()}). */
    public static Result run(Path jsonStorageDir, Path queriesFile, PrintStream out) {
        return run(jsonStorageDir, queriesFile, out, Embedders.fromEnv(), MatchRanking.DEFAULT, new LegacyScoring());
    }

    public static Result run(Path jsonStorageDir, Path queriesFile, PrintStream out, Embedder embedder, Ranker ours,
                             Ranker legacy) {
        Loaded loaded = load(jsonStorageDir);
        List<Query> queries = loadQueries(queriesFile);
        MatchIndex index = buildIndex(loaded.profiles(), embedder);
        return evaluate(index, loaded, queries, embedder, ours, legacy, out);
    }

    public static Result evaluate(MatchIndex index, Loaded loaded, List<Query> queries, Embedder embedder, Ranker ours,
                           Ranker legacy, PrintStream out) {
        out.printf("model %s, %d profiles (%d files skipped), %d queries; ours = %s%n", embedder.modelName(),
                loaded.profiles().size(), loaded.skippedFiles(), queries.size(), ours.name());
        List<QueryResult> results = new ArrayList<>();
        double oursTop1 = 0, oursRr = 0, legacyTop1 = 0, legacyRr = 0, oursP5 = 0, legacyP5 = 0;
        List<float[]> vectors = embedder.embedAll(queries.stream().map(Query::description).toList());
        for (int i = 0; i < queries.size(); i++) {
            Query query = queries.get(i);
            MatchQuery q = MatchQuery.of(query.description()).withLimit(MatchQuery.MAX_LIMIT);
            List<MatchHit> oursHits = index.search(vectors.get(i), q, ours);
            List<MatchHit> legacyHits = index.search(vectors.get(i), q, legacy);
            int oursRank = rank(oursHits, query.expect());
            int legacyRank = rank(legacyHits, query.expect());
            QueryResult result = new QueryResult(query.description(), query.expect(), top1(oursHits), oursRank,
                    top1(legacyHits), legacyRank);
            results.add(result);
            oursTop1 += oursRank == 1 ? 1 : 0;
            legacyTop1 += legacyRank == 1 ? 1 : 0;
            oursRr += oursRank > 0 ? 1.0 / oursRank : 0;
            legacyRr += legacyRank > 0 ? 1.0 / legacyRank : 0;
            oursP5 += precisionAt5(oursHits, query.expect());
            legacyP5 += precisionAt5(legacyHits, query.expect());
            out.printf("  %-62s expect %-32s ours %-18s (rank %d)  legacy %-18s (rank %d)%n",
                    '"' + query.description() + '"', query.expect(), result.oursTop1(), oursRank,
                    result.legacyTop1(), legacyRank);
        }
        int n = Math.max(1, queries.size());
        Metrics oursMetrics = new Metrics(oursTop1 / n, oursRr / n, oursP5 / n);
        Metrics legacyMetrics = new Metrics(legacyTop1 / n, legacyRr / n, legacyP5 / n);
        out.printf("  %s: ours   top-1 %.3f  MRR %.3f  P@5 %.3f%n", embedder.modelName(), oursMetrics.top1Accuracy(),
                oursMetrics.meanReciprocalRank(), oursMetrics.precisionAt5());
        out.printf("  %s: legacy top-1 %.3f  MRR %.3f  P@5 %.3f%n", embedder.modelName(),
                legacyMetrics.top1Accuracy(), legacyMetrics.meanReciprocalRank(), legacyMetrics.precisionAt5());
        return new Result(embedder.modelName(), ours.name(), loaded.profiles().size(), loaded.skippedFiles(),
                List.copyOf(results), oursMetrics, legacyMetrics);
    }

    /** Rank (1-based) of the first hit whose job is one of {@code expect}, 0 when none is. */
    static int rank(List<MatchHit> hits, List<String> expect) {
        for (int i = 0; i < hits.size(); i++) {
            String job = IndexedProfile.key(hits.get(i).job());
            if (expect.stream().anyMatch(e -> IndexedProfile.key(e).equals(job))) {
                return i + 1;
            }
        }
        return 0;
    }

    static double precisionAt5(List<MatchHit> hits, List<String> expect) {
        int relevant = 0;
        for (int i = 0; i < Math.min(5, hits.size()); i++) {
            String job = IndexedProfile.key(hits.get(i).job());
            if (expect.stream().anyMatch(e -> IndexedProfile.key(e).equals(job))) {
                relevant++;
            }
        }
        return relevant / 5.0;
    }

    private static String top1(List<MatchHit> hits) {
        return hits.isEmpty() ? "-" : String.valueOf(hits.get(0).job());
    }

    /** Only {@code *.json} files directly in {@code dir}; files that are not profiles are counted, not loaded. */
    public static Loaded load(Path dir) {
        List<Profile> profiles = new ArrayList<>();
        int skipped = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.sorted().toList()) {
                String name = file.getFileName().toString();
                if (!name.toLowerCase(Locale.ROOT).endsWith(".json") || !Files.isRegularFile(file)) {
                    continue;
                }
                try {
                    JsonNode node = JsonCodec.readTree(Files.readAllBytes(file));
                    if (node == null || !node.isObject() || !(node.get("data") instanceof ObjectNode)) {
                        skipped++;
                        continue;
                    }
                    ProfileRecord record = ProfileRecord.fromJson(node);
                    // The file name is unique in the folder; the id inside is not trusted.
                    profiles.add(new Profile(name.substring(0, name.length() - ".json".length()), record.data()));
                } catch (IOException e) {
                    skipped++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Loaded(profiles, skipped);
    }

    public static List<Query> loadQueries(Path file) {
        try {
            JsonNode root = JsonCodec.readTree(Files.readAllBytes(file));
            List<Query> queries = new ArrayList<>();
            for (JsonNode node : root) {
                List<String> expect = new ArrayList<>();
                node.path("expect").forEach(e -> expect.add(e.asText()));
                queries.add(new Query(node.path("description").asText(""), List.copyOf(expect)));
            }
            return queries;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static MatchIndex buildIndex(List<Profile> profiles, Embedder embedder) {
        List<String> texts = profiles.stream().map(p -> MatchText.of(p.data())).toList();
        List<float[]> vectors = embedder.embedAll(texts);
        List<MatchProjection> projections = new ArrayList<>(profiles.size());
        for (int i = 0; i < profiles.size(); i++) {
            projections.add(projection(profiles.get(i), MatchText.hash(embedder.modelName(), texts.get(i)),
                    vectors.get(i), 1));
        }
        MatchIndex index = new MatchIndex(embedder.dimensions(), MatchRanking.DEFAULT);
        index.upsertAll(projections);
        return index;
    }

    /** The projection of a legacy profile (what the processor publishes). */
    public static MatchProjection projection(Profile profile, String textHash, float[] vector, long version) {
        return MatchProjections.of(profile.id(), profile.data(), textHash, vector, version);
    }

    public static void main(String[] args) {
        Path dir = Path.of(args.length > 0 ? args[0] : "../shared/data/json_storage");
        Path queries = Path.of(args.length > 1 ? args[1] : "../shared/data/match_queries.json");
        List<ModelVariant> models = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            if (args[i].equals("all")) {
                models.addAll(List.of(ModelVariant.values()));
            } else {
                models.add(ModelVariant.fromName(args[i]));
            }
        }
        if (models.isEmpty()) {
            models.add(Embedders.DEFAULT_MODEL);
        }
        for (ModelVariant model : models) {
            long start = System.nanoTime();
            run(dir, queries, System.out, Embedders.get(model), MatchRanking.DEFAULT, new LegacyScoring());
            System.out.printf("  (%s: %.1f s)%n", model.modelName(), (System.nanoTime() - start) / 1e9);
        }
    }
}
