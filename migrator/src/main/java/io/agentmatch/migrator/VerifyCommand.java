package io.agentmatch.migrator;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentmatch.contract.config.Durations;
import io.agentmatch.contract.config.PipelineConfig;
import io.agentmatch.contract.events.JsonCodec;
import io.agentmatch.contract.events.ProfileLogFold;
import io.agentmatch.contract.events.ProfileRecord;
import io.agentmatch.contract.events.ProfileState;
import io.agentmatch.contract.kafka.TopicReplay;
import io.agentmatch.contract.storage.AttributeValues;
import io.agentmatch.contract.storage.ProfileItems;
import io.agentmatch.migrator.LegacyFiles.Check;
import io.agentmatch.migrator.LegacyFiles.Invalid;
import io.agentmatch.migrator.LegacyFiles.NotAFile;
import io.agentmatch.migrator.LegacyFiles.Valid;
import io.agentmatch.migrator.Reports.Entry;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {
                "Checks that DynamoDB holds every valid legacy file of --source, field by field.",
                "First waits (up to --timeout) until the processor has consumed the whole profile topic. Then compares "
                        + "each valid file with its item (id, timestamp, data with numeric equality, and the derived "
                        + "attributes) and lists items that no file has. Items changed or deleted through the API since "
                        + "the migration (a delete is read from the profile event log) are reported, not counted as errors."},
        footer = {"", ExitCodes.HELP})
public final class VerifyCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger("verify");
    /** The attributes ProfileItems derives from the data, compared with what the file implies. */
    static final List<String> DERIVED = List.of("name", "address", "job", "description", "averagePrice", "tags",
            "location", ProfileItems.LOCATION_CITY);

    @Option(names = "--source", required = true, paramLabel = "DIR", description = "The legacy json_storage folder.")
    Path source;

    @Option(names = "--timeout", defaultValue = "120s", paramLabel = "DURATION",
            description = "How long to wait for the processor to catch up (e.g. 120s, 5m; default ${DEFAULT-VALUE}).")
    String timeout;

    @Option(names = "--report", paramLabel = "FILE", description = "Write a JSON report of every difference.")
    Path report;

    private final List<Entry> missing = new ArrayList<>();
    private final List<Entry> different = new ArrayList<>();
    private final List<Entry> changedViaApi = new ArrayList<>();
    private final List<Entry> deletedViaApi = new ArrayList<>();
    private final List<Entry> extraMigration = Collections.synchronizedList(new ArrayList<>());
    private final List<Entry> extraApi = Collections.synchronizedList(new ArrayList<>());
    private final List<Entry> invalid = new ArrayList<>();
    private long seen;
    private long matching;

    /** What the report says ({@code --report}): the counts and every difference; {@code processorLag} only when it lags. */
    record Result(String source, boolean processorCaughtUp, String processorLag, Counts counts, boolean ok, List<Entry> missing,
                  List<Entry> different, List<Entry> extraFromMigration, List<Entry> extraFromApi, List<Entry> changedViaApi,
                  List<Entry> deletedViaApi, List<Entry> invalidFiles) {
    }

    record Counts(long seen, long matching, long changedViaApi, long deletedViaApi, long missing, long different,
                  long invalidFiles, long extraFromMigration, long extraFromApi) {
    }

    @Override
    public Integer call() throws Exception {
        PipelineConfig config = MigratorMain.config();
        Duration wait;
        try {
            wait = parseDuration(timeout);
        } catch (IllegalArgumentException e) {
            LOG.error("{}", e.getMessage());
            return ExitCodes.USAGE;
        }
        Path dir = source.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            LOG.error("source folder {} does not exist or is not a directory", dir);
            return ExitCodes.FATAL;
        }
        String lag = awaitProcessor(config, wait);
        if (lag != null) {
            LOG.warn("the processor ({}) has not caught up after {}: {}; comparing anyway", config.processorApplicationId(),
                    timeout, lag);
        }
        Set<String> invalidIds = new HashSet<>();
        try (DynamoDbClient dynamo = ProfileTable.clients(config).sync(Duration.ofSeconds(30))) {
            ProfileTable table = new ProfileTable(dynamo, config);
            if (!table.tableExists()) {
                throw new ProfileTable.DynamoUnavailableException("table " + config.profileTable() + " does not exist at "
                        + ProfileTable.endpoint(config));
            }
            Progress progress = new Progress("files", LegacyFiles.count(dir), LOG);
            List<Valid> batch = new ArrayList<>(ProfileTable.BATCH);
            try (DirectoryStream<Path> entries = LegacyFiles.list(dir)) {
                for (Path path : entries) {
                    Check check = LegacyFiles.check(path);
                    if (check instanceof NotAFile) {
                        continue;
                    }
                    seen++;
                    if (check instanceof Invalid bad) {
                        invalid.add(new Entry(bad.fileName(), null, bad.reason()));
                        invalidIds.add(LegacyFiles.idOf(path));
                    } else if (check instanceof Valid valid) {
                        batch.add(valid);
                        if (batch.size() == ProfileTable.BATCH) {
                            compare(table, batch);
                            batch.clear();
                        }
                    }
                    progress.update(seen);
                }
            }
            compare(table, batch);
            progress.clear();
            // Extra items: in the table, but no valid file of that id (looked up by name: no set of all ids in memory).
            table.scan(4, "#id, #origin", Map.of("#id", ProfileItems.ID, "#origin", ProfileItems.ORIGIN), item -> {
                String id = item.get(ProfileItems.ID).s();
                boolean covered = ProfileIdsOnDisk.covered(dir, id) && !invalidIds.contains(id);
                if (!covered) {
                    AttributeValue origin = item.get(ProfileItems.ORIGIN);
                    String who = origin == null ? "unknown" : origin.s();
                    if ("api".equalsIgnoreCase(who)) {
                        extraApi.add(new Entry(null, id, "created through the API (no legacy file)"));
                    } else {
                        extraMigration.add(new Entry(null, id, "origin " + who + " but no valid file " + id + ".json in the source"));
                    }
                }
            });
        }
        if (!missing.isEmpty()) {
            separateDeletedSinceMigration(config);
        }
        boolean ok = missing.isEmpty() && different.isEmpty() && extraMigration.isEmpty();
        for (Entry entry : missing) {
            LOG.error("missing: {} has no item", entry.file());
        }
        for (Entry entry : different) {
            LOG.error("different: {}: {}", entry.file(), entry.reason());
        }
        for (Entry entry : extraMigration) {
            LOG.error("extra: item {} ({})", entry.id(), entry.reason());
        }
        LOG.info("{} files = {} match + {} changed through the API (info) + {} deleted through the API (info) + {} missing + {} different "
                        + "+ {} invalid files (not migrated); {} items without a file from the migration (error), {} from the API (info) => {}",
                seen, matching, changedViaApi.size(), deletedViaApi.size(), missing.size(), different.size(), invalid.size(),
                extraMigration.size(), extraApi.size(), ok ? (lag == null ? "OK" : "OK, but the processor lags") : "MISMATCH");
        if (report != null) {
            Reports.write(report, "verify", new Result(dir.toString(), lag == null, lag,
                    new Counts(seen, matching, changedViaApi.size(), deletedViaApi.size(), missing.size(), different.size(),
                            invalid.size(), extraMigration.size(), extraApi.size()),
                    ok && lag == null, missing, different, List.copyOf(extraMigration), List.copyOf(extraApi), changedViaApi,
                    deletedViaApi, invalid));
        }
        if (!ok) {
            return ExitCodes.MISMATCH;
        }
        return lag == null ? ExitCodes.OK : ExitCodes.NOT_CAUGHT_UP;
    }

    /**
     * An item deleted through the API after the migration is gone from the table, as a lost one
     * would be: the processor's own fold over the profile topic (as export uses it) tells them apart.
     * Missing items whose fold ends deleted move to {@code deletedViaApi} (informational). Without a
     * reachable broker they stay missing, said so once.
     */
    private void separateDeletedSinceMigration(PipelineConfig config) throws IOException {
        Set<String> ids = new HashSet<>();
        missing.forEach(entry -> ids.add(entry.id()));
        ProfileLogFold.Folded folded;
        try (Admin admin = MigratorKafka.admin(config); TopicReplay replay = MigratorKafka.replay(config, "verify")) {
            MigratorKafka.requireReachable(admin, config);
            List<TopicPartition> partitions = MigratorKafka.partitions(admin, config, config.topics().profileEvents());
            Progress.OfReplay progress = new Progress.OfReplay("profile events", LOG);
            // The fold of one key depends on that key's events only: the others need not be folded.
            folded = ProfileLogFold.replay(replay, partitions, progress, ids::contains);
            progress.clear();
        } catch (MigratorKafka.KafkaUnavailableException e) {
            LOG.warn("cannot read the event log to tell API deletes from lost items ({}); every missing item counts as missing",
                    e.getMessage());
            return;
        }
        for (Iterator<Entry> it = missing.iterator(); it.hasNext(); ) {
            Entry entry = it.next();
            ProfileState state = folded.states().get(entry.id());
            if (state != null && state.deleted()) {
                it.remove();
                deletedViaApi.add(new Entry(entry.file(), entry.id(), "deleted through the API since the migration"));
            }
        }
    }

    /** Existence of the legacy file for an id, checked on disk. */
    static final class ProfileIdsOnDisk {
        static boolean covered(Path dir, String id) {
            try {
                return Files.isRegularFile(SafePaths.child(dir, id, ".json"));
            } catch (SafePaths.UnsafeIdException e) {
                return false;
            }
        }
    }

    private void compare(ProfileTable table, List<Valid> batch) {
        if (batch.isEmpty()) {
            return;
        }
        Map<String, Map<String, AttributeValue>> items = table.getAll(batch.stream().map(v -> v.record().id()).toList());
        for (Valid valid : batch) {
            Map<String, AttributeValue> item = items.get(valid.record().id());
            if (item == null) {
                missing.add(new Entry(valid.fileName(), valid.record().id(), "no item in the table"));
                continue;
            }
            List<String> differences = differences(valid.record(), item);
            AttributeValue origin = item.get(ProfileItems.ORIGIN);
            if (origin != null && "api".equalsIgnoreCase(origin.s())) {
                changedViaApi.add(new Entry(valid.fileName(), valid.record().id(), differences.isEmpty()
                        ? "changed through the API (same content)" : "changed through the API: " + String.join(", ", differences)));
            } else if (differences.isEmpty()) {
                matching++;
            } else {
                different.add(new Entry(valid.fileName(), valid.record().id(), "differs in " + String.join(", ", differences)));
            }
        }
    }

    /** The fields in which the item differs from the file: the legacy record, then the derived attributes. */
    static List<String> differences(ProfileRecord file, Map<String, AttributeValue> item) {
        List<String> result = new ArrayList<>();
        ProfileRecord stored = ProfileItems.toRecord(item);
        if (!file.id().equals(stored.id())) {
            result.add("id");
        }
        if (!file.timestamp().equals(stored.timestamp())) {
            result.add("timestamp (file " + file.timestamp() + ", item " + stored.timestamp() + ")");
        }
        Set<String> fields = new LinkedHashSet<>();
        file.data().fieldNames().forEachRemaining(fields::add);
        stored.data().fieldNames().forEachRemaining(fields::add);
        for (String field : fields) {
            if (!sameJson(file.data().get(field), stored.data().get(field))) {
                result.add("data." + field);
            }
        }
        Map<String, AttributeValue> expected = ProfileItems.toItem(file, 0L, "migration");
        for (String attribute : DERIVED) {
            AttributeValue want = expected.get(attribute);
            AttributeValue got = item.get(attribute);
            if (want == null && got == null) {
                continue;
            }
            if (want == null || got == null || !sameJson(AttributeValues.toJson(want), AttributeValues.toJson(got))) {
                result.add(attribute + (want == null ? " (unexpected)" : got == null ? " (absent)" : ""));
            }
        }
        return result;
    }

    /** JSON equality with numeric equality (40 == 40.0) and key order ignored; absent == absent only. */
    static boolean sameJson(JsonNode a, JsonNode b) {
        if (a == null || b == null) {
            return a == b;
        }
        return JsonCodec.canonical(a).equals(JsonCodec.canonical(b));
    }

    /**
     * Waits until the processor group's committed offsets reach the end offsets of the profile topic.
     * Returns null when caught up, otherwise a description of the lag.
     */
    static String awaitProcessor(PipelineConfig config, Duration wait) throws InterruptedException {
        String topic = config.topics().profileEvents();
        String group = config.processorApplicationId();
        long deadline = System.nanoTime() + wait.toNanos();
        try (Admin admin = MigratorKafka.admin(config)) {
            MigratorKafka.requireReachable(admin, config);
            List<TopicPartition> partitions = MigratorKafka.partitions(admin, config, topic);
            String lag;
            boolean logged = false;
            while (true) {
                Map<TopicPartition, Long> ends = MigratorKafka.endOffsets(admin, config, partitions);
                Map<TopicPartition, OffsetAndMetadata> committed = MigratorKafka.get(
                        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata(), config,
                        "reading the offsets of group " + group);
                lag = lag(ends, committed);
                if (lag == null) {
                    LOG.info("processor {} has consumed all of {}", group, topic);
                    return null;
                }
                if (System.nanoTime() > deadline) {
                    return lag;
                }
                if (!logged) {
                    LOG.info("waiting up to {} s for processor {} to catch up: {}", wait.toSeconds(), group, lag);
                    logged = true;
                }
                Thread.sleep(500);
            }
        }
    }

    /** Null when every non-empty partition's committed offset is at (or past) its end offset. */
    static String lag(Map<TopicPartition, Long> ends, Map<TopicPartition, OffsetAndMetadata> committed) {
        long total = 0;
        Map<Integer, Long> behind = new TreeMap<>();
        for (var entry : ends.entrySet()) {
            long end = entry.getValue();
            OffsetAndMetadata offset = committed == null ? null : committed.get(entry.getKey());
            long position = offset == null ? 0 : offset.offset();
            if (end > position) {
                behind.put(entry.getKey().partition(), end - position);
                total += end - position;
            }
        }
        return behind.isEmpty() ? null : total + " events behind (partition=lag " + behind + ")";
    }

    static Duration parseDuration(String text) {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--timeout: " + e.getMessage());
        }
    }

}
