package io.agentmatch.contract.events;

import io.agentmatch.contract.kafka.TopicReplay;
import java.io.IOException;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.common.TopicPartition;

/**
 * The profile topic folded offline exactly as the processor folds it: each record read by
 * {@link EventReader} (schema, upcast, key), held behind a newer producer's event by {@link KeyHolds},
 * decided by {@link ProfileLedger} at its {@link EventPosition}. The export, verify and the chaos
 * checks replay the log through it ({@link #replay}), so they agree with the tables on which event won;
 * each maps the {@link Folded} state to its own output (files, a diff, invariants).
 *
 * <p>Memory: the state of every id seen and the current record of every live profile, i.e. what the
 * profile table holds; refusals beyond {@link #KEPT_REFUSALS} are only counted.
 */
public final class ProfileLogFold extends LogFold {
    /** A live profile: its current record and the fold's state of it (version, origin, fingerprint). */
    public record Profile(ProfileRecord record, ProfileState state) {
    }

    /**
     * The profile log folded: {@code live} the current profiles (deleted ones absent), {@code states} the
     * fold's state of every id seen (deleted ones too), the refused events (the first
     * {@link #KEPT_REFUSALS} listed, all counted), and the keys held behind an unknown schema version.
     */
    public record Folded(long events, Map<String, Profile> live, Map<String, ProfileState> states, long refused,
                         List<RefusedEvent> refusals, Map<String, Long> held) {
    }

    /**
     * Replays {@code partitions} (the profile topic) through a new fold: the whole log below today's end
     * offsets, or only the events whose key {@code keys} accepts (a key's fold depends on its own events only).
     */
    public static Folded replay(TopicReplay replay, Collection<TopicPartition> partitions, TopicReplay.Progress progress,
                                Predicate<String> keys) throws IOException {
        ProfileLogFold fold = new ProfileLogFold();
        long[] events = new long[1];
        replay.replay(partitions, progress, record -> {
            String key = TopicReplay.key(record);
            events[0]++;
            if (keys.test(key)) {
                fold.accept(key, record.value(), TopicReplay.position(record));
            }
        });
        return fold.folded(events[0]);
    }

    /** What became of each record. */
    public interface Listener {
        void applied(String id, ProfileLedger.Apply apply, EventPosition position);

        /** Refused, as the processor dead-letters it (an unknown version too, until it is redriven). */
        default void refused(String key, EventPosition position, String reason) {
        }
    }

    private final Map<String, ProfileState> states = new HashMap<>();
    private final Map<String, Profile> live = new HashMap<>();
    private final Listener listener;

    /** A fold that only keeps the state ({@link #folded}). */
    public ProfileLogFold() {
        this((id, apply, position) -> { });
    }

    public ProfileLogFold(Listener listener) {
        this.listener = listener;
    }

    @Override
    protected void refused(String key, EventPosition position, String reason) {
        listener.refused(key, position, reason);
    }

    @Override
    protected void apply(String key, EventEnvelope event, EventPosition position) throws InvalidEventException {
        if (ProfileLedger.decide(states.get(key), event, position.position()) instanceof ProfileLedger.Apply apply) {
            states.put(key, apply.next());
            if (apply.isDelete()) {
                live.remove(key);
            } else {
                live.put(key, new Profile(apply.record(), apply.next()));
            }
            listener.applied(key, apply, position);
        }
    }

    /** The fold's state of every id seen (deleted ones too). */
    public Map<String, ProfileState> states() {
        return states;
    }

    /** The state folded so far, {@code events} being how many records were read. */
    public Folded folded(long events) {
        return new Folded(events, Collections.unmodifiableMap(live), Collections.unmodifiableMap(states), refusedCount(),
                refusals(), Map.copyOf(held()));
    }
}
