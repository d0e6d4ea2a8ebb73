package io.agentmatch.api.http;

/** One dependency that {@code GET /ready} reports on: its name and a state word, and whether it is usable. */
public interface DependencyProbe {

    String name();

    State check();

    /** {@code word} is what /ready shows (up, down, ready, loading, stopped, disabled). */
    record State(String word, boolean ready) {
    }
}
