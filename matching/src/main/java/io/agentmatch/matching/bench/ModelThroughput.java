package io.agentmatch.matching.bench;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import io.agentmatch.matching.MatchText;
import io.agentmatch.matching.ModelSettings;
import io.agentmatch.matching.ModelVariant;
import io.agentmatch.matching.OnnxEmbedder;
import io.agentmatch.matching.RelevanceEvaluation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Raw model throughput (texts/s) on the profile texts of a legacy JSON storage folder.
 *
 * <p>{@code main [jsonStorageDir] [config ...]} with configs {@code lc4j-default} (langchain4j's own
 * model class: ONNX Runtime's default intra-op pool, one inference per core in parallel),
 * {@code ort-default} (one inference at a time, ONNX Runtime's default intra-op pool),
 * {@code tuned} (one intra-op thread per inference, {@code EMBEDDING_THREADS} or 2 inferences in
 * parallel) and {@code single} (one thread, one inference); each for both model variants unless
 * {@code fp32} or {@code q} is given. Default: all configs. Run with {@code -DOPT_OUT_TRACKING=true}.
 */
public final class ModelThroughput {
    private static final int ROUNDS = Integer.getInteger("rounds", 3);

    public static void main(String[] args) {
        Path dir = Path.of(args.length > 0 ? args[0] : "../shared/data/json_storage");
        List<String> configs = new ArrayList<>();
        List<ModelVariant> variants = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "fp32" -> variants.add(ModelVariant.ALL_MINILM_L6_V2);
                case "q" -> variants.add(ModelVariant.ALL_MINILM_L6_V2_Q);
                default -> configs.add(args[i]);
            }
        }
        if (configs.isEmpty()) {
            configs.addAll(List.of("lc4j-default", "ort-default", "tuned", "single"));
        }
        if (variants.isEmpty()) {
            variants.addAll(List.of(ModelVariant.values()));
        }
        List<String> texts = RelevanceEvaluation.load(dir).profiles().stream().map(p -> MatchText.of(p.data()))
                .filter(t -> !t.isBlank()).toList();
        int threads = ModelSettings.EMBEDDING_THREADS.read(io.agentmatch.contract.config.Env.system());
        System.out.printf("%d texts, %d cores%n", texts.size(), Runtime.getRuntime().availableProcessors());
        for (ModelVariant variant : variants) {
            for (String config : configs) {
                switch (config) {
                    case "lc4j-default" -> {
                        EmbeddingModel model = variant == ModelVariant.ALL_MINILM_L6_V2
                                ? new AllMiniLmL6V2EmbeddingModel() : new AllMiniLmL6V2QuantizedEmbeddingModel();
                        List<TextSegment> segments = texts.stream().map(TextSegment::from).toList();
                        measure(variant, config, texts.size(), n -> model.embedAll(segments.subList(0, n)));
                    }
                    case "ort-default" -> run(variant, config, texts, new OnnxEmbedder(variant, 0, 1));
                    case "tuned" -> run(variant, config + "(1x" + threads + ")", texts,
                            new OnnxEmbedder(variant, 1, threads));
                    case "single" -> run(variant, config, texts, new OnnxEmbedder(variant, 1, 1));
                    default -> throw new IllegalArgumentException("unknown config " + config);
                }
            }
        }
    }

    private static void run(ModelVariant variant, String config, List<String> texts, OnnxEmbedder embedder) {
        try (embedder) {
            measure(variant, config, texts.size(), n -> embedder.embedAll(texts.subList(0, n)));
        }
    }

    private static void measure(ModelVariant variant, String config, int total, Consumer<Integer> embedFirst) {
        embedFirst.accept(Math.min(total, 64)); // warm-up
        double[] rates = new double[ROUNDS];
        for (int r = 0; r < ROUNDS; r++) {
            long start = System.nanoTime();
            embedFirst.accept(total);
            rates[r] = total / ((System.nanoTime() - start) / 1e9);
        }
        java.util.Arrays.sort(rates);
        System.out.printf("%-20s %-16s best %7.1f  median %7.1f texts/s  (%d rounds of %d texts)%n",
                variant.modelName(), config, rates[ROUNDS - 1], rates[ROUNDS / 2], ROUNDS, total);
    }
}
