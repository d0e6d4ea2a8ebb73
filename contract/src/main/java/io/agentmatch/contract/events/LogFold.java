package io.agentmatch.contract.events;

import io.agentmatch.contract.validation.ProfileIds;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * What the offline folds of the two event topics share, so that they refuse and hold records as
 * the processor does: a record key that is not a well-formed id is refused; every other record goes
 * through {@link KeyHolds} (held behind its key's event of an unknown schema version) before the
 * subclass folds it. Refusals are all counted; the first {@link #KEPT_REFUSALS} are listed.
 */
public abstract sealed class LogFold permits ProfileLogFold, ConversationLogFold {
    /** How many refused events a folded state lists (all are counted). */
    public static final int KEPT_REFUSALS = 10_000;

    private final List<RefusedEvent> refusals = new ArrayList<>();
    private long refused;
    private final KeyHolds.InMemory holds = new KeyHolds.InMemory();
    private final KeyHolds.Handler handler = this::fold;

    /** Applies one event that {@link EventReader} read, as the processor's ledger decides. */
    protected abstract void apply(String key, EventEnvelope event, EventPosition position) throws InvalidEventException;

    public final void accept(String recordKey, byte[] value, EventPosition position) {
        if (!ProfileIds.isWellFormed(recordKey)) {
            refuse(recordKey, position, "record key " + recordKey + " is not a well-formed id");
            return;
        }
        KeyHolds.accept(holds, recordKey, value, position, handler);
    }

    /** Keys held behind an event of an unknown schema version, with the offset they are held at. */
    public final Map<String, Long> held() {
        return holds.held();
    }

    /** One record that no hold keeps back: read (schema, upcast), then applied, or refused as the processor refuses it. */
    private KeyHolds.Outcome fold(String key, byte[] value, EventPosition position) {
        EventReader.Reading reading = EventReader.read(key, value);
        if (reading instanceof EventReader.Invalid invalid) {
            refuse(key, position, invalid.reason());
            return KeyHolds.Outcome.DONE;
        }
        if (reading instanceof EventReader.Unknown unknown) {
            refuse(key, position, unknown.reason());
            return KeyHolds.Outcome.UNKNOWN_VERSION;
        }
        try {
            apply(key, ((EventReader.Read) reading).event(), position);
        } catch (InvalidEventException e) {
            refuse(key, position, e.getMessage());
        }
        return KeyHolds.Outcome.DONE;
    }

    /** Told of each refusal, as the processor dead-letters it. */
    protected abstract void refused(String key, EventPosition position, String reason);

    protected final void refuse(String key, EventPosition position, String reason) {
        refused++;
        if (refusals.size() < KEPT_REFUSALS) {
            refusals.add(new RefusedEvent(position, key, reason));
        }
        refused(key, position, reason);
    }

    protected final long refusedCount() {
        return refused;
    }

    protected final List<RefusedEvent> refusals() {
        return Collections.unmodifiableList(refusals);
    }
}
