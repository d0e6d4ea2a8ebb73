package io.agentmatch.matching;

import io.agentmatch.contract.config.Env;
import java.util.EnumMap;
import java.util.Map;

/**
 * One model instance per variant and process, loaded on first use.
 *
 * <p>Environment: {@code MATCH_MODEL} ({@value #DEFAULT_MODEL_NAME} by default, see {@link #DEFAULT_MODEL}),
 * {@code EMBEDDING_THREADS} (parallel inferences in {@link Embedder#embedAll}, default 2), and
 * {@code ORT_INTRA_OP_THREADS} (threads per inference, default 1; 0 = ONNX Runtime's default).
 */
public final class Embedders {

    public static final String DEFAULT_MODEL_NAME = "all-minilm-l6-v2-q";
    /** Chosen by {@code RelevanceEvaluation} and {@code ModelThroughput}; see the matching README. */
    public static final ModelVariant DEFAULT_MODEL = ModelVariant.fromName(DEFAULT_MODEL_NAME);
    public static final int DEFAULT_EMBEDDING_THREADS = 2;
    public static final int DEFAULT_INTRA_OP_THREADS = 1;

    private static final Map<ModelVariant, OnnxEmbedder> LOADED = new EnumMap<>(ModelVariant.class);

    private Embedders() {
    }

    /** The process-wide embedder configured by the environment ({@link ModelSettings}). */
    public static Embedder fromEnv() {
        return fromEnv(Env.system());
    }

    static Embedder fromEnv(Env env) {
        return get(ModelSettings.variant(env), ModelSettings.EMBEDDING_THREADS.read(env),
                ModelSettings.ORT_INTRA_OP_THREADS.read(env));
    }

    /** The process-wide instance of {@code variant} with the default threading. */
    public static Embedder get(ModelVariant variant) {
        return get(variant, DEFAULT_EMBEDDING_THREADS, DEFAULT_INTRA_OP_THREADS);
    }

    /** The first call per variant decides its threading; later calls share that instance. */
    public static synchronized Embedder get(ModelVariant variant, int embeddingThreads, int intraOpThreads) {
        return LOADED.computeIfAbsent(variant, v -> new OnnxEmbedder(v, intraOpThreads, embeddingThreads));
    }
}
