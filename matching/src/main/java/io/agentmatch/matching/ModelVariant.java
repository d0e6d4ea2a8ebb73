package io.agentmatch.matching;

import java.util.Arrays;
import java.util.Locale;

/** The two bundled variants of sentence-transformers all-MiniLM-L6-v2 (mean pooling, 384 dimensions). */
public enum ModelVariant {
    /** fp32 ONNX export, 90 MB. */
    ALL_MINILM_L6_V2("all-minilm-l6-v2", "/all-minilm-l6-v2.onnx", "/all-minilm-l6-v2-tokenizer.json"),
    /** int8 dynamically quantized export, 23 MB. */
    ALL_MINILM_L6_V2_Q("all-minilm-l6-v2-q", "/all-minilm-l6-v2-q.onnx", "/all-minilm-l6-v2-q-tokenizer.json");

    public static final int DIMENSIONS = 384;

    private final String modelName;
    private final String modelResource;
    private final String tokenizerResource;

    ModelVariant(String modelName, String modelResource, String tokenizerResource) {
        this.modelName = modelName;
        this.modelResource = modelResource;
        this.tokenizerResource = tokenizerResource;
    }

    public String modelName() {
        return modelName;
    }

    String modelResource() {
        return modelResource;
    }

    String tokenizerResource() {
        return tokenizerResource;
    }

    public static ModelVariant fromName(String name) {
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(v -> v.modelName.equals(wanted)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown model '" + name + "', expected one of "
                        + Arrays.stream(values()).map(ModelVariant::modelName).toList()));
    }
}
