package io.agentmatch.contract.events;

import io.agentmatch.contract.Limits;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Every topic of the platform and its settings, in one place. Names carry an optional prefix
 * ({@code TOPIC_PREFIX}) so that several pipelines (or test classes) can share one cluster.
 *
 * <p>The event topics are the source of truth that migration, replay and rollback read back, so
 * they keep everything forever ({@code retention.ms=-1}) and are not compacted: compaction keeps
 * only the last event per key, and the last event is not always the one that defines the state
 * (a re-run migration's event for a profile changed through the API is ignored by the fold).
 * The projection topic is state, not history, so it is compacted.
 */
public record Topics(String prefix) {
    /** Dead-letter record headers: why, and where the record came from. */
    public static final String HEADER_DLQ_REASON = "dlq.reason";
    public static final String HEADER_DLQ_TOPIC = "dlq.source.topic";
    public static final String HEADER_DLQ_PARTITION = "dlq.source.partition";
    public static final String HEADER_DLQ_OFFSET = "dlq.source.offset";
    /**
     * Headers of a record redriven from the dead-letter topic: where the dead letter first stood (its
     * original topic, partition and offset), so that it applies in its original place
     * ({@link EventPosition}); and the operator's action, {@code apply} or {@code discard}.
     */
    public static final String HEADER_REDRIVE_TOPIC = "redrive.source.topic";
    public static final String HEADER_REDRIVE_PARTITION = "redrive.source.partition";
    public static final String HEADER_REDRIVE_OFFSET = "redrive.source.offset";
    public static final String HEADER_REDRIVE_ACTION = "redrive.action";
    public static final String REDRIVE_DISCARD = "discard";

    public Topics {
        prefix = prefix == null ? "" : prefix;
    }

    /** Profile events, keyed by profile id. */
    public String profileEvents() {
        return prefix + "agent-profile-events";
    }

    /** Conversation events, keyed by conversation id. */
    public String conversationEvents() {
        return prefix + "agent-conversation-events";
    }

    /** Match projections, keyed by profile id, compacted; a null value removes the profile. */
    public String profileProjections() {
        return prefix + "agent-profile-projections";
    }

    /**
     * Profile changes as the processor applied them (keyed by id): what the projector embeds.
     * Derived from the events, so compacted.
     */
    public String profileChanges() {
        return prefix + "agent-profile-changes";
    }

    /** Events that can never be applied, with the reason and origin in headers. */
    public String deadLetters() {
        return prefix + "agent-dead-letters";
    }

    /**
     * The topics with their settings. Record sizes ({@code max.message.bytes}) come from {@link Limits}:
     * every topic takes {@value Limits#KAFKA_MAX_RECORD_BYTES} bytes, the dead-letter topic that plus
     * the dead-letter headers, so any record of any topic can be dead-lettered with its reason.
     */
    public List<NewTopic> all(int partitions, short replicationFactor) {
        String minIsr = String.valueOf(Math.max(1, replicationFactor - 1));
        String recordBytes = String.valueOf(Limits.KAFKA_MAX_RECORD_BYTES);
        Map<String, String> forever = Map.of(
                "cleanup.policy", "delete",
                "retention.ms", "-1",
                "retention.bytes", "-1",
                "min.insync.replicas", minIsr,
                "max.message.bytes", recordBytes);
        Map<String, String> compacted = Map.of(
                "cleanup.policy", "compact",
                "min.insync.replicas", minIsr,
                "max.message.bytes", recordBytes);
        Map<String, String> deadLetters = new java.util.HashMap<>(forever);
        deadLetters.put("max.message.bytes", String.valueOf(Limits.DEAD_LETTER_MAX_RECORD_BYTES));
        return List.of(
                new NewTopic(profileEvents(), partitions, replicationFactor).configs(forever),
                new NewTopic(conversationEvents(), partitions, replicationFactor).configs(forever),
                new NewTopic(profileProjections(), partitions, replicationFactor).configs(compacted),
                new NewTopic(profileChanges(), partitions, replicationFactor).configs(compacted),
                new NewTopic(deadLetters(), 1, replicationFactor).configs(deadLetters));
    }
}
