package io.agentmatch.migrator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmatch.contract.config.PipelineConfig;
import io.agentmatch.contract.events.ConversationLogFold;
import io.agentmatch.contract.events.ConversationMessage;
import io.agentmatch.contract.events.RefusedEvent;
import io.agentmatch.contract.events.LogFold;
import io.agentmatch.contract.events.ProfileLogFold;
import io.agentmatch.contract.events.ProfileRecord;
import io.agentmatch.contract.storage.ConversationItems;
import io.agentmatch.contract.kafka.TopicReplay;
import io.agentmatch.contract.storage.ProfileItems;
import io.agentmatch.migrator.Reports.Entry;
import io.agentmatch.migrator.SafePaths.UnsafeIdException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
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
            Reports.write(report, "export", result(elapsed));
        }
        return unsafe.isEmpty() ? ExitCodes.OK : ExitCodes.SKIPPED;
    }

    /** What the report says ({@code --report}): where, the counts, and every record skipped. */
    record Result(String out, String from, long durationMs, Counts counts, List<Entry> unsafeIds, List<Entry> invalidEvents) {
    }

    record Counts(long profilesWritten, long profilesDeleted, long conversations, long messages, long duplicateMessages,
                  long invalidEvents, long heldKeys, long unsafeIds) {
    }

    Result result(Duration elapsed) {
        return new Result(dir.toString(), from == null ? From.log.name() : from.name(), elapsed.toMillis(),
                new Counts(profilesWritten.get(), profilesDeleted.get(), conversations.get(), messages.get(), duplicates.get(),
                        invalidEvents.get(), heldKeys.get(), unsafe.size()), List.copyOf(unsafe), List.copyOf(invalid));
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
        ProfileLogFold.Folded profiles;
        ConversationLogFold.Folded conversationLog;
        try (TopicReplay replay = MigratorKafka.replay(config, "export")) {
            Progress.OfReplay progress = new Progress.OfReplay("profile events", LOG);
            profiles = ProfileLogFold.replay(replay, profilePartitions, progress, key -> true);
            progress.clear();
            LOG.info("replayed {} profile events of {}: {} profiles current", profiles.events(), profileTopic, profiles.live().size());
            progress = new Progress.OfReplay("conversation events", LOG);
            conversationLog = ConversationLogFold.replay(replay, conversationPartitions, progress);
            progress.clear();
            LOG.info("replayed {} conversation events of {}", conversationLog.events(), conversationTopic);
        }
        writeProfiles(profiles);
        writeConversations(conversationLog);
    }

    /** The folded profile log as files: each live profile written, each deleted one's file removed. */
    void writeProfiles(ProfileLogFold.Folded folded) throws IOException {
        rejected(folded.refused(), folded.refusals());
        reportHeld("profile", folded.held());
        for (var entry : folded.states().entrySet()) {
            String id = entry.getKey();
            Path target;
            try {
                target = SafePaths.child(dir, id, ".json");
            } catch (UnsafeIdException e) {
                unsafe(id, e.getMessage());
                continue;
            }
            ProfileLogFold.Profile live = folded.live().get(id);
            if (live != null) {
                writeProfile(target, live.record());
                profilesWritten.incrementAndGet();
            } else if (entry.getValue().deleted()) {
                // --force into an earlier export: a profile deleted since is no longer there.
                Files.deleteIfExists(target);
                profilesDeleted.incrementAndGet();
            }
        }
    }

    /** The folded conversation log as files, one per conversation, messages in the fold's order. */
    void writeConversations(ConversationLogFold.Folded folded) throws IOException {
        rejected(folded.refused(), folded.refusals());
        reportHeld("conversation", folded.held());
        duplicates.addAndGet(folded.duplicates());
        for (var entry : folded.conversations().entrySet()) {
            List<JsonNode> legacy = new ArrayList<>(entry.getValue().size());
            for (ConversationMessage message : entry.getValue()) {
                legacy.add(ConversationItems.toLegacyJson(ConversationItems.toItem(message)));
            }
            writeConversation(entry.getKey(), legacy);
        }
    }

    private void reportHeld(String what, Map<String, Long> held) {
        if (!held.isEmpty()) {
            heldKeys.addAndGet(held.size());
            LOG.warn("{} {} keys wait behind an event of a schema version this migrator does not know (first: {} at offset {}):"
                    + " their later events are not exported; upgrade, then redrive the dead letters", held.size(), what,
                    held.keySet().iterator().next(), held.values().iterator().next());
        }
    }

    /** Refused events are counted and listed (the fold keeps the first ones), and the first few logged. */
    private void rejected(long count, List<RefusedEvent> refusals) {
        for (RefusedEvent refusal : refusals) {
            if (invalid.size() < LogFold.KEPT_REFUSALS) {
                invalid.add(new Entry(refusal.where(), refusal.key(), refusal.reason()));
            }
            if (invalid.size() <= MAX_LOGGED_INVALID) {
                LOG.warn("skipped event {}: {}", refusal.where(), refusal.reason());
            }
        }
        long before = invalidEvents.getAndAdd(count);
        if (before <= MAX_LOGGED_INVALID && before + count > MAX_LOGGED_INVALID) {
            LOG.warn("more invalid events are skipped; see the summary (and --report)");
        }
    }

    private void unsafe(String id, String reason) {
        unsafe.add(new Entry(null, LegacyFiles.quote(String.valueOf(id)), reason));
        LOG.warn("skipped: {}", reason);
    }

    void writeProfile(Path target, ProfileRecord record) throws IOException {
        SafePaths.writeAtomically(target, PythonJson.toBytes(record.toJson()));
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
