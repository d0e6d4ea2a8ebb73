package io.agentmatch.matching;

import java.util.List;

/** Text to L2-normalized vector. Implementations are thread-safe. */
public interface Embedder {

    /** The embedding of one text, L2-normalized; {@link IllegalArgumentException} for blank text. */
    float[] embed(String text);

    /** One embedding per text, in order; implementations may run several inferences in parallel. */
    List<float[]> embedAll(List<String> texts);

    /** Identifies the model; part of {@link MatchText#hash}, so a model change re-embeds everything. */
    String modelName();

    int dimensions();
}
