package io.agentmatch.contract.events;

import io.agentmatch.contract.validation.ProfileIds;
import java.util.HashMap;
import java.util.Map;

/**
 * The conversation topic folded offline exactly as the processor folds it ({@link EventReader},
 * {@link KeyHolds}, {@link ConversationLedger}): what the export and the chaos checks replay.
 */
public final class ConversationLogFold {

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
    private final KeyHolds.InMemory holds = new KeyHolds.InMemory();
    private final Listener listener;
    private final KeyHolds.Handler handler;

    public ConversationLogFold(Listener listener) {
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
        String seenKey = key + "\u0000" + event.message().messageId();
        String fingerprint = seen.get(seenKey);
        try {
            ConversationLedger.Decision decision = ConversationLedger.decide(lastTimestamps.get(key), fingerprint != null,
                    fingerprint == null || fingerprint.isEmpty() ? null : fingerprint, event);
            if (decision instanceof ConversationLedger.Append append) {
                lastTimestamps.put(key, append.message().timestamp());
                seen.put(seenKey, event.requestFingerprint() == null ? "" : event.requestFingerprint());
                listener.appended(key, append.message(), position);
            } else {
                listener.duplicate(key, event.message().messageId());
            }
        } catch (InvalidEventException e) {
            listener.refused(key, position, e.getMessage());
        }
        return KeyHolds.Outcome.DONE;
    }

    /** Keys waiting behind an event of an unknown version, with its offset. */
    public Map<String, Long> held() {
        return holds.held();
    }
}
