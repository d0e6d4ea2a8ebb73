package io.agentmatch.api.fakes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmatch.api.events.EventSink;
import io.agentmatch.api.http.ApiError;
import io.agentmatch.api.storage.ConversationStore;
import io.agentmatch.api.storage.Cursors;
import io.agentmatch.api.storage.Page;
import io.agentmatch.api.storage.ProfileStore;
import io.agentmatch.api.storage.StoredProfile;
import io.agentmatch.contract.events.ConversationLedger;
import io.agentmatch.contract.events.ConversationMessage;
import io.agentmatch.contract.events.EventEnvelope;
import io.agentmatch.contract.events.EventReader;
import io.agentmatch.contract.events.InvalidEventException;
import io.agentmatch.contract.events.JsonCodec;
import io.agentmatch.contract.events.ProfileLedger;
import io.agentmatch.contract.events.ProfileRecord;
import io.agentmatch.contract.events.ProfileState;
import io.agentmatch.contract.storage.ConversationItems;
import io.agentmatch.contract.storage.ProfileItems;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Kafka, the processor and DynamoDB in memory, for the route tests: published events are appended
 * to a log and, unless {@link #holdProcessing} is on, folded at once with the real ledgers into
 * stores that page like DynamoDB (sorted keys, opaque cursors). Failures can be switched on.
 */
public final class FakePipeline implements EventSink, ProfileStore, ConversationStore {

    /** What the next publications do. */
    public enum Kafka { ACKS, DOWN_NOT_STORED, TIMEOUT_UNKNOWN }

    public record Published(String topic, EventEnvelope event, long offset) {
    }

    private final List<Published> log = new ArrayList<>();
    private final List<Published> unprocessed = new ArrayList<>();
    private final Map<String, ProfileState> ledger = new HashMap<>();
    private final TreeMap<String, StoredProfile> profiles = new TreeMap<>();
    private final TreeMap<String, ObjectNode> messages = new TreeMap<>();
    private final Map<String, String> lastTimestamps = new HashMap<>();
    private final Map<String, String> seenMessages = new HashMap<>();
    private final List<String> deadLetters = new ArrayList<>();
    private final List<String> schemaFailures = new ArrayList<>();
    private int read;
    private final AtomicInteger reads = new AtomicInteger();
    private final AtomicInteger pages = new AtomicInteger();
    /** DynamoDB stops a Query or Scan page at 1 MB of items, whatever the limit. */
    private static final int PAGE_BYTES = 1024 * 1024;
    private volatile Kafka kafka = Kafka.ACKS;
    private volatile boolean dynamoDown;
    private volatile boolean holdProcessing;
    /** Acknowledgements held back (Kafka slow): completed by {@link #releaseAcks()}. */
    private final List<Runnable> heldAcks = new ArrayList<>();
    private volatile boolean holdAcks;

    // ---- switches -------------------------------------------------------------------------------

    public void kafka(Kafka mode) {
        this.kafka = mode;
    }

    public void dynamoDown(boolean down) {
        this.dynamoDown = down;
    }

    /** While on, Kafka's acknowledgements of new publications wait until {@link #releaseAcks()}: writes stay in flight. */
    public void holdAcks(boolean hold) {
        this.holdAcks = hold;
    }

    /** Acknowledges every held publication now. */
    public void releaseAcks() {
        List<Runnable> acks;
        synchronized (heldAcks) {
            acks = new ArrayList<>(heldAcks);
            heldAcks.clear();
        }
        acks.forEach(Runnable::run);
    }

    /** How many acknowledgements are held. */
    public int heldAcks() {
        synchronized (heldAcks) {
            return heldAcks.size();
        }
    }

    /** While on, published events wait in the log until {@link #process()}: the processing delay. */
    public void holdProcessing(boolean hold) {
        this.holdProcessing = hold;
    }

    public synchronized List<Published> log() {
        return List.copyOf(log);
    }

    public synchronized List<String> deadLetters() {
        return List.copyOf(deadLetters);
    }

    public int reads() {
        return reads.get();
    }

    /** How many list pages the stores served. */
    public int pages() {
        return pages.get();
    }

    /** Stores a profile as if it had been created and processed (version = a fresh log offset). */
    public synchronized long seedProfile(ProfileRecord record) {
        long offset = log.size();
        log.add(new Published("seed", null, offset));
        ledger.put(record.id(), new ProfileState(record.timestamp(), record.contentHash(),
                io.agentmatch.contract.events.EventSource.API, false, offset));
        profiles.put(record.id(), new StoredProfile(record, offset, null));
        return offset;
    }

    public synchronized void seedMessage(ObjectNode legacyMessage) {
        messages.put(legacyMessage.get("conversation_id").asText() + "\u0000" + legacyMessage.get("timestamp").asText(),
                legacyMessage);
    }

    // ---- EventSink ------------------------------------------------------------------------------

    @Override
    public CompletableFuture<RecordMetadata> publish(String topic, EventEnvelope event) {
        switch (kafka) {
            case DOWN_NOT_STORED:
                return CompletableFuture.failedFuture(io.agentmatch.api.events.EventPublisher.notStored());
            case TIMEOUT_UNKNOWN:
                synchronized (this) {
                    append(topic, event);
                }
                // The record was appended, the acknowledgement never came.
                return CompletableFuture.failedFuture(io.agentmatch.api.events.EventPublisher.outcomeUnknown());
            default:
                long offset;
                synchronized (this) {
                    offset = append(topic, event);
                }
                RecordMetadata ack = new RecordMetadata(new TopicPartition(topic, 0), offset, 0, System.currentTimeMillis(), 0, 0);
                if (holdAcks) {
                    CompletableFuture<RecordMetadata> later = new CompletableFuture<>();
                    synchronized (heldAcks) {
                        heldAcks.add(() -> later.complete(ack));
                    }
                    return later;
                }
                return CompletableFuture.completedFuture(ack);
        }
    }

    private long append(String topic, EventEnvelope event) {
        long offset = log.size();
        Published published = new Published(topic, event, offset);
        log.add(published);
        unprocessed.add(published);
        if (!holdProcessing) {
            process();
        }
        return offset;
    }

    /**
     * Folds every waiting event, in log order, as the processor would: read from its bytes against the
     * published schemas first ({@link EventReader}), so an event the API writes that the contract does
     * not allow is caught ({@link #schemaFailures()}).
     */
    public synchronized void process() {
        for (Published published : unprocessed) {
            EventReader.Reading reading = EventReader.read(published.event().key(), JsonCodec.toBytes(published.event()));
            read++;
            if (!(reading instanceof EventReader.Read read)) {
                String reason = reading instanceof EventReader.Invalid invalid ? invalid.reason()
                        : ((EventReader.Unknown) reading).reason();
                schemaFailures.add(published.event().type() + ": " + reason);
                deadLetters.add(reason);
                continue;
            }
            try {
                if (published.event().type().isProfileEvent()) {
                    fold(published, read.event());
                } else {
                    foldMessage(published, read.event());
                }
            } catch (InvalidEventException e) {
                deadLetters.add(e.getMessage());
            }
        }
        unprocessed.clear();
    }

    /** Events the API published that the published schemas refuse (none, or the contract and the code disagree). */
    public synchronized List<String> schemaFailures() {
        return List.copyOf(schemaFailures);
    }

    /** How many published events were read against the schemas. */
    public synchronized int eventsRead() {
        return read;
    }

    private void fold(Published published, EventEnvelope event) throws InvalidEventException {
        ProfileLedger.Decision decision = ProfileLedger.decide(ledger.get(event.key()), event, published.offset());
        if (decision instanceof ProfileLedger.Apply apply) {
            ledger.put(event.key(), apply.next());
            if (apply.isDelete()) {
                profiles.remove(event.key());
            } else {
                profiles.put(event.key(), new StoredProfile(apply.record(), published.offset(),
                        apply.next().requestFingerprint()));
            }
        }
    }

    private void foldMessage(Published published, EventEnvelope event) throws InvalidEventException {
        String seenKey = event.key() + "\u0000" + event.message().messageId();
        ConversationLedger.Decision decision = ConversationLedger.decide(lastTimestamps.get(event.key()),
                seenMessages.containsKey(seenKey), seenMessages.get(seenKey), event);
        if (decision instanceof ConversationLedger.Append append) {
            ConversationMessage message = append.message();
            lastTimestamps.put(event.key(), message.timestamp());
            seenMessages.put(seenKey, event.requestFingerprint());
            messages.put(message.conversationId() + "\u0000" + message.timestamp(),
                    ConversationItems.toLegacyJson(ConversationItems.toItem(message)));
        }
    }

    // ---- ProfileStore ---------------------------------------------------------------------------

    private void read() {
        reads.incrementAndGet();
        if (dynamoDown) {
            throw ApiError.unavailable("DynamoDB is unavailable; retry later");
        }
    }

    @Override
    public synchronized Optional<StoredProfile> find(String id) {
        read();
        return Optional.ofNullable(profiles.get(id));
    }

    @Override
    public synchronized long countIds(String cursor, long max) {
        read();
        String after = after(cursor, ProfileItems.ID);
        return Math.min(max, after == null ? profiles.size() : profiles.tailMap(after, false).size());
    }

    @Override
    public synchronized Page<String> idPage(int max, String cursor) {
        read();
        pages.incrementAndGet();
        List<String> ids = new ArrayList<>();
        String after = after(cursor, ProfileItems.ID);
        for (String id : after == null ? profiles.keySet() : profiles.tailMap(after, false).keySet()) {
            if (ids.size() == max) {
                return new Page<>(ids, next(ProfileItems.ID, ids.get(ids.size() - 1)));
            }
            ids.add(id);
        }
        return new Page<>(ids, null);
    }

    @Override
    public synchronized Page<ProfileRecord> profilePage(ProfileFilter filter, int max, String cursor) {
        read();
        pages.incrementAndGet();
        List<ProfileRecord> page = new ArrayList<>();
        long bytes = 0;
        String after = after(cursor, ProfileItems.ID);
        for (StoredProfile stored : after == null ? profiles.values() : profiles.tailMap(after, false).values()) {
            ProfileRecord record = stored.record();
            if (filter.job() != null && !filter.job().equals(record.data().path("job").asText(null))
                    || filter.city() != null && !filter.city().equals(ProfileItems.cityOf(record.data()))) {
                continue;
            }
            if (page.size() == max || bytes >= PAGE_BYTES) {
                return new Page<>(page, next(ProfileItems.ID, page.get(page.size() - 1).id()));
            }
            page.add(record);
            bytes += JsonCodec.toBytes(record.toJson()).length;
        }
        return new Page<>(page, null);
    }

    // ---- ConversationStore ----------------------------------------------------------------------

    @Override
    public synchronized Page<ObjectNode> messagePage(MessageFilter filter, int max, String cursor) {
        read();
        pages.incrementAndGet();
        List<ObjectNode> matching = matching(filter);
        String after = after(cursor, "position");
        int from = after == null ? 0 : Integer.parseInt(after);
        List<ObjectNode> page = new ArrayList<>();
        long bytes = 0;
        int to = from;
        while (to < matching.size() && page.size() < max && bytes < PAGE_BYTES) {
            page.add(matching.get(to));
            bytes += JsonCodec.toBytes(matching.get(to)).length;
            to++;
        }
        return new Page<>(page, to < matching.size() ? next("position", Integer.toString(to)) : null);
    }

    @Override
    public synchronized long count(MessageFilter filter, String cursor, long max) {
        read();
        String after = after(cursor, "position");
        return Math.min(max, matching(filter).size() - (after == null ? 0 : Integer.parseInt(after)));
    }

    private List<ObjectNode> matching(MessageFilter filter) {
        String field = filter.byAgent() ? "agent_id" : "conversation_id";
        return messages.values().stream()
                .filter(m -> filter.value().equals(m.get(field).asText()))
                .sorted((a, b) -> a.get("timestamp").asText().compareTo(b.get("timestamp").asText()))
                .toList();
    }

    private static String after(String cursor, String attribute) {
        Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> key = Cursors.decode(cursor);
        if (key == null) {
            return null;
        }
        if (!key.containsKey(attribute)) {
            throw ApiError.badRequest("cursor: not a cursor this API issued");
        }
        return key.get(attribute).s();
    }

    private static String next(String attribute, String value) {
        return Cursors.encode(Map.of(attribute, software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(value)));
    }

    static String json(Object value) {
        return new String(JsonCodec.toBytes(value), java.nio.charset.StandardCharsets.UTF_8);
    }
}
