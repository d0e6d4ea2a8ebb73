package io.agentmatch.contract.events;

/** An event a fold refused, as the processor dead-letters it: where it stands, its key and why. */
public record RefusedEvent(EventPosition position, String key, String reason) {

    /** topic/partition@offset, for reports and logs. */
    public String where() {
        return position.topic() + "/" + position.partition() + "@" + position.offset();
    }
}
