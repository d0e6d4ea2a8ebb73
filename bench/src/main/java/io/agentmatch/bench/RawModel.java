package io.agentmatch.bench;

import io.agentmatch.matching.Embedder;
import io.agentmatch.matching.Embedders;
import io.agentmatch.matching.MatchText;
import java.util.List;

/**
 * The raw model rate, the bound of every stage that embeds: the processor's model with its threading
 * ({@code EMBEDDING_THREADS} / {@code ORT_INTRA_OP_THREADS} from the environment), on the bench's
 * kind of texts, in this JVM, to be measured while the pipeline under test is idle. Warm (256 texts
 * first) and saturated: one {@code embedAll} over all texts, so no worker waits at a batch boundary
 * (measured after a projector run instead, it ranged 551-700 profiles/s over four runs).
 */
public final class RawModel {
    private RawModel() {
    }

    /** The measured rate and the model it was measured with. */
    public record Rate(double profilesPerSecond, String modelName) {
    }

    /** Embeds {@code texts} profile texts (after 256 of warm-up); profiles/s. */
    public static Rate measure(int texts) {
        List<String> all = BenchProfiles.records(texts + 256, 11).stream().map(p -> MatchText.of(p.data())).toList();
        Embedder embedder = Embedders.fromEnv();
        embedder.embedAll(all.subList(0, 256));
        List<String> timed = all.subList(256, all.size());
        long start = System.nanoTime();
        embedder.embedAll(timed);
        return new Rate(timed.size() / ((System.nanoTime() - start) / 1e9), embedder.modelName());
    }
}
