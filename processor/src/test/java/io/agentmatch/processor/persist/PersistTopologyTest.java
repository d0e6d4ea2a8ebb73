package io.agentmatch.processor.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmatch.contract.Limits;
import io.agentmatch.contract.events.ConversationMessage;
import io.agentmatch.contract.events.EventEnvelope;
import io.agentmatch.contract.events.EventSource;
import io.agentmatch.contract.events.EventType;
import io.agentmatch.contract.events.JsonCodec;
import io.agentmatch.contract.events.ProfileRecord;
import io.agentmatch.contract.events.Topics;
import io.agentmatch.contract.storage.ProfileItems;
import io.agentmatch.contract.trace.Tracing;
import io.agentmatch.processor.health.ProcessorMetrics;
import io.agentmatch.processor.storage.PendingWrite;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import io.agentmatch.contract.kafka.KafkaClients;
import io.agentmatch.contract.kafka.KafkaConnection;
import io.agentmatch.processor.ProcessorApp;
import java.util.Set;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class PersistTopologyTest {
    private final Topics topics = new Topics("");
    private static final int MAX_IN_FLIGHT = 4;
    private final InMemoryItemWriter table = new InMemoryItemWriter();
    private final ProcessorMetrics metrics = new ProcessorMetrics();
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> profiles;
    private TestInputTopic<String, byte[]> conversations;
    private TestOutputTopic<String, byte[]> deadLetters;
    private TestOutputTopic<String, byte[]> changes;
    private Path stateDir;

    @BeforeEach
    void start() throws Exception {
        stateDir = Files.createTempDirectory("persist-test");
        driver = newDriver();
    }

    private TopologyTestDriver newDriver() {
        // The production properties, so the driver runs the topology as the processor does.
        Properties props = ProcessorApp.streamsSpec(KafkaClients.of(KafkaConnection.plaintext("unused:9092"), "test"),
                "persister", "persist-test", stateDir, 1, 1).properties();
        var settings = new PersistSettings(MAX_IN_FLIGHT, Duration.ofMillis(20), 1000);
        var d = new TopologyTestDriver(PersistTopology.build(topics, table, metrics, settings, Tracing.idsOnly()), props);
        profiles = d.createInputTopic(topics.profileEvents(), new StringSerializer(), new ByteArraySerializer());
        conversations = d.createInputTopic(topics.conversationEvents(), new StringSerializer(), new ByteArraySerializer());
        deadLetters = d.createOutputTopic(topics.deadLetters(), new StringDeserializer(), new ByteArrayDeserializer());
        changes = d.createOutputTopic(topics.profileChanges(), new StringDeserializer(), new ByteArrayDeserializer());
        return d;
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private void flush() {
        // Two punctuations: one sends the owed writes, the next collects the acknowledgements.
        driver.advanceWallClockTime(Duration.ofMillis(50));
        driver.advanceWallClockTime(Duration.ofMillis(50));
    }

    private static ObjectNode data(String json) throws Exception {
        return (ObjectNode) JsonCodec.readTree(json);
    }

    private void send(EventType type, EventSource source, String id, String timestamp, ObjectNode data) {
        ProfileRecord record = new ProfileRecord(id, timestamp, data);
        EventEnvelope event = EventEnvelope.of(type, source, id, null, record.toJson());
        profiles.pipeInput(id, JsonCodec.toBytes(event));
    }

    private ProfileRecord stored(String id) {
        PendingWrite write = table.live(id);
        return write == null ? null : ProfileRecord.fromJson(write.payload());
    }

    private void sendDelete(String id) throws Exception {
        send(EventType.PROFILE_DELETED, EventSource.API, id, null, data("{}"));
    }

    /** A replay: the processor's state is gone (new state dir), the table stays, the log is read from offset 0. */
    private void restartWithEmptyState() throws Exception {
        driver.close();
        stateDir = Files.createTempDirectory("persist-test-replay");
        driver = newDriver();
    }

    @Test
    void createThenDuplicateCreateKeepsTheFirst() throws Exception {
        send(EventType.PROFILE_CREATED, EventSource.API, "p1", "2024-01-01T00:00:00.000001", data("{\"name\":\"A\"}"));
        send(EventType.PROFILE_CREATED, EventSource.API, "p1", "2024-01-01T00:00:09.000001", data("{\"name\":\"B\"}"));
        flush();
        assertEquals("A", stored("p1").data().get("name").asText());
        assertEquals("2024-01-01T00:00:00.000001", stored("p1").timestamp());
        assertEquals(1, changes.readRecordsToList().size(), "a duplicate produces no change");
    }

    @Test
    void aCreateReusingAnIdempotencyKeyWithAnotherBodyIsDeadLetteredWithTheReasonAndTheItemKeepsTheFingerprint() throws Exception {
        for (String[] create : new String[][] {{"A", "fp-a"}, {"A", "fp-a"}, {"B", "fp-b"}}) {
            EventEnvelope event = EventEnvelope.of(EventType.PROFILE_CREATED, EventSource.API, "k1", "key-1",
                    new ProfileRecord("k1", "2024-01-01T00:00:00.000001", data("{\"name\":\"" + create[0] + "\"}")).toJson())
                    .withRequestFingerprint(create[1]);
            profiles.pipeInput("k1", JsonCodec.toBytes(event));
        }
        flush();
        assertEquals("A", stored("k1").data().get("name").asText());
        assertEquals("fp-a", table.items.get("P:k1").item().get("request_fingerprint").s());
        List<TestRecord<String, byte[]>> dead = deadLetters.readRecordsToList();
        assertEquals(1, dead.size(), "the retry with the same body is a no-op; the other body is refused");
        String reason = new String(dead.get(0).headers().lastHeader(Topics.HEADER_DLQ_REASON).value(), StandardCharsets.UTF_8);
        assertTrue(reason.contains("idempotency conflict"), reason);
    }

    @Test
    void aMessageReusingAnIdempotencyKeyWithAnotherBodyIsDeadLetteredNotDropped() {
        for (String[] post : new String[][] {{"hello", "fp-a"}, {"hello", "fp-a"}, {"bye", "fp-b"}}) {
            ConversationMessage message = new ConversationMessage("c9", "derived-id", "agent", post[0], "user",
                    "2024-01-01T00:00:00.000001");
            EventEnvelope event = EventEnvelope.of(EventType.CONVERSATION_MESSAGE_POSTED, EventSource.API, "c9", "key-9",
                    message.toJson()).withRequestFingerprint(post[1]);
            conversations.pipeInput("c9", JsonCodec.toBytes(event));
        }
        flush();
        assertEquals(1, table.items.keySet().stream().filter(k -> k.startsWith("M:c9")).count());
        List<TestRecord<String, byte[]>> dead = deadLetters.readRecordsToList();
        assertEquals(1, dead.size(), "the retry with the same body is a no-op; the other body is refused");
        String reason = new String(dead.get(0).headers().lastHeader(Topics.HEADER_DLQ_REASON).value(), StandardCharsets.UTF_8);
        assertTrue(reason.contains("idempotency conflict"), reason);
    }

    @Test
    void reRunMigrationNeverOverwritesAnApiUpdateNorRestoresADelete() throws Exception {
        send(EventType.PROFILE_IMPORTED, EventSource.MIGRATION, "m1", "2024-03-01T09:00:00.000001", data("{\"job\":\"Plumber\"}"));
        send(EventType.PROFILE_IMPORTED, EventSource.MIGRATION, "m2", "2024-03-01T09:00:00.000001", data("{\"job\":\"Chef\"}"));
        send(EventType.PROFILE_UPDATED, EventSource.API, "m1", null, data("{\"job\":\"Electrician\"}"));
        send(EventType.PROFILE_DELETED, EventSource.API, "m2", null, data("{}"));
        // The stale events of a second migration run:
        send(EventType.PROFILE_IMPORTED, EventSource.MIGRATION, "m1", "2024-03-01T09:00:00.000001", data("{\"job\":\"Plumber\"}"));
        send(EventType.PROFILE_IMPORTED, EventSource.MIGRATION, "m2", "2024-03-01T09:00:00.000001", data("{\"job\":\"Chef\"}"));
        flush();
        assertEquals("Electrician", stored("m1").data().get("job").asText());
        assertEquals("2024-03-01T09:00:00.000001", stored("m1").timestamp(), "an update keeps the original timestamp");
        assertNull(stored("m2"), "a deleted profile stays deleted");
    }

    @Test
    void unchangedReImportWritesNothingChangedReImportApplies() throws Exception {
        send(EventType.PROFILE_IMPORTED, EventSource.MIGRATION, "m1", "2024-03-01T09:00:00.000001", data("{\"averagePrice\":40}"));
        flush();
        int callsAfterFirst = table.calls.size();
        send(EventType.PROFILE_IMPORTED, EventSource.MIGRATION, "m1", "2024-03-01T09:00:00.000001", data("{\"averagePrice\":40.0}"));
        flush();
        assertEquals(callsAfterFirst, table.calls.size(), "40 and 40.0 are the same content: no write");
        send(EventType.PROFILE_IMPORTED, EventSource.MIGRATION, "m1", "2024-03-01T09:00:00.000001", data("{\"averagePrice\":41}"));
        flush();
        assertEquals(41, stored("m1").data().get("averagePrice").intValue());
    }

    @Test
    void poisonEventsGoToTheDeadLetterTopicAndProcessingGoesOn() throws Exception {
        profiles.pipeInput("bad1", "{ not json".getBytes(StandardCharsets.UTF_8));
        ObjectNode wrongVersion = (ObjectNode) JsonCodec.MAPPER.valueToTree(EventEnvelope.of(EventType.PROFILE_CREATED,
                EventSource.API, "bad2", null, new ProfileRecord("bad2", "2024-01-01T00:00:00.000001", data("{}")).toJson()));
        wrongVersion.put("schemaVersion", 99);
        profiles.pipeInput("bad2", JsonCodec.toBytes(wrongVersion));
        send(EventType.PROFILE_CREATED, EventSource.API, "bad3", "2024-01-01T00:00:00.000001", data("{\"averagePrice\":\"cheap\"}"));
        send(EventType.PROFILE_CREATED, EventSource.API, "good", "2024-01-01T00:00:00.000001", data("{\"name\":\"ok\"}"));
        flush();
        List<TestRecord<String, byte[]>> letters = deadLetters.readRecordsToList();
        assertEquals(3, letters.size());
        assertTrue(header(letters.get(0), Topics.HEADER_DLQ_REASON).startsWith("unparseable event"));
        assertTrue(header(letters.get(1), Topics.HEADER_DLQ_REASON).contains("schema version 99"));
        assertTrue(header(letters.get(2), Topics.HEADER_DLQ_REASON).contains("averagePrice"));
        assertEquals(topics.profileEvents(), header(letters.get(0), Topics.HEADER_DLQ_TOPIC));
        assertEquals("0", header(letters.get(0), Topics.HEADER_DLQ_OFFSET));
        assertEquals("1", header(letters.get(1), Topics.HEADER_DLQ_OFFSET));
        assertEquals("ok", stored("good").data().get("name").asText());
    }

    @Test
    void anEventTooLargeForTheRecordsDerivedFromItIsDeadLetteredWithABoundedReasonAndProcessingGoesOn() throws Exception {
        // A record written by something other than the API, just under Kafka's limit: its outbox entry and
        // change would not fit, and a record too large to produce would abort every retried transaction.
        send(EventType.PROFILE_IMPORTED, EventSource.MIGRATION, "big", "2024-01-01T00:00:00.000001",
                data("{\"description\":\"" + "\\u0001".repeat(Limits.MAX_PROCESSABLE_EVENT_BYTES / 6) + "\"}"));
        // A reason that quotes a hostile key is cut, so the dead letter's headers stay bounded.
        String hostileKey = "k".repeat(5000);
        profiles.pipeInput(hostileKey, JsonCodec.toBytes(EventEnvelope.of(EventType.PROFILE_CREATED, EventSource.API, "other",
                null, new ProfileRecord("other", "2024-01-01T00:00:00.000001", data("{}")).toJson())));
        send(EventType.PROFILE_CREATED, EventSource.API, "after", "2024-01-01T00:00:00.000001", data("{\"name\":\"ok\"}"));
        flush();
        List<TestRecord<String, byte[]>> letters = deadLetters.readRecordsToList();
        assertEquals(2, letters.size());
        assertTrue(header(letters.get(0), Topics.HEADER_DLQ_REASON).startsWith("event too large"));
        assertNull(stored("big"));
        String reason = header(letters.get(1), Topics.HEADER_DLQ_REASON);
        assertTrue(reason.getBytes(StandardCharsets.UTF_8).length <= Limits.MAX_DEAD_LETTER_REASON_BYTES, reason);
        assertTrue(reason.contains("is not a well-formed id"), reason);
        assertEquals(Limits.MAX_DEAD_LETTER_REASON_BYTES, DeadLetters.truncate("x".repeat(5000)).length);
        assertEquals("ok", stored("after").data().get("name").asText());
    }

    @Test
    void aDeleteLeavesATombstoneWithItsVersionThatHidesTheProfile() throws Exception {
        send(EventType.PROFILE_CREATED, EventSource.API, "d1", "2024-01-01T00:00:00.000001", data("{\"job\":\"Chef\"}"));
        flush();
        sendDelete("d1");
        flush();
        assertNull(stored("d1"));
        PendingWrite tombstone = table.items.get("P:d1");
        assertEquals(PendingWrite.Kind.PROFILE_DELETE, tombstone.kind(), "the delete is a write the condition can see");
        assertEquals(1, tombstone.version(), "the tombstone carries the delete's offset");
        Map<String, AttributeValue> item = tombstone.item();
        assertTrue(ProfileItems.isTombstone(item));
        assertEquals(Set.of(ProfileItems.ID, ProfileItems.VERSION, ProfileItems.DELETED), item.keySet(),
                "no data and no GSI key attribute: in no index");
    }

    @Test
    void everyProfileWriteIsOneConditionalPutAndMessagesGoInBatches() throws Exception {
        send(EventType.PROFILE_CREATED, EventSource.API, "a", "2024-01-01T00:00:00.000001", data("{\"n\":1}"));
        send(EventType.PROFILE_IMPORTED, EventSource.MIGRATION, "b", "2024-01-01T00:00:00.000001", data("{\"n\":2}"));
        flush();
        send(EventType.PROFILE_UPDATED, EventSource.API, "a", null, data("{\"n\":3}"));
        sendDelete("b");
        for (int i = 0; i < 30; i++) {
            postMessage("c1", "m" + i, "2024-05-05T10:00:00.000001", "text " + i);
        }
        flush();
        List<InMemoryItemWriter.Call> profileCalls = table.calls.stream()
                .filter(c -> c.writes().stream().anyMatch(PendingWrite::isProfile)).toList();
        assertEquals(4, profileCalls.size(), "two creates, an update, a delete: " + profileCalls);
        assertTrue(profileCalls.stream().allMatch(c -> c.shape() == InMemoryItemWriter.Shape.ONE && c.writes().size() == 1),
                "a profile write never goes in a BatchWriteItem (it has no conditions): " + profileCalls);
        assertTrue(profileCalls.stream().allMatch(c -> c.writes().get(0).isVersioned()));
        List<InMemoryItemWriter.Call> messageCalls = table.calls.stream()
                .filter(c -> c.writes().stream().noneMatch(PendingWrite::isProfile)).toList();
        assertTrue(messageCalls.stream().allMatch(c -> c.shape() == InMemoryItemWriter.Shape.BATCH), "" + messageCalls);
        assertEquals(30, messageCalls.stream().mapToInt(c -> c.writes().size()).sum());
        assertTrue(messageCalls.size() <= 3, "messages go 25 to a call: " + messageCalls.size() + " calls");
    }

    @Test
    void aLateWriteOfAnOlderVersionIsSupersededCountedAndLeavesTheOutbox() throws Exception {
        // Another instance (this one's partitions moved, then came back) already stored a newer version.
        ProfileRecord newer = new ProfileRecord("z1", "2024-01-01T00:00:00.000001", data("{\"name\":\"newer\"}"));
        table.items.put("P:z1", PendingWrite.profilePut(newer, 7, "api", topics.profileEvents(), 0, 7));
        send(EventType.PROFILE_CREATED, EventSource.API, "z1", "2024-01-01T00:00:00.000001", data("{\"name\":\"older\"}"));
        flush();
        flush();
        assertEquals("newer", stored("z1").data().get("name").asText(), "version 0 never replaces version 7");
        assertEquals(1, table.superseded);
        assertEquals(1, table.calls.size(), "refused by the condition is done, not retried");
        assertTrue(metrics.scrape().contains("processor_dynamodb_writes_superseded_total{component=\"processor\"} 1.0"), metrics.scrape());
    }

    @Test
    void aReplayFromOffsetZeroNeverShowsAnOlderVersionNorRevivesADelete() throws Exception {
        send(EventType.PROFILE_CREATED, EventSource.API, "p", "2024-01-01T00:00:00.000001", data("{\"rev\":0}"));
        send(EventType.PROFILE_CREATED, EventSource.API, "d", "2024-01-01T00:00:00.000001", data("{\"rev\":0}"));
        send(EventType.PROFILE_UPDATED, EventSource.API, "p", null, data("{\"rev\":1}"));
        sendDelete("d");
        send(EventType.PROFILE_UPDATED, EventSource.API, "p", null, data("{\"rev\":2}"));
        flush();
        assertEquals(4, table.items.get("P:p").version());
        assertEquals(3, table.items.get("P:d").version());
        int before = table.history.size();

        restartWithEmptyState();
        List<String> events = List.of("create p", "create d", "update p", "delete d", "update p");
        for (int i = 0; i < events.size(); i++) {
            switch (i) {
                case 0 -> send(EventType.PROFILE_CREATED, EventSource.API, "p", "2024-01-01T00:00:00.000001", data("{\"rev\":0}"));
                case 1 -> send(EventType.PROFILE_CREATED, EventSource.API, "d", "2024-01-01T00:00:00.000001", data("{\"rev\":0}"));
                case 2 -> send(EventType.PROFILE_UPDATED, EventSource.API, "p", null, data("{\"rev\":1}"));
                case 3 -> sendDelete("d");
                default -> send(EventType.PROFILE_UPDATED, EventSource.API, "p", null, data("{\"rev\":2}"));
            }
            flush(); // one write at a time: nothing coalesces in the outbox, every replayed version is tried
            assertEquals(4, table.items.get("P:p").version(), "after replayed " + events.get(i));
            assertEquals(2, stored("p").data().get("rev").intValue(), "after replayed " + events.get(i));
            assertNull(stored("d"), "the deleted profile stays deleted after replayed " + events.get(i));
        }
        List<PendingWrite> replayed = table.history.subList(before, table.history.size());
        assertEquals(List.of(4L), replayed.stream().filter(w -> w.id().equals("p")).map(PendingWrite::version).toList(),
                "only the same version is rewritten (idempotent)");
        assertEquals(List.of(3L), replayed.stream().filter(w -> w.id().equals("d")).map(PendingWrite::version).toList());
        assertEquals(3, table.superseded, "create p, update p, create d were refused");
    }

    @Test
    void profileWritesInFlightPerTaskNeverExceedTheBoundAndAllArrive() throws Exception {
        table.gated = true;
        for (int i = 0; i < 40; i++) {
            send(EventType.PROFILE_CREATED, EventSource.API, "g" + i, "2024-01-01T00:00:00.000001", data("{\"n\":" + i + "}"));
        }
        flush();
        assertEquals(MAX_IN_FLIGHT, table.maxOpen, "the bound is reached and never exceeded");
        for (int round = 0; round < 40 && table.items.size() < 40; round++) {
            table.release();
            table.gated = true;
            flush();
        }
        table.release();
        flush();
        assertEquals(40, table.items.size());
        assertEquals(MAX_IN_FLIGHT, table.maxOpen);
    }

    @Test
    void messageKeysAlwaysHoldTheSameMessageSoUnconditionalRewritesCannotBeStale() throws Exception {
        // The sort key comes from the fold of the log before the message (ConversationLedger), and
        // messages are never deleted: any instance folding the log (a zombie, the new owner, a
        // replay) writes exactly the same item under a key, so a late unconditional write rewrites
        // identical content.
        String ts = "2024-05-05T10:00:00.123456";
        Runnable log = () -> {
            postMessage("c1", "m1", ts, "first");
            postMessage("c1", "m2", ts, "second");
            postMessage("c1", "m2", ts, "second"); // a retry
            postMessage("c2", "m1", ts, "other conversation");
            postMessage("c1", "m3", "2024-05-05T10:00:00.000001", "slow clock");
        };
        log.run();
        flush();
        restartWithEmptyState();
        log.run();
        flush();
        Map<String, Set<String>> contents = new java.util.HashMap<>();
        table.history.stream().filter(w -> w.kind() == PendingWrite.Kind.MESSAGE_PUT)
                .forEach(w -> contents.computeIfAbsent(w.outboxKey(), k -> new java.util.HashSet<>())
                        .add(JsonCodec.canonical(w.payload())));
        assertEquals(4, contents.size());
        contents.forEach((key, items) -> assertEquals(1, items.size(), key + " was written with " + items));
        assertEquals(8, table.history.stream().filter(w -> w.kind() == PendingWrite.Kind.MESSAGE_PUT).count(),
                "both passes wrote every message");
    }

    @Test
    void writesWaitWhileDynamoDbIsDownAndAllArriveAfterwards() throws Exception {
        table.unavailable = true;
        for (int i = 0; i < 60; i++) {
            send(EventType.PROFILE_CREATED, EventSource.API, "u" + i, "2024-01-01T00:00:00.000001", data("{\"n\":" + i + "}"));
        }
        flush();
        assertTrue(table.items.isEmpty());
        table.unavailable = false;
        for (int i = 0; i < 20 && table.items.size() < 60; i++) {
            driver.advanceWallClockTime(Duration.ofSeconds(6));
        }
        assertEquals(60, table.items.size(), "nothing lost while DynamoDB was down");
    }

    @Test
    void aMissingTableOrOneOfAnotherSchemaKeepsEveryWriteAndIsReportedNamingTheTable() throws Exception {
        long now = System.currentTimeMillis();
        table.failure = dynamoError("ResourceNotFoundException", "Requested resource not found");
        for (int i = 0; i < 30; i++) {
            send(EventType.PROFILE_CREATED, EventSource.API, "g" + i, "2024-01-01T00:00:00.000001", data("{\"n\":" + i + "}"));
        }
        for (int i = 0; i < 3; i++) {
            driver.advanceWallClockTime(Duration.ofSeconds(6));
        }
        now += 18_000;
        assertTrue(table.items.isEmpty());
        List<String> problems = metrics.dynamoHealth().problems(now);
        assertEquals(1, problems.size(), problems::toString);
        assertTrue(problems.get(0).startsWith("DynamoDB table profiles cannot be written: ResourceNotFoundException"), problems::toString);

        // A key the table does not have is the table's fault, not the item's: nothing is dead-lettered.
        table.failure = dynamoError("ValidationException", "One or more parameter values were invalid: Missing the key id in the item");
        for (int i = 0; i < 3; i++) {
            driver.advanceWallClockTime(Duration.ofSeconds(6));
        }
        now += 18_000;
        assertTrue(metrics.dynamoHealth().problems(now).get(0).contains("Missing the key id"));
        assertTrue(deadLetters.isEmpty(), "no write is given up");

        table.failure = null;
        for (int i = 0; i < 10 && table.items.size() < 30; i++) {
            driver.advanceWallClockTime(Duration.ofSeconds(6));
            now += 6_000;
        }
        assertEquals(30, table.items.size(), "every owed write arrived once the table was back");
        assertEquals(List.of(), metrics.dynamoHealth().problems(now + 15_000), "reported no longer once writes succeed");
        assertTrue(deadLetters.isEmpty());
    }

    @Test
    void anItemDynamoDbCallsInvalidIsStillDeadLetteredAlone() throws Exception {
        // Set first: a profile write is sent as soon as its event is processed.
        table.failure = dynamoError("ValidationException", "Item size has exceeded the maximum allowed size");
        send(EventType.PROFILE_CREATED, EventSource.API, "big", "2024-01-01T00:00:00.000001", data("{}"));
        flush();
        flush();
        assertEquals(1, deadLetters.readRecordsToList().size());
        assertEquals(List.of(), metrics.dynamoHealth().problems(System.currentTimeMillis()));
    }

    private static RuntimeException dynamoError(String code, String message) {
        return software.amazon.awssdk.services.dynamodb.model.DynamoDbException.builder().statusCode(400).message(message)
                .awsErrorDetails(software.amazon.awssdk.awscore.exception.AwsErrorDetails.builder()
                        .errorCode(code).errorMessage(message).build()).build();
    }

    @Test
    void sameInstantMessagesNeverShareASortKeyAndRetriesAreDropped() {
        String ts = "2024-05-05T10:00:00.123456";
        postMessage("c1", "m1", ts, "first");
        postMessage("c1", "m2", ts, "second");
        postMessage("c1", "m3", "2024-05-05T10:00:00.000001", "third, from a slow clock");
        postMessage("c1", "m2", ts, "second"); // retried
        flush();
        List<ConversationMessage> stored = table.items.values().stream()
                .filter(w -> w.kind() == PendingWrite.Kind.MESSAGE_PUT)
                .map(w -> ConversationMessage.fromJson(w.payload()))
                .sorted(java.util.Comparator.comparing(ConversationMessage::timestamp))
                .toList();
        assertEquals(List.of("first", "second", "third, from a slow clock"), stored.stream().map(ConversationMessage::message).toList());
        assertEquals("2024-05-05T10:00:00.123456", stored.get(0).timestamp());
        assertEquals("2024-05-05T10:00:00.123457", stored.get(1).timestamp());
        assertEquals("2024-05-05T10:00:00.123458", stored.get(2).timestamp());
        assertFalse(deadLetters.readRecordsToList().iterator().hasNext());
    }

    private void postMessage(String conversation, String messageId, String ts, String text) {
        var message = new ConversationMessage(conversation, messageId, "agent-1", text, "user", ts);
        var event = EventEnvelope.of(EventType.CONVERSATION_MESSAGE_POSTED, EventSource.API, conversation, null, message.toJson());
        conversations.pipeInput(conversation, JsonCodec.toBytes(event));
    }

    private static String header(TestRecord<String, byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
