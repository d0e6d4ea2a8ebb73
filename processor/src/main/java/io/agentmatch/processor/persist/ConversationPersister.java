package io.agentmatch.processor.persist;

import io.agentmatch.contract.events.ConversationLedger;
import io.agentmatch.contract.events.EventEnvelope;
import io.agentmatch.contract.events.EventPosition;
import io.agentmatch.contract.events.EventReader;
import io.agentmatch.contract.events.InvalidEventException;
import io.agentmatch.contract.events.KeyHolds;
import io.agentmatch.contract.trace.Traced;
import io.agentmatch.contract.trace.Tracing;
import io.agentmatch.processor.health.ProcessorMetrics;
import io.agentmatch.processor.storage.ItemWriter;
import io.agentmatch.processor.storage.Outbox;
import io.agentmatch.processor.storage.PendingWrite;
import java.time.Duration;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends conversation messages: drops retried ones (same message id), gives each a sort key
 * strictly after the previous message of its conversation ({@link ConversationLedger}), and owes
 * DynamoDB the item through the {@link Outbox}. Events are read and held as the profile persister's
 * ({@link KeyHolds}): a conversation's messages stay in their order around a newer producer's event.
 */
public final class ConversationPersister implements Processor<String, byte[], String, byte[]>, KeyHolds.Handler {
    private static final Logger LOG = LoggerFactory.getLogger(ConversationPersister.class);
    public static final String LAST_TIMESTAMP_STORE = "conversation-last-timestamp";
    public static final String SEEN_STORE = "conversation-seen-messages";
    public static final String OUTBOX_STORE = "conversation-outbox";
    public static final String HELD_STORE = "conversation-held";
    /** A seen-store value that records the request fingerprint (else the value is the message's timestamp). */
    private static final String FINGERPRINT = "fingerprint:";

    private final ItemWriter writer;
    private final ProcessorMetrics metrics;
    private final PersistSettings settings;
    private final Tracing tracing;
    private ProcessorContext<String, byte[]> context;
    private KeyValueStore<String, String> lastTimestamps;
    private KeyValueStore<String, String> seen;
    private DeadLetters deadLetters;
    private StoredHolds holds;
    private Outbox outbox;

    public ConversationPersister(ItemWriter writer, ProcessorMetrics metrics, PersistSettings settings, Tracing tracing) {
        this.writer = writer;
        this.metrics = metrics;
        this.settings = settings;
        this.tracing = tracing;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        this.lastTimestamps = context.getStateStore(LAST_TIMESTAMP_STORE);
        this.seen = context.getStateStore(SEEN_STORE);
        this.deadLetters = new DeadLetters(context, metrics);
        this.holds = new StoredHolds(context.getStateStore(HELD_STORE));
        this.outbox = new Outbox("conversations-" + context.taskId(), context.getStateStore(OUTBOX_STORE), writer,
                deadLetters::sendWrite, metrics, settings.maxInFlight(),
                // The stream thread caches its clock; tests drive it; blocking waits need the real one.
                () -> Math.max(context.currentSystemTimeMs(), System.currentTimeMillis()));
        context.schedule(settings.flushInterval(), PunctuationType.WALL_CLOCK_TIME, now -> outbox.pump());
    }

    /** Under the event's span (a child of the context its record carries): its trace id in every line logged meanwhile. */
    @Override
    public void process(Record<String, byte[]> record) {
        RecordMetadata origin = context.recordMetadata().orElseThrow();
        Traced work = PersistTopology.persistSpan(tracing, record, origin);
        try (Traced.In in = work.enter()) {
            EventPosition position = deadLetters.position(record);
            if (!deadLetters.checkKey(record, position)) {
                return;
            }
            KeyHolds.accept(holds, record.key(), record.value(), position, this);
            outbox.afterEvent(settings.maxOwedWrites());
        } finally {
            work.end();
        }
    }

    @Override
    public KeyHolds.Outcome handle(String key, byte[] value, EventPosition position) {
        EventReader.Reading reading = deadLetters.read(key, value, position);
        if (reading instanceof EventReader.Unknown) {
            return KeyHolds.Outcome.UNKNOWN_VERSION;
        }
        if (!(reading instanceof EventReader.Read read)) {
            return KeyHolds.Outcome.DONE;
        }
        EventEnvelope event = read.event();
        String seenKey = key + "\u0000" + event.message().messageId();
        ConversationLedger.Decision decision;
        try {
            String seenValue = seen.get(seenKey);
            String seenFingerprint = seenValue != null && seenValue.startsWith(FINGERPRINT)
                    ? seenValue.substring(FINGERPRINT.length()) : null;
            decision = ConversationLedger.decide(lastTimestamps.get(key), seenValue != null, seenFingerprint, event);
        } catch (InvalidEventException e) {
            deadLetters.send(key, value, position, e.getMessage());
            return KeyHolds.Outcome.DONE;
        }
        if (decision instanceof ConversationLedger.Append append) {
            lastTimestamps.put(key, append.message().timestamp());
            seen.put(seenKey, event.requestFingerprint() != null ? FINGERPRINT + event.requestFingerprint()
                    : append.message().timestamp());
            outbox.add(PendingWrite.messagePut(append.message(), position.topic(), position.partition(), position.position()));
            LOG.debug("applied message {} to conversation {}", event.message().messageId(), key);
            metrics.eventProcessed(position.topic(), "applied");
        } else {
            LOG.debug("duplicate message {} in conversation {} ignored", event.message().messageId(), key);
            metrics.eventProcessed(position.topic(), "duplicate");
        }
        return KeyHolds.Outcome.DONE;
    }

    @Override
    public void waiting(String key, EventPosition position, long headOffset) {
        LOG.info("{}-{}@{} (conversation {}) waits behind the dead letter of offset {} (an unknown schema version;"
                + " redrive it after upgrading)", position.topic(), position.partition(), position.offset(), key, headOffset);
        metrics.eventProcessed(position.topic(), "held");
    }

    @Override
    public void close() {
        if (outbox != null) {
            outbox.close(Duration.ofSeconds(5));
        }
    }
}
