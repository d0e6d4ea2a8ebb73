package io.agentmatch.processor.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmatch.contract.events.ConversationMessage;
import io.agentmatch.contract.events.EventEnvelope;
import io.agentmatch.contract.events.EventSchemas;
import io.agentmatch.contract.trace.Tracing;
import io.agentmatch.contract.events.EventSource;
import io.agentmatch.contract.events.EventType;
import io.agentmatch.contract.events.JsonCodec;
import io.agentmatch.contract.events.ProfileRecord;
import io.agentmatch.contract.events.Topics;
import io.agentmatch.contract.kafka.KafkaClients;
import io.agentmatch.contract.kafka.KafkaConnection;
import io.agentmatch.processor.ProcessorApp;
import io.agentmatch.processor.health.ProcessorMetrics;
import io.agentmatch.processor.project.ProfileChange;
import io.agentmatch.processor.storage.PendingWrite;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The persister and the event contract: every event checked against its schema (a failure is
 * dead-lettered naming the path), older versions upcast, newer minors read tolerantly, a newer major
 * dead-lettered with its key held so that its redrive applies in its original order; and everything
 * the persister writes to Kafka matches the published schemas.
 */
class EventVersionsTopologyTest {
    private static final String TS = "2024-01-01T00:00:00.000001";
    private final Topics topics = new Topics("");
    private final InMemoryItemWriter table = new InMemoryItemWriter();
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> profiles;
    private TestInputTopic<String, byte[]> conversations;
    private TestOutputTopic<String, byte[]> deadLetters;
    private TestOutputTopic<String, byte[]> changes;
    /** Every dead letter and change read so far: all checked against the schemas after each test. */
    private final List<TestRecord<String, byte[]>> deadRead = new ArrayList<>();
    private final List<TestRecord<String, byte[]>> changesRead = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        Properties props = ProcessorApp.streamsSpec(KafkaClients.of(KafkaConnection.plaintext("unused:9092"), "test"),
                "persister", "versions-test", Files.createTempDirectory("versions-test"), 1, 1).properties();
        driver = new TopologyTestDriver(PersistTopology.build(topics, table, new ProcessorMetrics(),
                new PersistSettings(4, Duration.ofMillis(20), 1000), Tracing.idsOnly()), props);
        profiles = driver.createInputTopic(topics.profileEvents(), new StringSerializer(), new ByteArraySerializer());
        conversations = driver.createInputTopic(topics.conversationEvents(), new StringSerializer(), new ByteArraySerializer());
        deadLetters = driver.createOutputTopic(topics.deadLetters(), new StringDeserializer(), new ByteArrayDeserializer());
        changes = driver.createOutputTopic(topics.profileChanges(), new StringDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void everythingWrittenMatchesThePublishedSchemas() throws Exception {
        dead();
        changes();
        driver.close();
        EventSchemas schemas = EventSchemas.get();
        for (TestRecord<String, byte[]> change : changesRead) {
            assertEquals(Optional.empty(), schemas.check("record-key.json", JsonCodec.MAPPER.valueToTree(change.key())));
            assertEquals(Optional.empty(), schemas.check("profile-change.json", JsonCodec.readTree(change.value())));
        }
        for (TestRecord<String, byte[]> letter : deadRead) {
            ObjectNode headers = JsonCodec.MAPPER.createObjectNode();
            letter.headers().forEach(h -> headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8)));
            assertEquals(Optional.empty(), schemas.check("dead-letter-headers.json", headers), headers.toString());
        }
    }

    private List<TestRecord<String, byte[]>> dead() {
        List<TestRecord<String, byte[]>> letters = deadLetters.readRecordsToList();
        deadRead.addAll(letters);
        return letters;
    }

    private List<ProfileChange> changes() {
        List<TestRecord<String, byte[]>> records = changes.readRecordsToList();
        changesRead.addAll(records);
        return records.stream().map(r -> ProfileChange.fromBytes(r.value())).toList();
    }

    private void flush() {
        driver.advanceWallClockTime(Duration.ofMillis(50));
        driver.advanceWallClockTime(Duration.ofMillis(50));
    }

    private static ObjectNode event(EventType type, String id, String dataJson) throws Exception {
        ObjectNode data = dataJson == null ? null : (ObjectNode) JsonCodec.readTree(dataJson);
        return JsonCodec.MAPPER.valueToTree(EventEnvelope.of(type, EventSource.API, id, null,
                new ProfileRecord(id, type == EventType.PROFILE_DELETED ? null : TS, data).toJson()));
    }

    private static ObjectNode version(ObjectNode event, int major) {
        event.put("schemaVersion", major);
        return event;
    }

    private void pipe(String key, JsonNode event) {
        profiles.pipeInput(key, JsonCodec.toBytes(event));
    }

    /** What `dead-letters redrive` publishes: the dead letter's key and value, and where it first stood. */
    private void redrive(TestRecord<String, byte[]> letter, byte[] value, boolean discard) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(Topics.HEADER_REDRIVE_TOPIC, letter.headers().lastHeader(Topics.HEADER_DLQ_TOPIC).value());
        headers.add(Topics.HEADER_REDRIVE_PARTITION, letter.headers().lastHeader(Topics.HEADER_DLQ_PARTITION).value());
        headers.add(Topics.HEADER_REDRIVE_OFFSET, letter.headers().lastHeader(Topics.HEADER_DLQ_OFFSET).value());
        if (discard) {
            headers.add(Topics.HEADER_REDRIVE_ACTION, Topics.REDRIVE_DISCARD.getBytes(StandardCharsets.UTF_8));
        }
        profiles.pipeInput(new TestRecord<>(letter.key(), value, headers));
    }

    private String name(String id) {
        PendingWrite write = table.items.get("P:" + id);
        return write == null ? null : ProfileRecord.fromJson(write.payload()).data().path("name").asText(null);
    }

    private static String reason(TestRecord<String, byte[]> letter) {
        return new String(letter.headers().lastHeader(Topics.HEADER_DLQ_REASON).value(), StandardCharsets.UTF_8);
    }

    @Test
    void anEventFailingItsSchemaIsDeadLetteredWithThePathOfTheFailure() throws Exception {
        ObjectNode event = event(EventType.PROFILE_CREATED, "s1", "{\"name\":\"A\",\"tags\":[\"ok\",{\"no\":1}]}");
        pipe("s1", event);
        ObjectNode noSource = event(EventType.PROFILE_CREATED, "s2", "{}");
        noSource.remove("source");
        pipe("s2", noSource);
        flush();
        List<TestRecord<String, byte[]>> letters = dead();
        assertEquals(2, letters.size());
        assertTrue(reason(letters.get(0)).startsWith("schema: /payload/data/tags/1: "), reason(letters.get(0)));
        assertTrue(reason(letters.get(0)).contains("(profile-data.json#/$defs/knownFields/properties/tags/items/type)"),
                reason(letters.get(0)));
        assertTrue(reason(letters.get(1)).contains("source"), reason(letters.get(1)));
        assertTrue(reason(letters.get(1)).startsWith("schema: /: required property 'source' not found (envelope.json#/required)"),
                reason(letters.get(1)));
        assertNull(name("s1"));
    }

    @Test
    void anOlderMajorIsUpcastAndANewerMinorIsReadTolerantly() throws Exception {
        pipe("u1", event(EventType.PROFILE_CREATED, "u1", "{\"name\":\"A\"}"));
        pipe("u1", version(event(EventType.PROFILE_UPDATED, "u1", "{\"name\":\"B\"}"), 1));
        flush();
        assertEquals("B", name("u1"), "a version-1 update applies as a version-2 one without expectedVersion");

        ObjectNode newer = event(EventType.PROFILE_UPDATED, "u1", "{\"name\":\"C\"}");
        newer.put("schemaMinor", 7);
        newer.put("traceparent", "00-abc-01");
        ((ObjectNode) newer.get("payload")).put("reason", "a field of minor 7");
        pipe("u1", newer);
        flush();
        assertEquals("C", name("u1"));
        assertEquals(List.of(), dead());
    }

    @Test
    void anUpdateWithAnExpectedVersionAppliesOnlyAtThatVersion() throws Exception {
        pipe("v1", event(EventType.PROFILE_CREATED, "v1", "{\"name\":\"A\"}")); // offset 0: version 0
        ObjectNode atZero = event(EventType.PROFILE_UPDATED, "v1", "{\"name\":\"B\"}");
        ((ObjectNode) atZero.get("payload")).put("expectedVersion", 0);
        pipe("v1", atZero); // offset 1: applies, version 1
        ObjectNode stale = event(EventType.PROFILE_UPDATED, "v1", "{\"name\":\"C\"}");
        ((ObjectNode) stale.get("payload")).put("expectedVersion", 0);
        pipe("v1", stale); // read version 0, but the profile is at 1 now: refused
        flush();
        assertEquals("B", name("v1"));
        List<TestRecord<String, byte[]>> letters = dead();
        assertEquals(1, letters.size());
        assertTrue(reason(letters.get(0)).contains("version conflict: the update expected version 0, the profile is at version 1"),
                reason(letters.get(0)));
    }

    @Test
    void aNewerMajorHoldsItsKeyAndItsRedriveAppliesInItsOriginalOrder() throws Exception {
        pipe("h1", event(EventType.PROFILE_CREATED, "h1", "{\"name\":\"A\"}"));                  // 0
        ObjectNode fromTheFuture = version(event(EventType.PROFILE_UPDATED, "h1", "{\"name\":\"B\"}"), 3);
        pipe("h1", fromTheFuture);                                                                 // 1: unknown major
        pipe("h1", event(EventType.PROFILE_UPDATED, "h1", "{\"name\":\"C\"}"));                  // 2: waits behind 1
        pipe("other", event(EventType.PROFILE_CREATED, "other", "{\"name\":\"O\"}"));            // 3: not held
        flush();
        assertEquals("A", name("h1"), "the update after the unknown one waits: it must not apply before it");
        assertEquals("O", name("other"));
        List<TestRecord<String, byte[]>> letters = dead();
        assertEquals(1, letters.size(), "only the unknown major is dead-lettered");
        assertTrue(reason(letters.get(0)).contains("unknown schema version 3 of PROFILE_UPDATED"), reason(letters.get(0)));
        assertEquals("1", new String(letters.get(0).headers().lastHeader(Topics.HEADER_DLQ_OFFSET).value(), StandardCharsets.UTF_8));

        // Redriven before the upgrade: still unknown, dead-lettered again at its original offset; still held.
        redrive(letters.get(0), letters.get(0).value(), false);
        flush();
        List<TestRecord<String, byte[]>> again = dead();
        assertEquals(1, again.size());
        assertEquals("1", new String(again.get(0).headers().lastHeader(Topics.HEADER_DLQ_OFFSET).value(), StandardCharsets.UTF_8));
        assertEquals("A", name("h1"));

        // After the upgrade the reader knows the version; the redrive (here: the event as the upgraded reader reads it)
        // applies at offset 1, then the waiting update at offset 2 follows it: C wins, as in log order.
        changes();
        redrive(again.get(0), JsonCodec.toBytes(version(fromTheFuture, 2)), false);
        flush();
        assertEquals("C", name("h1"));
        assertEquals(List.of(1L, 2L), changes().stream().map(ProfileChange::version).toList(),
                "the held event applies at its original position, then the one behind it");
        assertEquals(2L, table.items.get("P:h1").version());
        assertEquals(List.of(), dead());
    }

    @Test
    void aDiscardedHeadReleasesTheEventsBehindItAndARedrivenCopyOfAnAppliedEventChangesNothing() throws Exception {
        pipe("d1", event(EventType.PROFILE_CREATED, "d1", "{\"name\":\"A\"}"));                       // 0
        pipe("d1", version(event(EventType.PROFILE_UPDATED, "d1", "{\"name\":\"B\"}"), 9));          // 1: unknown
        pipe("d1", event(EventType.PROFILE_UPDATED, "d1", "{\"name\":\"C\"}"));                       // 2: waits
        flush();
        TestRecord<String, byte[]> head = dead().get(0);
        redrive(head, head.value(), true);
        flush();
        assertEquals("C", name("d1"), "discarded: the waiting update follows without it");

        // A dead letter of an event the fold already passed (the same copy twice): its position is behind the
        // state's, so it is superseded and never overwrites the newer state.
        pipe("d1", event(EventType.PROFILE_UPDATED, "d1", "{\"name\":\"D\"}"));                       // 5: D
        flush();
        changes();
        TestRecord<String, byte[]> copyOfTwo = new TestRecord<>("d1", JsonCodec.toBytes(event(EventType.PROFILE_UPDATED, "d1",
                "{\"name\":\"stale\"}")), DeadLetters.headers("test", topics.profileEvents(), 0, 2));
        redrive(copyOfTwo, copyOfTwo.value(), false);
        flush();
        assertEquals("D", name("d1"));
        assertEquals(List.of(), changes());
    }

    @Test
    void aConversationKeepsItsOrderAroundANewerMajor() throws Exception {
        Map<String, ObjectNode> sent = new HashMap<>();
        for (String id : List.of("m1", "m2", "m3")) {
            ObjectNode event = JsonCodec.MAPPER.valueToTree(EventEnvelope.of(EventType.CONVERSATION_MESSAGE_POSTED, EventSource.API,
                    "c1", null, new ConversationMessage("c1", id, "agent", "text " + id, "user", "2024-05-05T10:00:00.000001").toJson()));
            if (id.equals("m2")) {
                event.put("schemaVersion", 2);
            }
            sent.put(id, event);
            conversations.pipeInput("c1", JsonCodec.toBytes(event));
        }
        flush();
        assertEquals(1, table.items.keySet().stream().filter(k -> k.startsWith("M:c1")).count(), "m3 waits behind m2");
        TestRecord<String, byte[]> head = dead().get(0);
        RecordHeaders headers = new RecordHeaders();
        headers.add(Topics.HEADER_REDRIVE_TOPIC, topics.conversationEvents().getBytes(StandardCharsets.UTF_8));
        headers.add(Topics.HEADER_REDRIVE_PARTITION, "0".getBytes(StandardCharsets.UTF_8));
        headers.add(Topics.HEADER_REDRIVE_OFFSET, "1".getBytes(StandardCharsets.UTF_8));
        conversations.pipeInput(new TestRecord<>(head.key(), JsonCodec.toBytes(sent.get("m2").put("schemaVersion", 1)), headers));
        flush();
        List<String> order = table.items.values().stream().filter(w -> w.kind() == PendingWrite.Kind.MESSAGE_PUT)
                .map(w -> ConversationMessage.fromJson(w.payload()))
                .sorted(java.util.Comparator.comparing(ConversationMessage::timestamp))
                .map(ConversationMessage::messageId).toList();
        assertEquals(List.of("m1", "m2", "m3"), order);
    }
}
