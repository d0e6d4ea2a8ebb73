package io.agentmatch.api.http;

/** One dependency that {@code GET /ready} reports on: its name and a state word, and whether it is usable. */
public interface DependencyProbe {

    String name();

    State check();

    /** A probe named {@code name} whose state {@code check} computes. */
    static DependencyProbe of(String name, java.util.function.Supplier<State> check) {
        return new DependencyProbe() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public State check() {
                return check.get();
            }
        };
    }

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
