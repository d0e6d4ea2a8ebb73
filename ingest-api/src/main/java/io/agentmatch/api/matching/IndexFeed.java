package io.agentmatch.api.matching;

/** What keeps the in-memory match index current: {@link ProjectionFollower} in production. */
public interface IndexFeed extends AutoCloseable {

    enum State { LOADING, READY, STOPPED }

    void start();

    /** LOADING until the index caught up once, READY while it follows, STOPPED when it no longer does. */
    State state();

    @Override
    void close();
}
