package io.agentmatch.contract.events;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Every topic of the platform and its settings, in one place.
 *
 * <p>The event topics are the source of truth that migration, replay and rollback read back, so
 * they keep everything forever ({@code retention.ms=-1}) and are not compacted: compaction keeps
 * only the last event per key, and the last event is not always the one that defines the state
 * (a re-run migration's event for a profile changed through the API is ignored by the fold).
 * The projection topic is state, not history, so it is compacted.
 */
public final class Topics {
    public static final String PROFILE_EVENTS = "agent-profile-events";
    public static final String CONVERSATION_EVENTS = "agent-conversation-events";
    public static final String PROFILE_PROJECTIONS = "agent-profile-projections";
    public static final String DEAD_LETTERS = "agent-dead-letters";

    /** Dead-letter record headers: why, and where the record came from. */
    public static final String HEADER_DLQ_REASON = "dlq.reason";
    public static final String HEADER_DLQ_TOPIC = "dlq.source.topic";
    public static final String HEADER_DLQ_PARTITION = "dlq.source.partition";
    public static final String HEADER_DLQ_OFFSET = "dlq.source.offset";

    private Topics() {
    }

    public static List<NewTopic> all(int partitions, short replicationFactor) {
        String minIsr = String.valueOf(Math.max(1, replicationFactor - 1));
        Map<String, String> forever = Map.of(
                "cleanup.policy", "delete",
                "retention.ms", "-1",
                "retention.bytes", "-1",
                "min.insync.replicas", minIsr);
        Map<String, String> compacted = Map.of(
                "cleanup.policy", "compact",
                "min.insync.replicas", minIsr,
                "min.compaction.lag.ms", "60000");
        return List.of(
                new NewTopic(PROFILE_EVENTS, partitions, replicationFactor).configs(forever),
                new NewTopic(CONVERSATION_EVENTS, partitions, replicationFactor).configs(forever),
                new NewTopic(PROFILE_PROJECTIONS, partitions, replicationFactor).configs(compacted),
                new NewTopic(DEAD_LETTERS, 1, replicationFactor).configs(forever));
    }
}
