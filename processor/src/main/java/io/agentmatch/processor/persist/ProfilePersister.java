package io.agentmatch.processor.persist;

import io.agentmatch.contract.events.EventEnvelope;
import io.agentmatch.contract.events.EventPosition;
import io.agentmatch.contract.events.EventReader;
import io.agentmatch.contract.events.InvalidEventException;
import io.agentmatch.contract.events.JsonCodec;
import io.agentmatch.contract.events.KeyHolds;
import io.agentmatch.contract.events.ProfileLedger;
import io.agentmatch.contract.events.ProfileState;
import io.agentmatch.contract.trace.Traced;
import io.agentmatch.contract.trace.Tracing;
import io.agentmatch.processor.health.ProcessorMetrics;
import io.agentmatch.processor.project.ProfileChange;
import io.agentmatch.processor.storage.ItemWriter;
import io.agentmatch.processor.storage.Outbox;
import io.agentmatch.processor.storage.PendingWrite;
import java.io.IOException;
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
 * Folds profile events into the ledger store (one pure decision per event, {@link ProfileLedger})
 * and owes DynamoDB the resulting item through the {@link Outbox}. Applied changes go on to the
 * projector; events that can never apply go to the dead-letter topic. Each event is read once
 * against its schema ({@link io.agentmatch.contract.events.EventReader}); an event of a newer
 * producer's schema version holds its key, and the key's later events wait behind it
 * ({@link KeyHolds}) until it is redriven.
 */
public final class ProfilePersister implements Processor<String, byte[], String, byte[]>, KeyHolds.Handler {
    private static final Logger LOG = LoggerFactory.getLogger(ProfilePersister.class);
    public static final String LEDGER_STORE = "profile-ledger";
    public static final String OUTBOX_STORE = "profile-outbox";
    public static final String HELD_STORE = "profile-held";
    public static final String CHANGES_SINK = "profile-changes-sink";

    private final ItemWriter writer;
    private final ProcessorMetrics metrics;
    private final PersistSettings settings;
    private final Tracing tracing;
    private ProcessorContext<String, byte[]> context;
    private KeyValueStore<String, byte[]> ledger;
    private StoredHolds holds;
    private DeadLetters deadLetters;
    private Outbox outbox;
    private long timestamp;
    /** The span of the record being processed: events released by it (a redrive) are handled under it too. */
    private Traced work;

    public ProfilePersister(ItemWriter writer, ProcessorMetrics metrics, PersistSettings settings, Tracing tracing) {
        this.writer = writer;
        this.metrics = metrics;
        this.settings = settings;
        this.tracing = tracing;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        this.ledger = context.getStateStore(LEDGER_STORE);
        this.holds = new StoredHolds(context.getStateStore(HELD_STORE));
        this.deadLetters = new DeadLetters(context, metrics);
        this.outbox = new Outbox("profiles-" + context.taskId(), context.getStateStore(OUTBOX_STORE), writer,
                deadLetters::sendWrite, metrics, settings.maxInFlight(),
                // The stream thread caches its clock; tests drive it; blocking waits need the real one.
                () -> Math.max(context.currentSystemTimeMs(), System.currentTimeMillis()));
        context.schedule(settings.flushInterval(), PunctuationType.WALL_CLOCK_TIME, now -> outbox.pump());
    }

    /** Under the event's span (a child of the context its record carries): its trace id in every line logged meanwhile. */
    @Override
    public void process(Record<String, byte[]> record) {
        RecordMetadata origin = context.recordMetadata().orElseThrow();
        work = PersistTopology.persistSpan(tracing, record, origin);
        try (Traced.In in = work.enter()) {
            EventPosition position = deadLetters.position(record);
            if (!deadLetters.checkKey(record, position)) {
                return;
            }
            timestamp = record.timestamp();
            KeyHolds.accept(holds, record.key(), record.value(), position, this);
            outbox.afterEvent(settings.maxOwedWrites());
        } finally {
            work.end();
        }
    }

    /** One event at its position: read, fold, owe the write and forward the change. */
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
        work.attribute("agentmatch.event.type", event.type().name());
        long version = position.position();
        ProfileLedger.Decision decision;
        try {
            decision = ProfileLedger.decide(readState(key), event, version);
        } catch (InvalidEventException e) {
            deadLetters.send(key, value, position, e.getMessage());
            return KeyHolds.Outcome.DONE;
        }
        if (decision instanceof ProfileLedger.Apply apply) {
            ledger.put(key, JsonCodec.toBytes(apply.next()));
            if (apply.isDelete()) {
                outbox.add(PendingWrite.profileDelete(key, version, position.topic(), position.partition(), version));
                context.forward(new Record<>(key, ProfileChange.delete(key, version).toBytes(), timestamp, work.recordHeaders()),
                        CHANGES_SINK);
            } else {
                outbox.add(PendingWrite.profilePut(apply.record(), version,
                        apply.next().origin().name().toLowerCase(), apply.next().requestFingerprint(),
                        position.topic(), position.partition(), version));
                context.forward(new Record<>(key, ProfileChange.upsert(apply.record(), version).toBytes(), timestamp,
                        work.recordHeaders()), CHANGES_SINK);
            }
            LOG.debug("applied {} for {} (version {})", event.type(), key, version);
            metrics.eventProcessed(position.topic(), "applied");
        } else {
            LOG.debug("ignored {} for {}: {}", event.type(), key, ((ProfileLedger.Ignore) decision).reason());
            metrics.eventProcessed(position.topic(), "ignored");
        }
        return KeyHolds.Outcome.DONE;
    }

    @Override
    public void waiting(String key, EventPosition position, long headOffset) {
        LOG.info("{}-{}@{} (key {}) waits behind the dead letter of offset {} (an unknown schema version; redrive it"
                + " after upgrading)", position.topic(), position.partition(), position.offset(), key, headOffset);
        metrics.eventProcessed(position.topic(), "held");
    }

    @Override
    public void stray(String key, EventPosition position) {
        LOG.warn("{}-{}@{} (key {}): a discard for a dead letter this key does not wait for; ignored",
                position.topic(), position.partition(), position.offset(), key);
        metrics.eventProcessed(position.topic(), "ignored");
    }

    private ProfileState readState(String id) {
        byte[] bytes = ledger.get(id);
        if (bytes == null) {
            return null;
        }
        try {
            return JsonCodec.MAPPER.readValue(bytes, ProfileState.class);
        } catch (IOException e) {
            throw new IllegalStateException("corrupt ledger entry for " + id, e);
        }
    }

    @Override
    public void close() {
        if (outbox != null) {
            outbox.close(Duration.ofSeconds(5));
        }
    }
}
