package io.agentmatch.processor.persist;

import io.agentmatch.contract.events.EventEnvelope;
import io.agentmatch.contract.events.EventSerde;
import io.agentmatch.contract.events.InvalidEventException;
import io.agentmatch.contract.events.JsonCodec;
import io.agentmatch.contract.events.ProfileLedger;
import io.agentmatch.contract.events.ProfileState;
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
    private ProcessorContext<String, byte[]> context;
    private KeyValueStore<String, byte[]> ledger;
    private Outbox outbox;

    public ProfilePersister(ItemWriter writer, ProcessorMetrics metrics, PersistSettings settings) {
        this.writer = writer;
        this.metrics = metrics;
        this.settings = settings;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        this.ledger = context.getStateStore(LEDGER_STORE);
        this.outbox = new Outbox("profiles-" + context.taskId(), context.getStateStore(OUTBOX_STORE), writer,
                this::deadLetterWrite, metrics, settings.maxInFlight(),
                // The stream thread caches its clock; tests drive it; blocking waits need the real one.
                () -> Math.max(context.currentSystemTimeMs(), System.currentTimeMillis()));
        context.schedule(settings.flushInterval(), PunctuationType.WALL_CLOCK_TIME, now -> outbox.pump());
    }

    @Override
    public void process(Record<String, byte[]> record) {
        RecordMetadata origin = context.recordMetadata().orElseThrow();
        EventEnvelope event;
        try {
            event = EventSerde.parse(record.value());
        } catch (IOException e) {
            deadLetter(record, "unparseable event: " + e.getMessage());
            return;
        }
        if (record.key() == null || !record.key().equals(event.key())) {
            deadLetter(record, "record key " + record.key() + " does not match event key " + event.key());
            return;
        }
        ProfileState current = readState(event.key());
        ProfileLedger.Decision decision;
        try {
            decision = ProfileLedger.decide(current, event, origin.offset());
        } catch (InvalidEventException e) {
            deadLetter(record, e.getMessage());
            return;
        }
        if (decision instanceof ProfileLedger.Apply apply) {
            ledger.put(event.key(), JsonCodec.toBytes(apply.next()));
            if (apply.isDelete()) {
                outbox.add(PendingWrite.profileDelete(event.key(), origin.offset(), origin.topic(), origin.partition(), origin.offset()));
                context.forward(new Record<>(event.key(), ProfileChange.delete(event.key(), origin.offset()).toBytes(),
                        record.timestamp()), CHANGES_SINK);
            } else {
                outbox.add(PendingWrite.profilePut(apply.record(), origin.offset(),
                        apply.next().origin().name().toLowerCase(), origin.topic(), origin.partition(), origin.offset()));
                context.forward(new Record<>(event.key(), ProfileChange.upsert(apply.record(), origin.offset()).toBytes(),
                        record.timestamp()), CHANGES_SINK);
            }
            metrics.eventProcessed(origin.topic(), "applied");
        } else {
            LOG.debug("ignored {} for {}: {}", event.type(), event.key(), ((ProfileLedger.Ignore) decision).reason());
            metrics.eventProcessed(origin.topic(), "ignored");
        }
        if (outbox.size() >= Outbox.BATCH_SIZE) {
            outbox.pump();
        }
        if (outbox.size() > settings.maxOwedWrites()) {
            // Backpressure while DynamoDB is slow or down: bounded, so the transaction stays alive.
            outbox.drainTo(settings.maxOwedWrites(), Duration.ofSeconds(20));
        }
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

    private void deadLetter(Record<String, byte[]> record, String reason) {
        RecordMetadata origin = context.recordMetadata().orElseThrow();
        LOG.warn("dead-lettering {}-{}@{} (key {}): {}", origin.topic(), origin.partition(), origin.offset(),
                record.key(), reason);
        DeadLetters.send(context, record, reason);
        metrics.deadLettered(origin.topic());
    }

    private void deadLetterWrite(PendingWrite write, String reason) {
        context.forward(new Record<>(write.id(), write.toBytes(), System.currentTimeMillis(),
                DeadLetters.headers(reason, write.sourceTopic(), write.sourcePartition(), write.sourceOffset())),
                DeadLetters.SINK);
        metrics.deadLettered(write.sourceTopic());
    }

    @Override
    public void close() {
        if (outbox != null) {
            outbox.close(Duration.ofSeconds(5));
        }
    }
}
