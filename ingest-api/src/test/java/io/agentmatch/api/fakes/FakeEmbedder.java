package io.agentmatch.api.fakes;

import io.agentmatch.matching.Embedder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** A deterministic bag-of-words embedder: texts sharing words are similar. No model, no threads. */
public final class FakeEmbedder implements Embedder {
    public static final int DIMENSIONS = 384;

    @Override
    public float[] embed(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("blank text");
        }
        float[] vector = new float[DIMENSIONS];
        for (String word : text.toLowerCase().split("\\W+")) {
            if (!word.isEmpty()) {
                int slot = Math.floorMod(java.util.Arrays.hashCode(word.getBytes(StandardCharsets.UTF_8)), DIMENSIONS);
                vector[slot] += 1;
            }
        }
        double norm = 0;
        for (float v : vector) {
            norm += v * v;
        }
        norm = Math.sqrt(norm);
        if (norm == 0) {
            vector[0] = 1;
            return vector;
        }
        for (int i = 0; i < vector.length; i++) {
            vector[i] /= (float) norm;
        }
        return vector;
    }

    @Override
    public List<float[]> embedAll(List<String> texts) {
        return texts.stream().map(this::embed).toList();
    }

    @Override
    public String modelName() {
        return "fake-bag-of-words";
    }

    @Override
    public int dimensions() {
        return DIMENSIONS;
    }
}
