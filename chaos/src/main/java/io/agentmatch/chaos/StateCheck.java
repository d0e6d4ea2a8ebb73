package io.agentmatch.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmatch.contract.config.PipelineConfig;
import io.agentmatch.contract.events.ConversationLogFold;
import io.agentmatch.contract.events.JsonCodec;
import io.agentmatch.contract.events.MatchProjection;
import io.agentmatch.contract.events.ProfileLogFold;
import io.agentmatch.contract.events.ProfileRecord;
import io.agentmatch.contract.storage.ConversationItems;
import io.agentmatch.contract.storage.DynamoClients;
import io.agentmatch.contract.storage.ProfileItems;
import io.agentmatch.contract.kafka.KafkaClients;
import io.agentmatch.contract.kafka.TopicReplay;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The invariants every scenario ends with, computed from the outside:
 * <ol>
 *   <li>every acknowledged write is in the tables exactly once, as last acknowledged (lost,
 *       duplicated, stale overwrites);</li>
 *   <li>the tables equal the state obtained by replaying the event topics from the beginning with
 *       {@link ProfileLogFold#replay} and {@link ConversationLogFold#replay}, the folded state that
 *       {@code export --from log} maps to files, item by item and attribute by attribute (version and
 *       origin included); every deleted profile has its tombstone, with the delete's version, and no
 *       other tombstone exists;</li>
 *   <li>the match projections equal the tables: every live profile has a projection whose fields
 *       match, and no projection exists for an absent profile;</li>
 *   <li>every conversation has exactly the log's messages, in the log's order;</li>
 *   <li>nothing was dead-lettered.</li>
 * </ol>
 */
public final class StateCheck {
    private static final Logger LOG = LoggerFactory.getLogger(StateCheck.class);

    private final PipelineConfig config;

    public StateCheck(PipelineConfig config) {
        this.config = config;
    }

    /** What the log says the tables must hold: live profiles, and the deletes' versions (the tombstones). */
    public record LogState(Map<String, Map<String, AttributeValue>> profiles, Map<String, Long> tombstones,
                           Map<String, List<Map<String, AttributeValue>>> conversations, long events, long rejected) {
    }

    /** What the tables and the projection topic hold; tombstones apart from the profiles, as every reader sees them. */
    public record Stored(Map<String, Map<String, AttributeValue>> profiles, Map<String, Long> tombstones,
                         Map<String, List<Map<String, AttributeValue>>> conversations,
                         Map<String, MatchProjection> projections, long deadLetters) {
    }

    // ------------------------------------------------------------------ the log, folded as the export does

    public LogState replayLog() {
        ProfileLogFold.Folded profileLog;
        ConversationLogFold.Folded conversationLog;
        try (TopicReplay replay = replay()) {
            profileLog = ProfileLogFold.replay(replay, replay.partitions(config.topics().profileEvents()), TopicReplay.Progress.NONE,
                    key -> true);
            conversationLog = ConversationLogFold.replay(replay, replay.partitions(config.topics().conversationEvents()),
                    TopicReplay.Progress.NONE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // The items the processor must have written for that state.
        Map<String, Map<String, AttributeValue>> profiles = new HashMap<>();
        profileLog.live().forEach((id, live) -> profiles.put(id, ProfileItems.toItem(live.record(), live.state().version(),
                live.state().origin().name().toLowerCase(), live.state().requestFingerprint())));
        // A delete leaves a tombstone at its version (ProfileItems.isTombstone), which every reader hides.
        Map<String, Long> tombstones = new HashMap<>();
        profileLog.states().forEach((id, state) -> {
            if (state.deleted()) {
                tombstones.put(id, state.version());
            }
        });
        Map<String, List<Map<String, AttributeValue>>> conversations = new HashMap<>();
        conversationLog.conversations().forEach((id, messages) ->
                conversations.put(id, messages.stream().map(ConversationItems::toItem).toList()));
        return new LogState(profiles, tombstones, conversations, profileLog.events() + conversationLog.events(),
                profileLog.refused() + conversationLog.refused());
    }

    private TopicReplay replay() {
        return TopicReplay.open(KafkaClients.of(config.kafka(), "chaos"), "check", Duration.ofSeconds(20));
    }

    // ------------------------------------------------------------------ what is stored

    public Stored readStored() {
        Map<String, Map<String, AttributeValue>> profiles = new HashMap<>();
        Map<String, Long> tombstones = new HashMap<>();
        Map<String, List<Map<String, AttributeValue>>> conversations = new HashMap<>();
        try (DynamoDbClient dynamo = DynamoClients.sync(config, Duration.ofSeconds(30))) {
            dynamo.scanPaginator(b -> b.tableName(config.profileTable()).consistentRead(true)).items().forEach(item -> {
                if (ProfileItems.isTombstone(item)) {
                    tombstones.put(item.get(ProfileItems.ID).s(), ProfileItems.versionOf(item));
                } else {
                    profiles.put(item.get(ProfileItems.ID).s(), item);
                }
            });
            dynamo.scanPaginator(b -> b.tableName(config.conversationTable()).consistentRead(true)).items()
                    .forEach(item -> conversations.computeIfAbsent(item.get(ConversationItems.CONVERSATION_ID).s(),
                            k -> new ArrayList<>()).add(item));
        }
        conversations.values().forEach(list -> list.sort(Comparator.comparing(i -> i.get(ConversationItems.TIMESTAMP).s())));
        Map<String, MatchProjection> projections = new HashMap<>();
        readTopic(config.topics().profileProjections(), record -> {
            String key = new String(record.key(), java.nio.charset.StandardCharsets.UTF_8);
            if (record.value() == null) {
                projections.remove(key);
                return;
            }
            try {
                projections.put(key, MatchProjection.fromBytes(record.value()));
            } catch (IOException e) {
                projections.put(key, null);
            }
        });
        long[] deadLetters = new long[1];
        readTopic(config.topics().deadLetters(), record -> deadLetters[0]++);
        return new Stored(profiles, tombstones, conversations, projections, deadLetters[0]);
    }

    /** Reads a whole topic (read_committed) from the beginning up to its end offsets taken now. */
    void readTopic(String topic, Consumer<ConsumerRecord<byte[], byte[]>> handler) {
        try (TopicReplay replay = replay()) {
            replay.replay(topic, handler::accept);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------ the comparison

    /** Fills {@code summary} with every broken invariant; returns it. */
    public Summary check(Acknowledged acknowledged, Summary summary) {
        LogState log = replayLog();
        Stored stored = readStored();
        summary.acknowledged = acknowledged == null ? summary.acknowledged : acknowledged.writes();
        summary.tableVsLog = 0;
        summary.projectionVsTable = 0;
        summary.conversationErrors = 0;
        summary.lost = 0;
        summary.duplicated = 0;
        summary.staleOverwrites = 0;
        summary.deadLetters = stored.deadLetters();
        compareTablesWithLog(log, stored, summary);
        compareProjections(stored, summary);
        if (acknowledged != null) {
            checkAcknowledged(acknowledged, stored, summary);
        }
        return summary;
    }

    /** Whether the tables and projections have caught up with the log (the processor is done). */
    public boolean converged() {
        Summary probe = new Summary("probe");
        LogState log = replayLog();
        Stored stored = readStored();
        compareTablesWithLog(log, stored, probe);
        compareProjections(stored, probe);
        return probe.tableVsLog == 0 && probe.projectionVsTable == 0 && probe.conversationErrors == 0;
    }

    /** Polls {@link #converged()} until it holds or {@code timeout} passes; returns whether it held. */
    public boolean awaitConverged(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long start = System.nanoTime();
        while (true) {
            try {
                if (converged()) {
                    LOG.info("caught up after {} s", (System.nanoTime() - start) / 1_000_000_000L);
                    return true;
                }
            } catch (RuntimeException e) {
                LOG.info("not caught up yet: {}", e.toString());
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            Faults.pause(3000);
        }
    }

    static void compareTablesWithLog(LogState log, Stored stored, Summary summary) {
        Set<String> ids = new HashSet<>(log.profiles().keySet());
        ids.addAll(stored.profiles().keySet());
        for (String id : ids) {
            var expected = log.profiles().get(id);
            var actual = stored.profiles().get(id);
            if (expected == null) {
                summary.tableVsLog++;
                summary.example("table has " + id + " which the log does not");
            } else if (actual == null) {
                summary.tableVsLog++;
                summary.example("table lacks " + id + " which the log has");
            } else if (!normalize(expected).equals(normalize(actual))) {
                summary.tableVsLog++;
                summary.example("table item " + id + " differs from the log: " + normalize(actual) + " vs " + normalize(expected));
            }
        }
        Set<String> deleted = new HashSet<>(log.tombstones().keySet());
        deleted.addAll(stored.tombstones().keySet());
        for (String id : deleted) {
            Long expected = log.tombstones().get(id);
            Long actual = stored.tombstones().get(id);
            if (!Objects.equals(expected, actual)) {
                summary.tableVsLog++;
                summary.example("tombstone of " + id + ": table has version " + actual + ", the log's delete " + expected);
            }
        }
        Set<String> conversations = new HashSet<>(log.conversations().keySet());
        conversations.addAll(stored.conversations().keySet());
        for (String id : conversations) {
            var expected = log.conversations().getOrDefault(id, List.of());
            var actual = stored.conversations().getOrDefault(id, List.of());
            if (!expected.stream().map(StateCheck::normalize).toList().equals(actual.stream().map(StateCheck::normalize).toList())) {
                summary.conversationErrors++;
                summary.example("conversation " + id + ": table has " + actual.size() + " messages, the log "
                        + expected.size() + (expected.size() == actual.size() ? " (order or content differs)" : ""));
            }
        }
    }

    static void compareProjections(Stored stored, Summary summary) {
        for (var entry : stored.profiles().entrySet()) {
            MatchProjection projection = stored.projections().get(entry.getKey());
            MatchProjection expected = expectedProjection(entry.getValue());
            if (projection == null) {
                summary.projectionVsTable++;
                summary.example("no projection for live profile " + entry.getKey());
            } else if (!sameFields(expected, projection)) {
                summary.projectionVsTable++;
                summary.example("projection of " + entry.getKey() + " differs from the table: " + JsonCodec.toString(
                        projection.withEmbedding(projection.textHash(), null)) + " vs " + JsonCodec.toString(expected));
            }
        }
        for (String id : stored.projections().keySet()) {
            if (!stored.profiles().containsKey(id)) {
                summary.projectionVsTable++;
                summary.example("projection for absent profile " + id);
            }
        }
    }

    /** The projection fields a table item implies (the embedding aside, which only has to be there). */
    static MatchProjection expectedProjection(Map<String, AttributeValue> item) {
        ProfileRecord record = ProfileItems.toRecord(item);
        ObjectNode data = record.data();
        List<String> tags = new ArrayList<>();
        JsonNode tagNode = data.get("tags");
        if (tagNode != null && tagNode.isArray()) {
            tagNode.forEach(tag -> tags.add(tag.asText()));
        }
        JsonNode price = data.get("averagePrice");
        return new MatchProjection(record.id(), null, null, text(data, "name"), text(data, "address"), text(data, "job"),
                ProfileItems.cityOf(data), price != null && price.isNumber() ? price.decimalValue() : null, tags,
                text(data, "description"), ProfileItems.versionOf(item));
    }

    private static boolean sameFields(MatchProjection expected, MatchProjection actual) {
        return Objects.equals(expected.id(), actual.id()) && Objects.equals(expected.name(), actual.name())
                && Objects.equals(expected.address(), actual.address()) && Objects.equals(expected.job(), actual.job())
                && Objects.equals(expected.city(), actual.city())
                && sameNumber(expected.averagePrice(), actual.averagePrice())
                && Objects.equals(expected.tags(), actual.tags() == null ? List.of() : actual.tags())
                && Objects.equals(expected.description(), actual.description())
                && expected.version() == actual.version()
                && actual.embedding() != null && !actual.embedding().isEmpty() && actual.textHash() != null;
    }

    private static boolean sameNumber(BigDecimal a, BigDecimal b) {
        return a == null ? b == null : b != null && a.compareTo(b) == 0;
    }

    private static String text(ObjectNode data, String field) {
        JsonNode value = data.get(field);
        return value != null && value.isTextual() ? value.textValue() : null;
    }

    static void checkAcknowledged(Acknowledged acknowledged, Stored stored, Summary summary) {
        Map<String, Integer> nonces = new HashMap<>();
        for (var item : stored.profiles().values()) {
            JsonNode nonce = ProfileItems.toRecord(item).data().get("nonce");
            if (nonce != null && nonce.isTextual()) {
                nonces.merge(nonce.textValue(), 1, Integer::sum);
            }
        }
        for (var entry : acknowledged.profiles().entrySet()) {
            var item = stored.profiles().get(entry.getKey());
            Acknowledged.Profile expected = entry.getValue();
            if (expected.deleted()) {
                if (item != null) {
                    summary.staleOverwrites++;
                    summary.example("profile " + entry.getKey() + " was deleted (acknowledged) but is in the table");
                }
                continue;
            }
            if (item == null) {
                summary.lost++;
                summary.example("acknowledged profile " + entry.getKey() + " is not in the table");
                continue;
            }
            ProfileRecord stored1 = ProfileItems.toRecord(item);
            boolean sameData = JsonCodec.canonical(stored1.data()).equals(JsonCodec.canonical(expected.data()));
            boolean sameTimestamp = expected.timestamp() == null || expected.timestamp().equals(stored1.timestamp());
            if (!sameData || !sameTimestamp) {
                summary.staleOverwrites++;
                summary.example("profile " + entry.getKey() + " is not as last acknowledged: " + JsonCodec.canonical(stored1.toJson()));
            }
            JsonNode nonce = expected.data().get("nonce");
            if (nonce != null && nonce.isTextual() && nonces.getOrDefault(nonce.textValue(), 0) > 1) {
                summary.duplicated += nonces.get(nonce.textValue()) - 1;
                summary.example("profile write " + nonce.textValue() + " is stored " + nonces.get(nonce.textValue()) + " times");
            }
        }
        for (var entry : acknowledged.messages().entrySet()) {
            List<String> stored1 = stored.conversations().getOrDefault(entry.getKey(), List.of()).stream()
                    .map(item -> item.get("message").s()).toList();
            Map<String, Integer> counts = new HashMap<>();
            stored1.forEach(text -> counts.merge(text, 1, Integer::sum));
            Set<String> acked = new HashSet<>(entry.getValue());
            for (String text : entry.getValue()) {
                int count = counts.getOrDefault(text, 0);
                if (count == 0) {
                    summary.lost++;
                    summary.example("acknowledged message '" + text + "' of " + entry.getKey() + " is not in the table");
                } else if (count > 1) {
                    summary.duplicated += count - 1;
                    summary.example("message '" + text + "' of " + entry.getKey() + " is stored " + count + " times");
                }
            }
            List<String> order = new ArrayList<>();
            Set<String> once = new HashSet<>();
            for (String text : stored1) {
                if (acked.contains(text) && once.add(text)) {
                    order.add(text);
                }
            }
            if (order.size() == entry.getValue().size() && !order.equals(entry.getValue())) {
                summary.conversationErrors++;
                summary.example("conversation " + entry.getKey() + " is out of order: " + order + " vs " + entry.getValue());
            }
        }
    }

    /** An item as plain values: numbers compared by value, maps by key, whatever the wire spelling. */
    static Object normalize(Map<String, AttributeValue> item) {
        Map<String, Object> out = new TreeMap<>();
        item.forEach((k, v) -> out.put(k, normalize(v)));
        return out;
    }

    static Object normalize(AttributeValue value) {
        if (value.s() != null) {
            return "S:" + value.s();
        }
        if (value.n() != null) {
            return "N:" + new BigDecimal(value.n()).stripTrailingZeros().toString();
        }
        if (value.bool() != null) {
            return "BOOL:" + value.bool();
        }
        if (Boolean.TRUE.equals(value.nul())) {
            return "NULL";
        }
        if (value.hasL()) {
            return value.l().stream().map(StateCheck::normalize).toList();
        }
        if (value.hasM()) {
            return normalize(value.m());
        }
        if (value.hasSs()) {
            return new TreeMap<>(Map.of("SS", new java.util.TreeSet<>(value.ss())));
        }
        if (value.hasNs()) {
            return new TreeMap<>(Map.of("NS", value.ns().stream().map(n -> new BigDecimal(n).stripTrailingZeros().toString())
                    .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new))));
        }
        return value.toString();
    }

    /** For logs: a sorted copy. */
    static <V> Map<String, V> sorted(Map<String, V> map) {
        return new LinkedHashMap<>(new TreeMap<>(map));
    }
}
