package io.agentmatch.matching;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Text to L2-normalized vector. Implementations are thread-safe. */
public interface Embedder {

    /** The embedding of one text, L2-normalized; {@link IllegalArgumentException} for blank text. */
    float[] embed(String text);

    /** One embedding per text, in order; implementations may run several inferences in parallel. */
    List<float[]> embedAll(List<String> texts);

    /**
     * {@link #embedAll}, completed later: an implementation with its own inference threads queues
     * the texts behind those already submitted, so a caller that keeps a few batches in flight keeps
     * the model busy while it does its own work. The default embeds on the caller's thread.
     */
    default CompletableFuture<List<float[]>> embedAllAsync(List<String> texts) {
        try {
            return CompletableFuture.completedFuture(embedAll(texts));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Runs {@code action} once on each of the implementation's own inference threads, before they
     * embed anything more (to give them a property of their own, e.g. a lower OS priority); returns
     * when all have run it. An embedder without threads of its own (it embeds on the caller's thread)
     * does nothing.
     */
    default void onEveryWorker(Runnable action) {
    }

    /** Identifies the model; part of {@link MatchText#hash}, so a model change re-embeds everything. */
    String modelName();

    int dimensions();
}
