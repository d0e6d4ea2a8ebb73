package io.agentmatch.matching;

import io.agentmatch.contract.config.Env;
import io.agentmatch.contract.config.Setting;
import java.util.List;

/** The model's settings, shared by every process that embeds (the processor's projector, the API's queries, tools). */
public final class ModelSettings {
    public static final Setting<String> MATCH_MODEL = Setting.text("MATCH_MODEL", Embedders.DEFAULT_MODEL_NAME,
            "the embedding model: all-minilm-l6-v2-q (quantized: same match quality on the shared data, 2.5-4x faster) or all-minilm-l6-v2");
    public static final Setting<Integer> EMBEDDING_THREADS = Setting.integer("EMBEDDING_THREADS",
            Embedders.DEFAULT_EMBEDDING_THREADS, 1, 256, "parallel inferences of the model");
    public static final Setting<Integer> ORT_INTRA_OP_THREADS = Setting.integer("ORT_INTRA_OP_THREADS",
            Embedders.DEFAULT_INTRA_OP_THREADS, 0, 256, "ONNX Runtime threads per inference (0: its default, one per core)");
    public static final List<Setting<?>> SETTINGS = List.of(MATCH_MODEL, EMBEDDING_THREADS, ORT_INTRA_OP_THREADS);

    private ModelSettings() {
    }

    static ModelVariant variant(Env env) {
        String name = MATCH_MODEL.read(env);
        try {
            return ModelVariant.fromName(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(MATCH_MODEL.name() + ": " + e.getMessage());
        }
    }
}
