package io.agentmatch.migrator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmatch.contract.config.PipelineConfig;
import io.agentmatch.contract.events.ConversationLogFold;
import io.agentmatch.contract.events.ConversationMessage;
import io.agentmatch.contract.events.EventPosition;
import io.agentmatch.contract.events.JsonCodec;
import io.agentmatch.contract.events.ProfileLedger;
import io.agentmatch.contract.events.ProfileLogFold;
import io.agentmatch.contract.events.ProfileRecord;
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
    final AtomicLong heldKeys = new AtomicLong();
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
            counts.put("heldKeys", heldKeys.get());
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
            ProfileLogFold profiles = profileFold();
            long events = EventLog.replay(consumer, profilePartitions, "profile events", LOG, record -> applyProfile(profiles, record));
            LOG.info("replayed {} profile events of {}: {} profiles current", events, profileTopic, live.size());
            reportHeld("profile", profiles.held());

            Path parts = Files.createTempDirectory(dir, ".conversations-");
            try {
                Map<String, Path> spooled = new HashMap<>();
                ConversationLogFold conversationFold = conversationFold(spooled, parts);
                long conversationEvents = EventLog.replay(consumer, conversationPartitions, "conversation events", LOG,
                        record -> conversationFold.accept(key(record), record.value(), EventLog.position(record)));
                LOG.info("replayed {} conversation events of {}", conversationEvents, conversationTopic);
                reportHeld("conversation", conversationFold.held());
                for (var entry : spooled.entrySet()) {
                    writeConversation(entry.getKey(), readParts(entry.getValue()));
                }
            } catch (UncheckedIOException e) {
                throw e.getCause();
            } finally {
                deleteTree(parts);
            }
        }
    }

    /** Ids whose profile is exported now (not deleted). */
    private final Set<String> live = new HashSet<>();

    /** The profile fold of the export: the processor's rule ({@link ProfileLogFold}), each applied state written as a file. */
    ProfileLogFold profileFold() {
        return new ProfileLogFold(new ProfileLogFold.Listener() {
            @Override
            public void applied(String id, ProfileLedger.Apply apply, EventPosition position) {
                Path target;
                try {
                    target = SafePaths.child(dir, id, ".json");
                } catch (UnsafeIdException e) {
                    unsafe(id, e.getMessage());
                    return;
                }
                try {
                    if (apply.isDelete()) {
                        Files.deleteIfExists(target);
                        if (live.remove(id)) {
                            profilesDeleted.incrementAndGet();
                        }
                    } else {
                        writeProfile(target, apply.record());
                        live.add(id);
                    }
                    profilesWritten.set(live.size());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public void refused(String key, EventPosition position, String reason) {
                rejected(position, key, reason);
            }
        });
    }

    void applyProfile(ProfileLogFold fold, ConsumerRecord<byte[], byte[]> record) throws IOException {
        try {
            fold.accept(key(record), record.value(), EventLog.position(record));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static String key(ConsumerRecord<byte[], byte[]> record) {
        return record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
    }

    private void reportHeld(String what, Map<String, Long> held) {
        if (!held.isEmpty()) {
            heldKeys.addAndGet(held.size());
            LOG.warn("{} {} keys wait behind an event of a schema version this migrator does not know (first: {} at offset {}):"
                    + " their later events are not exported; upgrade, then redrive the dead letters", held.size(), what,
                    held.keySet().iterator().next(), held.values().iterator().next());
        }
    }

    private void rejected(EventPosition position, String key, String reason) {
        long n = invalidEvents.incrementAndGet();
        String where = position.topic() + "/" + position.partition() + "@" + position.offset();
        if (invalid.size() < 10_000) {
            invalid.add(new Entry(where, key, reason));
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

    /** The conversation fold of the export ({@link ConversationLogFold}): each appended message spooled to its part file. */
    private ConversationLogFold conversationFold(Map<String, Path> spooled, Path parts) {
        return new ConversationLogFold(new ConversationLogFold.Listener() {
            @Override
            public void appended(String conversationId, ConversationMessage message, EventPosition position) {
                Path part = spooled.get(conversationId);
                if (part == null) {
                    try {
                        SafePaths.child(conversationDir, conversationId, ".json");
                        part = SafePaths.child(parts, conversationId, ".jsonl");
                    } catch (UnsafeIdException e) {
                        unsafe(conversationId, "conversation " + e.getMessage());
                        return;
                    }
                    spooled.put(conversationId, part);
                }
                byte[] line = (JsonCodec.toString(ConversationItems.toLegacyJson(ConversationItems.toItem(message))) + "\n")
                        .getBytes(StandardCharsets.UTF_8);
                try {
                    Files.write(part, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public void duplicate(String conversationId, String messageId) {
                duplicates.incrementAndGet();
            }

            @Override
            public void refused(String key, EventPosition position, String reason) {
                rejected(position, key, reason);
            }
        });
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
