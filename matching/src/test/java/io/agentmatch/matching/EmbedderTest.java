package io.agentmatch.matching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import io.agentmatch.contract.config.Env;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A handful of real inferences with the default (quantized) model. */
class EmbedderTest {

    private static double norm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        return Math.sqrt(s);
    }

    @Test
    void normalizedAndSemanticallySensible() {
        Embedder embedder = Embedders.get(Embedders.DEFAULT_MODEL);
        assertEquals(384, embedder.dimensions());
        List<float[]> v = embedder.embedAll(List.of(
                "My kitchen sink is leaking",
                "Plumber I repair leaking pipes and clogged drains. Skills: leaks, pipes",
                "Music Teacher Piano and guitar lessons for children. Skills: piano, guitar"));
        for (float[] vector : v) {
            assertEquals(384, vector.length);
            assertEquals(1.0, norm(vector), 1e-4);
        }
        double related = Vectors.dot(v.get(0), v.get(1));
        double unrelated = Vectors.dot(v.get(0), v.get(2));
        assertTrue(related > unrelated + 0.1, related + " vs " + unrelated);
        float[] single = embedder.embed("My kitchen sink is leaking");
        assertEquals(1.0, Vectors.dot(single, v.get(0)), 1e-4);
        assertThrows(IllegalArgumentException.class, () -> embedder.embed("  "));
    }

    @Test
    void fromEnvAndCache() {
        Embedder embedder = Embedders.fromEnv(new Env(Map.of("MATCH_MODEL", "all-minilm-l6-v2-q")));
        assertEquals("all-minilm-l6-v2-q", embedder.modelName());
        assertSame(embedder, Embedders.fromEnv(new Env(Map.of())));
        assertThrows(IllegalArgumentException.class, () -> Embedders.fromEnv(new Env(Map.of("MATCH_MODEL", "bert"))));
        assertThrows(IllegalArgumentException.class,
                () -> Embedders.fromEnv(new Env(Map.of("MATCH_MODEL", "all-minilm-l6-v2-q", "EMBEDDING_THREADS", "0"))));
        CachingEmbedder cached = new CachingEmbedder(embedder, 2);
        float[] a = cached.embed("locksmith");
        assertSame(a, cached.embed("locksmith"));
        cached.embed("b");
        cached.embed("c");
        assertEquals(1, cached.hits());
        assertEquals(3, cached.misses());
    }
}
