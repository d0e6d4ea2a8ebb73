package io.agentmatch.migrator;

import io.agentmatch.contract.Limits;
import io.agentmatch.contract.config.Env;
import io.agentmatch.contract.config.PipelineConfig;
import io.agentmatch.contract.events.EventEnvelope;
import io.agentmatch.contract.events.EventSerde;
import io.agentmatch.contract.events.EventSource;
import io.agentmatch.contract.events.EventType;
import io.agentmatch.contract.events.ProfileRecord;
import io.agentmatch.contract.storage.ProfileItems;
import io.agentmatch.contract.trace.Traced;
import io.agentmatch.contract.trace.Tracing;
import io.agentmatch.migrator.LegacyFiles.Check;
import io.agentmatch.migrator.LegacyFiles.Invalid;
import io.agentmatch.migrator.LegacyFiles.NotAFile;
import io.agentmatch.migrator.LegacyFiles.Valid;
import io.agentmatch.migrator.Reports.Entry;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = {
                "Publishes every valid legacy file of --source as a PROFILE_IMPORTED event.",
                "One event per valid file goes to the profile topic (idempotent producer, acks=all). Files whose "
                        + "DynamoDB item already has the same content (unchanged) or was changed through the API (kept) "
                        + "are not published. Invalid files are reported with their reason and skipped; the run goes on."},
        footer = {"", ExitCodes.HELP,
                "migrate: 0 = every file published, unchanged or kept; 3 = some files skipped as invalid."})
public final class MigrateCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger("migrate");

    @Option(names = "--source", required = true, paramLabel = "DIR",
            description = "The legacy json_storage folder (only *.json files directly inside are read).")
    Path source;

    @Option(names = "--report", paramLabel = "FILE", description = "Write a JSON report: counts and every file not migrated.")
    Path report;

    @Option(names = "--dry-run", description = "Validate and report only: no DynamoDB lookups, nothing published, Kafka not needed.")
    boolean dryRun;

    @Option(names = "--max-file-bytes", paramLabel = "BYTES", defaultValue = "" + Limits.MAX_LEGACY_FILE_BYTES,
            description = "Files larger than this are skipped before parsing (default: ${DEFAULT-VALUE}).")
    long maxFileBytes;

    private final AtomicLong seen = new AtomicLong();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong unchanged = new AtomicLong();
    private final AtomicLong wouldPublish = new AtomicLong();
    private final List<Entry> skipped = Collections.synchronizedList(new ArrayList<>());
    private final List<Entry> kept = Collections.synchronizedList(new ArrayList<>());
    private final List<Entry> failed = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong inFlight = new AtomicLong();
    private final AtomicReference<String> fatal = new AtomicReference<>();

    private Progress progress;
    /** The run's span, and the trace headers every event of the run carries. */
    private Traced run;
    private Header[] traceHeaders;

    @Override
    public Integer call() throws Exception {
        PipelineConfig config = MigratorMain.config();
        Path dir = source.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            LOG.error("source folder {} does not exist or is not a directory", dir);
            return ExitCodes.FATAL;
        }
        long total;
        try {
            total = LegacyFiles.count(dir);
        } catch (IOException e) {
            LOG.error("cannot list source folder {}: {}", dir, LegacyFiles.describe(e));
            return ExitCodes.FATAL;
        }
        String topic = config.topics().profileEvents();
        // One trace per run: every event carries the run's span as its parent, so the processor's work on
        // a migration is one trace, and every line logged meanwhile has its trace id.
        Tracing tracing = Tracing.autoconfigure("migrator", Env.system());
        run = tracing.start("migrate", SpanKind.PRODUCER, Context.root())
                .attribute("messaging.system", "kafka")
                .attribute("messaging.destination.name", topic)
                .attribute("agentmatch.migrate.source", dir.toString());
        traceHeaders = run.recordHeaders().toArray();
        try (Traced.In in = run.enter()) {
            LOG.info("migrate {}: {} *.json entries{} (trace {})", dir, total,
                    dryRun ? " (dry run: validating only, nothing is published)" : " -> topic " + topic, run.traceId());
            return migrate(config, dir, total, topic);
        } finally {
            run.end();
            tracing.close();
        }
    }

    private Integer migrate(PipelineConfig config, Path dir, long total, String topic) throws Exception {
        KafkaProducer<String, byte[]> producer = null;
        DynamoDbClient dynamo = null;
        ThreadPoolExecutor publisher = null;
        try {
            ProfileTable table = null;
            if (!dryRun) {
                try (Admin admin = MigratorKafka.admin(config)) {
                    MigratorKafka.requireReachable(admin, config);
                    MigratorKafka.ensureTopics(config, List.of(topic));
                }
                dynamo = ProfileTable.clients(config).sync(Duration.ofSeconds(15));
                table = new ProfileTable(dynamo, config);
                if (!table.tableExists()) {
                    LOG.warn("table {} does not exist yet: every valid file is published", config.profileTable());
                    table = null;
                }
                producer = MigratorKafka.producer(config, "events");
                publisher = new ThreadPoolExecutor(2, 2, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(4),
                        new ThreadPoolExecutor.CallerRunsPolicy());
            }
            progress = new Progress("files", total, LOG);
            List<Valid> batch = new ArrayList<>(ProfileTable.BATCH);
            try (DirectoryStream<Path> entries = LegacyFiles.list(dir)) {
                for (Path path : entries) {
                    if (fatal.get() != null) {
                        break;
                    }
                    Check check = LegacyFiles.check(path, maxFileBytes);
                    if (check instanceof NotAFile) {
                        LOG.debug("ignored {}: not a regular file", path.getFileName());
                        continue;
                    }
                    seen.incrementAndGet();
                    if (check instanceof Invalid invalid) {
                        skipped.add(new Entry(invalid.fileName(), null, invalid.reason()));
                        progress.clear();
                        LOG.warn("skipped {}: {}", invalid.fileName(), invalid.reason());
                    } else if (check instanceof Valid valid) {
                        if (dryRun) {
                            wouldPublish.incrementAndGet();
                        } else {
                            batch.add(valid);
                            if (batch.size() == ProfileTable.BATCH) {
                                submit(publisher, table, producer, topic, batch);
                                batch = new ArrayList<>(ProfileTable.BATCH);
                            }
                        }
                    }
                    progress.update(seen.get());
                }
            }
            if (!batch.isEmpty() && fatal.get() == null) {
                submit(publisher, table, producer, topic, batch);
            }
            if (publisher != null) {
                publisher.shutdown();
                publisher.awaitTermination(1, TimeUnit.HOURS);
                producer.flush();
                while (inFlight.get() > 0) {
                    Thread.sleep(10);
                }
            }
        } catch (MigratorKafka.KafkaUnavailableException | ProfileTable.DynamoUnavailableException e) {
            fatal.compareAndSet(null, e.getMessage());
        } catch (IOException e) {
            fatal.compareAndSet(null, "cannot read source folder " + dir + ": " + LegacyFiles.describe(e));
        } finally {
            if (publisher != null) {
                publisher.shutdownNow();
            }
            if (producer != null) {
                producer.close(Duration.ofSeconds(10));
            }
            if (dynamo != null) {
                dynamo.close();
            }
            if (progress != null) {
                progress.clear();
            }
        }
        return finish(dir);
    }

    private void submit(ThreadPoolExecutor publisher, ProfileTable table, KafkaProducer<String, byte[]> producer,
                        String topic, List<Valid> batch) {
        publisher.execute(() -> {
            if (fatal.get() != null) {
                return;
            }
            try (Traced.In in = run.enter()) {
                publish(table, producer, topic, batch);
            } catch (MigratorKafka.KafkaUnavailableException | ProfileTable.DynamoUnavailableException e) {
                fatal.compareAndSet(null, e.getMessage());
            } catch (RuntimeException e) {
                fatal.compareAndSet(null, "publishing failed: " + MigratorKafka.rootMessage(e));
            }
        });
    }

    private void publish(ProfileTable table, KafkaProducer<String, byte[]> producer, String topic, List<Valid> batch) {
        Map<String, Map<String, AttributeValue>> current = table == null ? Map.of()
                : table.getAll(batch.stream().map(v -> v.record().id()).toList());
        for (Valid valid : batch) {
            String id = valid.record().id();
            Map<String, AttributeValue> item = current.get(id);
            if (item != null) {
                AttributeValue origin = item.get(ProfileItems.ORIGIN);
                if (origin != null && "api".equalsIgnoreCase(origin.s())) {
                    kept.add(new Entry(valid.fileName(), id, "changed through the API since the migration; not overwritten"));
                    progress.clear();
                    LOG.info("kept {}: changed through the API since the migration", id);
                    continue;
                }
                if (ProfileItems.toRecord(item).contentHash().equals(valid.record().contentHash())) {
                    unchanged.incrementAndGet();
                    continue;
                }
            }
            byte[] value = new EventSerde().serializer().serialize(topic, importEvent(valid.record()));
            inFlight.incrementAndGet();
            try {
                producer.send(new ProducerRecord<>(topic, null, id, value, new RecordHeaders(traceHeaders)), (metadata, error) -> {
                    if (error == null) {
                        published.incrementAndGet();
                    } else {
                        failed.add(new Entry(valid.fileName(), id, "not published: " + MigratorKafka.rootMessage(error)));
                        fatal.compareAndSet(null, "Kafka did not acknowledge a publication to " + topic + ": "
                                + MigratorKafka.rootMessage(error));
                    }
                    inFlight.decrementAndGet();
                });
            } catch (RuntimeException e) {
                inFlight.decrementAndGet();
                failed.add(new Entry(valid.fileName(), id, "not published: " + MigratorKafka.rootMessage(e)));
                throw new MigratorKafka.KafkaUnavailableException("publishing to " + topic + " failed: "
                        + MigratorKafka.rootMessage(e));
            }
        }
    }

    /** The event a valid legacy file becomes (MigratedEventsTest reads it against the published schema). */
    static EventEnvelope importEvent(ProfileRecord record) {
        return EventEnvelope.of(EventType.PROFILE_IMPORTED, EventSource.MIGRATION, record.id(), null, record.toJson());
    }

    /**
     * What the report says ({@code --report}): {@code traceId} the run's trace (when tracing is on),
     * {@code fatalError} and {@code counts.abandoned} only when the run stopped.
     */
    record Result(String source, boolean dryRun, long durationMs, String traceId, Counts counts, String fatalError,
                  List<Entry> skipped, List<Entry> kept, List<Entry> failed) {
    }

    /** A dry run counts the valid files; a real one what became of them. */
    record Counts(long seen, Long valid, Long published, Long unchanged, Long kept, long skipped, long failed, Long abandoned) {
    }

    private Result result(Path dir, Duration elapsed) {
        String fatalError = fatal.get();
        Long abandoned = fatalError == null || dryRun ? null
                // Validated, but the run stopped before they were looked up or published.
                : seen.get() - published.get() - unchanged.get() - kept.size() - skipped.size() - failed.size();
        Counts counts = dryRun
                ? new Counts(seen.get(), wouldPublish.get(), null, null, null, skipped.size(), failed.size(), abandoned)
                : new Counts(seen.get(), null, published.get(), unchanged.get(), (long) kept.size(), skipped.size(), failed.size(),
                        abandoned);
        return new Result(dir.toString(), dryRun, elapsed.toMillis(), run == null ? null : run.traceId(), counts, fatalError,
                sorted(skipped), sorted(kept), sorted(failed));
    }

    private int finish(Path dir) throws IOException {
        Duration elapsed = progress == null ? Duration.ZERO : progress.elapsed();
        double rate = progress == null ? 0 : progress.rate(seen.get());
        if (dryRun) {
            LOG.info("dry run finished in {}: {} files seen = {} valid + {} skipped as invalid ({} files/s); nothing published",
                    seconds(elapsed), seen.get(), wouldPublish.get(), skipped.size(), String.format("%.0f", rate));
        } else {
            LOG.info("migrate finished in {}: {} files seen = {} published + {} unchanged + {} kept + {} skipped{} ({} files/s)",
                    seconds(elapsed), seen.get(), published.get(), unchanged.get(), kept.size(), skipped.size(),
                    failed.isEmpty() ? "" : " + " + failed.size() + " failed", String.format("%.0f", rate));
        }
        if (report != null) {
            Reports.write(report, "migrate", result(dir, elapsed));
            LOG.info("report written to {}", report.toAbsolutePath().normalize());
        }
        if (fatal.get() != null) {
            LOG.error("migrate failed: {}", fatal.get());
            return ExitCodes.FATAL;
        }
        return skipped.isEmpty() ? ExitCodes.OK : ExitCodes.SKIPPED;
    }

    private static List<Entry> sorted(List<Entry> entries) {
        synchronized (entries) {
            List<Entry> copy = new ArrayList<>(entries);
            copy.sort(java.util.Comparator.comparing(Entry::file));
            return copy;
        }
    }

    static String seconds(Duration duration) {
        return String.format("%.1f s", duration.toMillis() / 1000.0);
    }
}
