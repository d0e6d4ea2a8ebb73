package io.agentmatch.contract.events;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Keeps each key's events in their original order around an event this reader cannot read yet.
 *
 * <p>Invariant: the events of a key are applied in log order, even when one of them is of a newer
 * producer's schema version. Such an event (the <i>head</i>) is dead-lettered and the key is held:
 * every later event of the key waits in the store, in order, instead of being applied before it.
 * When the head comes back (redriven after an upgrade, {@link EventPosition#isRedriveOf}), it applies
 * at its original position and the waiting events follow it, in order; should one of them be unknown
 * too, it becomes the new head. An operator can also discard a head ({@code dead-letters discard}):
 * the waiting events then follow without it. Every other record is applied as it comes.
 *
 * <p>One rule for the processor (a changelogged state store) and the offline folds (export, verify,
 * the chaos checks: {@link InMemory}), so that they agree on which events applied. A pure driver: the
 * {@link Store} holds the state, the {@link Handler} reads and folds.
 */
public final class KeyHolds {

    /** A waiting event: its bytes and its position. */
    public record Waiting(EventPosition position, byte[] value) {
    }

    /** Where the holds live. Keys are record keys. */
    public interface Store {
        /** The original offset of the key's dead-lettered head, or null when the key is not held. */
        Long head(String key);

        void hold(String key, long headOffset);

        void release(String key);

        void wait(String key, Waiting waiting);

        /** The key's waiting events in arrival order, each removed from the store as it is taken. */
        List<Waiting> takeWaiting(String key);
    }

    /** What the handler made of an event. */
    public enum Outcome {
        /** Applied, ignored or dead-lettered for good: the next event may follow. */
        DONE,
        /** Dead-lettered as of an unknown schema version: the key's later events must wait for it. */
        UNKNOWN_VERSION
    }

    /** Reads and folds one event (and dead-letters it when it must). */
    public interface Handler {
        Outcome handle(String key, byte[] value, EventPosition position);

        /** An event that waits behind the key's head instead of being applied now. */
        default void waiting(String key, EventPosition position, long headOffset) {
        }

        /** A record of the dead-letter tooling that asks for nothing this reader holds (a stale discard). */
        default void stray(String key, EventPosition position) {
        }
    }

    private KeyHolds() {
    }

    /** Applies the rule to one record of {@code key} (a well-formed id: the store's keys derive from it). */
    public static void accept(Store store, String key, byte[] value, EventPosition position, Handler handler) {
        Long head = store.head(key);
        if (head == null) {
            if (position.discard()) {
                handler.stray(key, position);
            } else if (handler.handle(key, value, position) == Outcome.UNKNOWN_VERSION) {
                store.hold(key, position.position());
            }
            return;
        }
        if (!position.isRedriveOf(head)) {
            if (position.discard()) {
                handler.stray(key, position);
                return;
            }
            store.wait(key, new Waiting(position, value));
            handler.waiting(key, position, head);
            return;
        }
        if (!position.discard() && handler.handle(key, value, position) == Outcome.UNKNOWN_VERSION) {
            return; // still unreadable (redriven before the upgrade): dead-lettered again, the key stays held
        }
        store.release(key);
        for (Waiting waiting : store.takeWaiting(key)) {
            if (store.head(key) != null) {
                store.wait(key, waiting);
            } else if (handler.handle(key, waiting.value(), waiting.position()) == Outcome.UNKNOWN_VERSION) {
                store.hold(key, waiting.position().position());
            }
        }
    }

    /** The holds of an offline fold, in memory (they are rare: only keys behind a newer producer's event). */
    public static final class InMemory implements Store {
        private final Map<String, Long> heads = new HashMap<>();
        private final Map<String, TreeMap<Long, Waiting>> waiting = new HashMap<>();

        @Override
        public Long head(String key) {
            return heads.get(key);
        }

        @Override
        public void hold(String key, long headOffset) {
            heads.put(key, headOffset);
        }

        @Override
        public void release(String key) {
            heads.remove(key);
        }

        @Override
        public void wait(String key, Waiting event) {
            waiting.computeIfAbsent(key, k -> new TreeMap<>()).put(event.position().offset(), event);
        }

        @Override
        public List<Waiting> takeWaiting(String key) {
            TreeMap<Long, Waiting> events = waiting.remove(key);
            return events == null ? List.of() : new ArrayList<>(events.values());
        }

        /** Keys still held, with their heads' offsets: what an export reports as not applied. */
        public Map<String, Long> held() {
            return Map.copyOf(heads);
        }

        /** How many events wait behind heads. */
        public int waitingCount() {
            return waiting.values().stream().mapToInt(Map::size).sum();
        }
    }
}
