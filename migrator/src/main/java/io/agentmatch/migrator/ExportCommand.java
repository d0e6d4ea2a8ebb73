package io.agentmatch.migrator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmatch.contract.config.PipelineConfig;
import io.agentmatch.contract.events.ConversationLedger;
import io.agentmatch.contract.events.EventEnvelope;
import io.agentmatch.contract.events.EventSerde;
import io.agentmatch.contract.events.InvalidEventException;
import io.agentmatch.contract.events.JsonCodec;
import io.agentmatch.contract.events.ProfileLedger;
import io.agentmatch.contract.events.ProfileRecord;
import io.agentmatch.contract.events.ProfileState;
import io.agentmatch.contract.storage.ConversationItems;
import io.agentmatch.contract.storage.ProfileItems;
import io.agentmatch.migrator.Reports.Entry;
import io.agentmatch.migrator.SafePaths.UnsafeIdException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = {
                "Rollback: writes every current profile and conversation as legacy JSON files.",
                "Profiles go to DIR/<id>.json in the legacy format (byte-identical for unchanged profiles), "
                        + "conversations to DIR/conversations/<conversation_id>.json. --from log (default) replays the "
                        + "event topics from the beginning with the processor's fold, so it works without DynamoDB; "
                        + "--from dynamodb reads the tables (parallel Scan)."},
        footer = {"", ExitCodes.HELP,
                "export: 3 = some ids could not be file names and were skipped. Events the fold rejects are counted "
                        + "and skipped, as the processor does, and do not change the exit code."})
public final class ExportCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger("export");
    private static final int MAX_LOGGED_INVALID = 20;

    public enum From { log, dynamodb }

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (created if missing; must be empty unless --force).")
    Path out;

    @Option(names = "--from", defaultValue = "log", paramLabel = "log|dynamodb",
            description = "Where to read the current state from (default: ${DEFAULT-VALUE}).")
    From from;

    @Option(names = "--force", description = "Export into a folder that already has files (same-named files are replaced).")
    boolean force;

    @Option(names = "--report", paramLabel = "FILE", description = "Write a JSON report: counts and every record skipped.")
    Path report;

    private Path dir;
    private Path conversationDir;

    /** For tests: an export into {@code dir} without running the command. */
    static ExportCommand into(Path dir) {
        ExportCommand command = new ExportCommand();
        command.dir = dir.toAbsolutePath().normalize();
        command.conversationDir = command.dir.resolve("conversations");
        return command;
    }
    final AtomicLong profilesWritten = new AtomicLong();
    final AtomicLong fileWrites = new AtomicLong();
    final AtomicLong profilesDeleted = new AtomicLong();
    final AtomicLong conversations = new AtomicLong();
    final AtomicLong messages = new AtomicLong();
    final AtomicLong duplicates = new AtomicLong();
    final AtomicLong invalidEvents = new AtomicLong();
    final List<Entry> unsafe = new ArrayList<>();
    final List<Entry> invalid = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        PipelineConfig config = MigratorMain.config();
        dir = out.toAbsolutePath().normalize();
        conversationDir = dir.resolve("conversations");
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            LOG.error("--out {} exists and is not a directory", dir);
            return ExitCodes.FATAL;
        }
        Files.createDirectories(dir);
        if (!force && hasEntries(dir)) {
            LOG.error("--out {} is not empty: export into an empty folder, or pass --force to replace same-named files", dir);
            return ExitCodes.FATAL;
        }
        Files.createDirectories(conversationDir);
        long start = System.nanoTime();
        LOG.info("export to {} from {}", dir, from == From.log ? "the event log" : "DynamoDB");
        if (from == From.log) {
            fromLog(config);
        } else {
            fromDynamo(config);
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        LOG.info("export finished in {}: {} profiles written, {} deleted, {} conversations ({} messages){}{}",
                MigrateCommand.seconds(elapsed), profilesWritten.get(), profilesDeleted.get(), conversations.get(),
                messages.get(),
                invalidEvents.get() == 0 ? "" : ", " + invalidEvents.get() + " invalid events skipped",
                unsafe.isEmpty() ? "" : ", " + unsafe.size() + " unsafe ids skipped");
        if (report != null) {
            ObjectNode json = Reports.start("export");
            json.put("out", dir.toString());
            json.put("from", from.name());
            json.put("durationMs", elapsed.toMillis());
            ObjectNode counts = json.putObject("counts");
            counts.put("profilesWritten", profilesWritten.get());
            counts.put("profilesDeleted", profilesDeleted.get());
            counts.put("conversations", conversations.get());
            counts.put("messages", messages.get());
            counts.put("duplicateMessages", duplicates.get());
            counts.put("invalidEvents", invalidEvents.get());
            counts.put("unsafeIds", unsafe.size());
            json.set("unsafeIds", Reports.entries(unsafe));
            json.set("invalidEvents", Reports.entries(invalid));
            Reports.write(report, json);
        }
        return unsafe.isEmpty() ? ExitCodes.OK : ExitCodes.SKIPPED;
    }

    private static boolean hasEntries(Path dir) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                if (!(Files.isDirectory(entry) && entry.getFileName().toString().equals("conversations") && !hasEntries(entry))) {
                    return true;
                }
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- from the log

    private void fromLog(PipelineConfig config) throws IOException {
        String profileTopic = config.topics().profileEvents();
        String conversationTopic = config.topics().conversationEvents();
        List<TopicPartition> profilePartitions;
        List<TopicPartition> conversationPartitions;
        try (Admin admin = MigratorKafka.admin(config)) {
            MigratorKafka.requireReachable(admin, config);
            profilePartitions = MigratorKafka.partitions(admin, config, profileTopic);
            conversationPartitions = MigratorKafka.partitions(admin, config, conversationTopic);
        }
        try (KafkaConsumer<byte[], byte[]> consumer = MigratorKafka.reader(config, "export", null)) {
            Map<String, ProfileState> states = new HashMap<>();
            long events = EventLog.replay(consumer, profilePartitions, "profile events", LOG, record -> applyProfile(states, record));
            LOG.info("replayed {} profile events of {}: {} profiles current", events, profileTopic,
                    states.values().stream().filter(s -> !s.deleted()).count());
            states.clear();

            Path parts = Files.createTempDirectory(dir, ".conversations-");
            try {
                Map<String, ConversationFold> folds = new HashMap<>();
                long conversationEvents = EventLog.replay(consumer, conversationPartitions, "conversation events", LOG,
                        record -> applyMessage(folds, parts, record));
                LOG.info("replayed {} conversation events of {}", conversationEvents, conversationTopic);
                for (var entry : folds.entrySet()) {
                    writeConversation(entry.getKey(), readParts(entry.getValue().part));
                }
            } finally {
                deleteTree(parts);
            }
        }
    }

    void applyProfile(Map<String, ProfileState> states, ConsumerRecord<byte[], byte[]> record) throws IOException {
        EventEnvelope event;
        try {
            event = EventSerde.parse(record.value());
        } catch (IOException e) {
            rejected(record, "not an event: " + e.getMessage());
            return;
        }
        ProfileLedger.Decision decision;
        try {
            decision = ProfileLedger.decide(states.get(event.key()), event, record.offset());
        } catch (InvalidEventException e) {
            rejected(record, e.getMessage());
            return;
        }
        if (decision instanceof ProfileLedger.Apply apply) {
            String id = event.key();
            Path target;
            try {
                target = SafePaths.child(dir, id, ".json");
            } catch (UnsafeIdException e) {
                unsafe(id, e.getMessage());
                return;
            }
            ProfileState previous = states.put(id, apply.next());
            if (apply.isDelete()) {
                Files.deleteIfExists(target);
                profilesDeleted.incrementAndGet();
                profilesWritten.decrementAndGet();
            } else {
                writeProfile(target, apply.record());
                if (previous == null || previous.deleted()) {
                    profilesWritten.incrementAndGet();
                }
            }
        }
    }

    private void rejected(ConsumerRecord<byte[], byte[]> record, String reason) {
        long n = invalidEvents.incrementAndGet();
        String where = record.topic() + "/" + record.partition() + "@" + record.offset();
        if (invalid.size() < 10_000) {
            invalid.add(new Entry(where, record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8), reason));
        }
        if (n <= MAX_LOGGED_INVALID) {
            LOG.warn("skipped event {}: {}", where, reason);
        } else if (n == MAX_LOGGED_INVALID + 1) {
            LOG.warn("more invalid events are skipped; see the summary (and --report)");
        }
    }

    private void unsafe(String id, String reason) {
        unsafe.add(new Entry(null, LegacyFiles.quote(String.valueOf(id)), reason));
        LOG.warn("skipped: {}", reason);
    }

    void writeProfile(Path target, ProfileRecord record) throws IOException {
        SafePaths.writeAtomically(target, PythonJson.toBytes(record.toJson()));
        fileWrites.incrementAndGet();
    }

    /** What the export remembers per conversation: the fold's state and where its messages are spooled. */
    static final class ConversationFold {
        String lastTimestamp;
        final Set<String> messageIds = new HashSet<>();
        Path part;
    }

    private void applyMessage(Map<String, ConversationFold> folds, Path parts, ConsumerRecord<byte[], byte[]> record)
            throws IOException {
        EventEnvelope event;
        try {
            event = EventSerde.parse(record.value());
        } catch (IOException e) {
            rejected(record, "not an event: " + e.getMessage());
            return;
        }
        ConversationFold fold = folds.get(event.key());
        ConversationLedger.Decision decision;
        try {
            decision = ConversationLedger.decide(fold == null ? null : fold.lastTimestamp,
                    fold != null && event.message().messageId() != null && fold.messageIds.contains(event.message().messageId()),
                    event);
        } catch (InvalidEventException e) {
            rejected(record, e.getMessage());
            return;
        }
        if (decision instanceof ConversationLedger.Duplicate) {
            duplicates.incrementAndGet();
            return;
        }
        var message = ((ConversationLedger.Append) decision).message();
        if (fold == null) {
            Path part;
            try {
                SafePaths.child(conversationDir, event.key(), ".json");
                part = SafePaths.child(parts, event.key(), ".jsonl");
            } catch (UnsafeIdException e) {
                unsafe(event.key(), "conversation " + e.getMessage());
                return;
            }
            fold = new ConversationFold();
            fold.part = part;
            folds.put(event.key(), fold);
        }
        fold.lastTimestamp = message.timestamp();
        fold.messageIds.add(message.messageId());
        byte[] line = (JsonCodec.toString(ConversationItems.toLegacyJson(ConversationItems.toItem(message))) + "\n")
                .getBytes(StandardCharsets.UTF_8);
        Files.write(fold.part, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static List<JsonNode> readParts(Path part) throws IOException {
        List<JsonNode> result = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(part, StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (!line.isEmpty()) {
                    result.add(JsonCodec.readTree(line));
                }
            }
        }
        return result;
    }

    void writeConversation(String conversationId, List<JsonNode> conversationMessages) throws IOException {
        Path target;
        try {
            target = SafePaths.child(conversationDir, conversationId, ".json");
        } catch (UnsafeIdException e) {
            unsafe(conversationId, "conversation " + e.getMessage());
            return;
        }
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("conversation_id", conversationId);
        ArrayNode array = node.putArray("messages");
        conversationMessages.forEach(array::add);
        SafePaths.writeAtomically(target, PythonJson.toBytes(node));
        conversations.incrementAndGet();
        messages.addAndGet(conversationMessages.size());
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var walk = Files.walk(root)) {
            for (Path path : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    // ---------------------------------------------------------------- from DynamoDB

    private void fromDynamo(PipelineConfig config) throws IOException {
        try (DynamoDbClient dynamo = ProfileTable.clients(config).sync(Duration.ofSeconds(30))) {
            ProfileTable profiles = new ProfileTable(dynamo, config);
            try {
                profiles.scan(4, null, null, item -> {
                    ProfileRecord record = ProfileItems.toRecord(item);
                    try {
                        writeProfile(SafePaths.child(dir, record.id(), ".json"), record);
                        profilesWritten.incrementAndGet();
                    } catch (UnsafeIdException e) {
                        unsafe(record.id(), e.getMessage());
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            LOG.info("exported {} profiles from table {}", profilesWritten.get(), config.profileTable());

            Set<String> ids = new HashSet<>();
            ProfileTable.scanTable(dynamo, config, config.conversationTable(), 4, "#c",
                    Map.of("#c", ConversationItems.CONVERSATION_ID), item -> ids.add(item.get(ConversationItems.CONVERSATION_ID).s()));
            for (String id : ids) {
                writeConversation(id, query(dynamo, config, id));
            }
        }
    }

    private static List<JsonNode> query(DynamoDbClient dynamo, PipelineConfig config, String conversationId) {
        List<JsonNode> result = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        try {
            do {
                final Map<String, AttributeValue> from = start;
                QueryResponse page = dynamo.query(b -> b.tableName(config.conversationTable())
                        .keyConditionExpression("#c = :c")
                        .expressionAttributeNames(Map.of("#c", ConversationItems.CONVERSATION_ID))
                        .expressionAttributeValues(Map.of(":c", AttributeValue.fromS(conversationId)))
                        .scanIndexForward(true)
                        .consistentRead(true)
                        .exclusiveStartKey(from));
                page.items().forEach(item -> result.add(ConversationItems.toLegacyJson(item)));
                start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
            } while (start != null);
        } catch (SdkException e) {
            throw ProfileTable.unavailable(config, e);
        }
        return result;
    }
}
