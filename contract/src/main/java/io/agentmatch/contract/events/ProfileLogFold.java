package io.agentmatch.contract.events;

import io.agentmatch.contract.validation.ProfileIds;
import java.util.HashMap;
import java.util.Map;

/**
 * The profile topic folded offline exactly as the processor folds it: each record read by
 * {@link EventReader} (schema, upcast, key), held behind a newer producer's event by {@link KeyHolds},
 * decided by {@link ProfileLedger} at its {@link EventPosition}. The export, verify and the chaos
 * checks replay the log through it, so they agree with the tables on which event won.
 */
public final class ProfileLogFold {

    /** What became of each record. */
    public interface Listener {
        void applied(String id, ProfileLedger.Apply apply, EventPosition position);

        /** Refused, as the processor dead-letters it (an unknown version too, until it is redriven). */
        default void refused(String key, EventPosition position, String reason) {
        }
    }

    private final Map<String, ProfileState> states = new HashMap<>();
    private final KeyHolds.InMemory holds = new KeyHolds.InMemory();
    private final Listener listener;
    private final KeyHolds.Handler handler;

    public ProfileLogFold(Listener listener) {
        this.listener = listener;
        this.handler = new KeyHolds.Handler() {
            @Override
            public KeyHolds.Outcome handle(String key, byte[] value, EventPosition position) {
                return fold(key, value, position);
            }
        };
    }

    public void accept(String recordKey, byte[] value, EventPosition position) {
        if (!ProfileIds.isWellFormed(recordKey)) {
            listener.refused(recordKey, position, "record key " + recordKey + " is not a well-formed id");
            return;
        }
        KeyHolds.accept(holds, recordKey, value, position, handler);
    }

    private KeyHolds.Outcome fold(String key, byte[] value, EventPosition position) {
        EventReader.Reading reading = EventReader.read(key, value);
        if (reading instanceof EventReader.Invalid invalid) {
            listener.refused(key, position, invalid.reason());
            return KeyHolds.Outcome.DONE;
        }
        if (reading instanceof EventReader.Unknown unknown) {
            listener.refused(key, position, unknown.reason());
            return KeyHolds.Outcome.UNKNOWN_VERSION;
        }
        EventEnvelope event = ((EventReader.Read) reading).event();
        try {
            if (ProfileLedger.decide(states.get(key), event, position.position()) instanceof ProfileLedger.Apply apply) {
                states.put(key, apply.next());
                listener.applied(key, apply, position);
            }
        } catch (InvalidEventException e) {
            listener.refused(key, position, e.getMessage());
        }
        return KeyHolds.Outcome.DONE;
    }

    /** The fold's state of every id seen (deleted ones too). */
    public Map<String, ProfileState> states() {
        return states;
    }

    /** Keys waiting behind an event of an unknown version, with its offset. */
    public Map<String, Long> held() {
        return holds.held();
    }
}
