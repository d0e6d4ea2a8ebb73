package io.agentmatch.contract.events;

import io.agentmatch.contract.kafka.TopicReplay;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * The conversation topic folded offline exactly as the processor folds it ({@link EventReader},
 * {@link KeyHolds}, {@link ConversationLedger}): what the export and the chaos checks replay
 * ({@link #replay}), each mapping the {@link Folded} state to its own output.
 *
 * <p>Memory: every message appended, i.e. what the conversation table holds.
 */
public final class ConversationLogFold extends LogFold {

    /**
     * The conversation log folded: each conversation's messages in the order the fold appended them
     * (with their moved-forward timestamps), the retries dropped, the refused events (the first
     * {@link LogFold#KEPT_REFUSALS} listed, all counted), the keys held behind an unknown version.
     */
    public record Folded(long events, Map<String, List<ConversationMessage>> conversations, long duplicates, long refused,
                         List<RefusedEvent> refusals, Map<String, Long> held) {
    }

    /** Replays {@code partitions} (the conversation topic) below today's end offsets through a new fold. */
    public static Folded replay(TopicReplay replay, Collection<TopicPartition> partitions, TopicReplay.Progress progress)
            throws IOException {
        ConversationLogFold fold = new ConversationLogFold();
        long events = replay.replay(partitions, progress,
                record -> fold.accept(TopicReplay.key(record), record.value(), TopicReplay.position(record)));
        return fold.folded(events);
    }

    /** What became of each record. */
    public interface Listener {
        void appended(String conversationId, ConversationMessage message, EventPosition position);

        default void duplicate(String conversationId, String messageId) {
        }

        /** Refused, as the processor dead-letters it (an unknown version too, until it is redriven). */
        default void refused(String key, EventPosition position, String reason) {
        }
    }

    private final Map<String, String> lastTimestamps = new HashMap<>();
    /** conversation id NUL message id → the request fingerprint it came with ("" without one). */
    private final Map<String, String> seen = new HashMap<>();
    private final Map<String, List<ConversationMessage>> conversations = new HashMap<>();
    private long duplicates;
    private final Listener listener;

    /** A fold that only keeps the state ({@link #folded}). */
    public ConversationLogFold() {
        this((conversationId, message, position) -> { });
    }

    public ConversationLogFold(Listener listener) {
        this.listener = listener;
    }

    @Override
    protected void refused(String key, EventPosition position, String reason) {
        listener.refused(key, position, reason);
    }

    @Override
    protected void apply(String key, EventEnvelope event, EventPosition position) throws InvalidEventException {
        String seenKey = key + "\u0000" + event.message().messageId();
        String fingerprint = seen.get(seenKey);
        ConversationLedger.Decision decision = ConversationLedger.decide(lastTimestamps.get(key), fingerprint != null,
                fingerprint == null || fingerprint.isEmpty() ? null : fingerprint, event);
        if (decision instanceof ConversationLedger.Append append) {
            lastTimestamps.put(key, append.message().timestamp());
            seen.put(seenKey, event.requestFingerprint() == null ? "" : event.requestFingerprint());
            conversations.computeIfAbsent(key, k -> new ArrayList<>()).add(append.message());
            listener.appended(key, append.message(), position);
        } else {
            duplicates++;
            listener.duplicate(key, event.message().messageId());
        }
    }

    /** The state folded so far, {@code events} being how many records were read. */
    public Folded folded(long events) {
        return new Folded(events, Collections.unmodifiableMap(conversations), duplicates, refusedCount(),
                refusals(), Map.copyOf(held()));
    }
}
