package io.agentmatch.processor.persist;

import io.agentmatch.contract.events.EventEnvelope;
import io.agentmatch.contract.events.InvalidEventException;
import io.agentmatch.contract.events.JsonCodec;
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
import java.util.Optional;
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
 * projector; events that can never apply go to the dead-letter topic.
 */
public final class ProfilePersister implements Processor<String, byte[], String, byte[]> {
    private static final Logger LOG = LoggerFactory.getLogger(ProfilePersister.class);
    public static final String LEDGER_STORE = "profile-ledger";
    public static final String OUTBOX_STORE = "profile-outbox";
    public static final String CHANGES_SINK = "profile-changes-sink";

    private final ItemWriter writer;
    private final ProcessorMetrics metrics;
    private final PersistSettings settings;
    private final Tracing tracing;
    private ProcessorContext<String, byte[]> context;
    private KeyValueStore<String, byte[]> ledger;
    private DeadLetters deadLetters;
    private Outbox outbox;

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
        Traced work = PersistTopology.persistSpan(tracing, record, origin);
        try (Traced.In in = work.enter()) {
            process(record, origin, work);
        } finally {
            work.end();
        }
    }

    private void process(Record<String, byte[]> record, RecordMetadata origin, Traced work) {
        Optional<EventEnvelope> parsed = deadLetters.parse(record);
        if (parsed.isEmpty()) {
            return;
        }
        work.attribute("agentmatch.event.type", parsed.get().type().name());
        EventEnvelope event = parsed.get();
        ProfileState current = readState(event.key());
        ProfileLedger.Decision decision;
        try {
            decision = ProfileLedger.decide(current, event, origin.offset());
        } catch (InvalidEventException e) {
            deadLetters.send(record, e.getMessage());
            return;
        }
        if (decision instanceof ProfileLedger.Apply apply) {
            ledger.put(event.key(), JsonCodec.toBytes(apply.next()));
            if (apply.isDelete()) {
                outbox.add(PendingWrite.profileDelete(event.key(), origin.offset(), origin.topic(), origin.partition(), origin.offset()));
                context.forward(new Record<>(event.key(), ProfileChange.delete(event.key(), origin.offset()).toBytes(),
                        record.timestamp(), work.recordHeaders()), CHANGES_SINK);
            } else {
                outbox.add(PendingWrite.profilePut(apply.record(), origin.offset(),
                        apply.next().origin().name().toLowerCase(), apply.next().requestFingerprint(),
                        origin.topic(), origin.partition(), origin.offset()));
                context.forward(new Record<>(event.key(), ProfileChange.upsert(apply.record(), origin.offset()).toBytes(),
                        record.timestamp(), work.recordHeaders()), CHANGES_SINK);
            }
            LOG.debug("applied {} for {} (version {})", event.type(), event.key(), origin.offset());
            metrics.eventProcessed(origin.topic(), "applied");
        } else {
            LOG.debug("ignored {} for {}: {}", event.type(), event.key(), ((ProfileLedger.Ignore) decision).reason());
            metrics.eventProcessed(origin.topic(), "ignored");
        }
        outbox.afterEvent(settings.maxOwedWrites());
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
