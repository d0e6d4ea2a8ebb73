package io.agentmatch.processor.persist;

import io.agentmatch.contract.events.ConversationLedger;
import io.agentmatch.contract.events.EventEnvelope;
import io.agentmatch.contract.events.EventSerde;
import io.agentmatch.contract.events.InvalidEventException;
import io.agentmatch.processor.health.ProcessorMetrics;
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
 * Appends conversation messages: drops retried ones (same message id), gives each a sort key
 * strictly after the previous message of its conversation ({@link ConversationLedger}), and owes
 * DynamoDB the item through the {@link Outbox}.
 */
public final class ConversationPersister implements Processor<String, byte[], String, byte[]> {
    private static final Logger LOG = LoggerFactory.getLogger(ConversationPersister.class);
    public static final String LAST_TIMESTAMP_STORE = "conversation-last-timestamp";
    public static final String SEEN_STORE = "conversation-seen-messages";
    public static final String OUTBOX_STORE = "conversation-outbox";

    private final ItemWriter writer;
    private final ProcessorMetrics metrics;
    private final PersistSettings settings;
    private ProcessorContext<String, byte[]> context;
    private KeyValueStore<String, String> lastTimestamps;
    private KeyValueStore<String, String> seen;
    private Outbox outbox;

    public ConversationPersister(ItemWriter writer, ProcessorMetrics metrics, PersistSettings settings) {
        this.writer = writer;
        this.metrics = metrics;
        this.settings = settings;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        this.lastTimestamps = context.getStateStore(LAST_TIMESTAMP_STORE);
        this.seen = context.getStateStore(SEEN_STORE);
        this.outbox = new Outbox("conversations-" + context.taskId(), context.getStateStore(OUTBOX_STORE), writer,
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
        String seenKey = event.key() + "\u0000" + event.message().messageId();
        ConversationLedger.Decision decision;
        try {
            decision = ConversationLedger.decide(lastTimestamps.get(event.key()), seen.get(seenKey) != null, event);
        } catch (InvalidEventException e) {
            deadLetter(record, e.getMessage());
            return;
        }
        if (decision instanceof ConversationLedger.Append append) {
            lastTimestamps.put(event.key(), append.message().timestamp());
            seen.put(seenKey, append.message().timestamp());
            outbox.add(PendingWrite.messagePut(append.message(), origin.topic(), origin.partition(), origin.offset()));
            metrics.eventProcessed(origin.topic(), "applied");
        } else {
            LOG.debug("duplicate message {} in conversation {} ignored", event.message().messageId(), event.key());
            metrics.eventProcessed(origin.topic(), "duplicate");
        }
        if (outbox.size() >= Outbox.BATCH_SIZE) {
            outbox.pump();
        }
        if (outbox.size() > settings.maxOwedWrites()) {
            outbox.drainTo(settings.maxOwedWrites(), Duration.ofSeconds(20));
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
