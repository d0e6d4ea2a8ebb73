package io.agentmatch.api.fakes;

import io.agentmatch.api.matching.IndexFeed;

/** An index feed whose state the test sets. */
public final class FakeFeed implements IndexFeed {
    private volatile State state = State.READY;

    public void state(State newState) {
        this.state = newState;
    }

    @Override
    public void start() {
    }

    @Override
    public State state() {
        return state;
    }

    @Override
    public void close() {
    }
}
