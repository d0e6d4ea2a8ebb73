package io.agentmatch.api.http;

/** One dependency that {@code GET /ready} reports on: its name and a state word, and whether it is usable. */
public interface DependencyProbe {

    String name();

    State check();

    /**
     * {@code word} is what /ready shows (up, down, ready, loading, stopped, disabled); {@code problem},
     * when not null, says why in words an operator acts on ("Kafka authentication failed: ...").
     */
    record State(String word, boolean ready, String problem) {
        public State(String word, boolean ready) {
            this(word, ready, null);
        }
    }
}
