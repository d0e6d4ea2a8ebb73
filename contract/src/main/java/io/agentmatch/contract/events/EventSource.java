package io.agentmatch.contract.events;

/** Who published an event. */
public enum EventSource {
    API, MIGRATION, REPLAY;
}
