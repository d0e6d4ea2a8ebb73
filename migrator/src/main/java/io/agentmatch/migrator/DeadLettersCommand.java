package io.agentmatch.migrator;

import io.agentmatch.contract.config.PipelineConfig;
import io.agentmatch.contract.events.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "dead-letters", mixinStandardHelpOptions = true,
        description = "Events the processor could not apply: list them, or re-publish them to their source topic after a fix.",
        subcommands = {DeadLettersCommand.ListCommand.class, DeadLettersCommand.RedriveCommand.class,
                DeadLettersCommand.DiscardCommand.class},
        footer = {"", ExitCodes.HELP})
public final class DeadLettersCommand implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger("dead-letters");
    private static final int VALUE_PREVIEW_BYTES = 200;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: list or redrive");
    }

    static String redriveGroup(PipelineConfig config) {
        return config.groups().deadLetterRedrive();
    }

    /**
     * The redrive progress of the (single-partition) dead-letter topic: every offset below
     * {@code watermark} was redriven (or passed by --all), and so was each offset in {@code done}.
     * Stored as the redrive group's committed offset and its metadata.
     */
    record Progress(long watermark, TreeSet<Long> done) {
        static Progress of(OffsetAndMetadata committed) {
            TreeSet<Long> done = new TreeSet<>();
            if (committed == null) {
                return new Progress(0, done);
            }
            String metadata = committed.metadata();
            if (metadata != null && !metadata.isBlank()) {
                for (String part : metadata.split(",")) {
                    done.add(Long.parseLong(part.trim()));
                }
            }
            return new Progress(committed.offset(), done);
        }

        boolean redriven(long offset) {
            return offset < watermark || done.contains(offset);
        }

        Progress with(long offset) {
            TreeSet<Long> next = new TreeSet<>(done);
            next.add(offset);
            long w = watermark;
            while (next.remove(w)) {
                w++;
            }
            next.removeIf(o -> o < watermark);
            return new Progress(w, next);
        }

        OffsetAndMetadata toCommit() {
            StringBuilder metadata = new StringBuilder();
            for (Long offset : done) {
                if (metadata.length() > 0) {
                    metadata.append(',');
                }
                metadata.append(offset);
            }
            return new OffsetAndMetadata(watermark, metadata.toString());
        }
    }

    static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    static String preview(byte[] bytes, int max) {
        if (bytes == null) {
            return "null";
        }
        String text = new String(bytes, 0, Math.min(bytes.length, max), StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            out.append(c < 0x20 ? ' ' : c);
        }
        return bytes.length > max ? out + "... (" + bytes.length + " bytes)" : out.toString();
    }

    /** Reads the dead-letter partition from {@code from} up to its end offset at the start. */
    static List<ConsumerRecord<byte[], byte[]>> read(KafkaConsumer<byte[], byte[]> consumer, TopicPartition partition,
                                                     long from, int limit) {
        List<ConsumerRecord<byte[], byte[]>> result = new ArrayList<>();
        long end = consumer.endOffsets(List.of(partition)).get(partition);
        consumer.assign(List.of(partition));
        consumer.seek(partition, from);
        while (consumer.position(partition) < end && result.size() < limit) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                if (record.offset() < end && result.size() < limit) {
                    result.add(record);
                }
            }
        }
        return result;
    }

    static TopicPartition partition(PipelineConfig config) {
        try (Admin admin = MigratorKafka.admin(config)) {
            MigratorKafka.requireReachable(admin, config);
            List<TopicPartition> partitions = MigratorKafka.partitions(admin, config, config.topics().deadLetters());
            if (partitions.size() != 1) {
                LOG.warn("{} has {} partitions; only partition 0 is handled", config.topics().deadLetters(), partitions.size());
            }
            return new TopicPartition(config.topics().deadLetters(), 0);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Prints each dead letter: offset, source topic/partition/offset, reason, key and the first bytes of the value.",
            footer = {"", ExitCodes.HELP})
    static final class ListCommand implements Callable<Integer> {
        @Option(names = "--limit", defaultValue = "100", paramLabel = "N", description = "At most N records (default ${DEFAULT-VALUE}).")
        int limit;

        @Option(names = "--from", defaultValue = "0", paramLabel = "OFFSET", description = "First offset to show (default ${DEFAULT-VALUE}).")
        long from;

        @Override
        public Integer call() {
            PipelineConfig config = MigratorMain.config();
            TopicPartition partition = partition(config);
            try (KafkaConsumer<byte[], byte[]> consumer = MigratorKafka.reader(config, "dead-letters", redriveGroup(config))) {
                Progress progress = Progress.of(consumer.committed(java.util.Set.of(partition)).get(partition));
                List<ConsumerRecord<byte[], byte[]>> records = read(consumer, partition, from, limit);
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    System.out.printf("offset=%d source=%s/%s@%s%s%n  reason: %s%n  key: %s%n  value: %s%n",
                            record.offset(), header(record, Topics.HEADER_DLQ_TOPIC), header(record, Topics.HEADER_DLQ_PARTITION),
                            header(record, Topics.HEADER_DLQ_OFFSET), progress.redriven(record.offset()) ? " [redriven]" : "",
                            header(record, Topics.HEADER_DLQ_REASON), preview(record.key(), 200),
                            preview(record.value(), VALUE_PREVIEW_BYTES));
                }
                LOG.info("{} dead letters shown from {} (redrive watermark {})", records.size(), partition, progress.watermark());
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "redrive", mixinStandardHelpOptions = true,
            description = {"Re-publishes dead letters (original key and value) to their source topic, after a fix or an upgrade.",
                    "Each carries where it first stood (redrive.source.* headers): it applies in its original place, never over a",
                    "newer state, and the events its key held behind it (an unknown schema version) follow it in order.",
                    "Progress is committed in the consumer group <applicationId>-dlq-redrive, so each record is redriven once."},
            footer = {"", ExitCodes.HELP})
    static class RedriveCommand implements Callable<Integer> {
        static final class Selection {
            @Option(names = "--all", required = true, description = "Every dead letter not redriven yet.")
            boolean all;

            @Option(names = "--offset", required = true, arity = "1..*", paramLabel = "N", description = "These dead-letter offsets only.")
            List<Long> offsets;
        }

        @ArgGroup(exclusive = true, multiplicity = "1")
        Selection selection;

        /** Whether the records ask the processor to drop the held events instead of applying them. */
        boolean discard() {
            return false;
        }

        @Override
        public Integer call() throws Exception {
            PipelineConfig config = MigratorMain.config();
            TopicPartition partition = partition(config);
            String group = redriveGroup(config);
            int redriven = 0;
            int skipped = 0;
            try (KafkaConsumer<byte[], byte[]> consumer = MigratorKafka.reader(config, "redrive", group);
                 KafkaProducer<byte[], byte[]> producer = MigratorKafka.rawProducer(config, "redrive")) {
                Progress progress = Progress.of(consumer.committed(java.util.Set.of(partition)).get(partition));
                List<ConsumerRecord<byte[], byte[]>> records;
                if (selection.all) {
                    records = read(consumer, partition, progress.watermark(), Integer.MAX_VALUE);
                } else {
                    records = new ArrayList<>();
                    for (long offset : new TreeSet<>(selection.offsets)) {
                        if (progress.redriven(offset)) {
                            LOG.warn("offset {} was already redriven; skipped", offset);
                            skipped++;
                            continue;
                        }
                        List<ConsumerRecord<byte[], byte[]>> one = read(consumer, partition, offset, 1);
                        if (one.isEmpty() || one.get(0).offset() != offset) {
                            LOG.error("no dead letter at offset {} of {}", offset, partition);
                            skipped++;
                            continue;
                        }
                        records.add(one.get(0));
                    }
                }
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    if (progress.redriven(record.offset())) {
                        continue;
                    }
                    String topic = header(record, Topics.HEADER_DLQ_TOPIC);
                    if (topic == null || topic.isBlank()) {
                        LOG.error("dead letter at offset {} has no {} header; cannot redrive it", record.offset(), Topics.HEADER_DLQ_TOPIC);
                        skipped++;
                        continue;
                    }
                    RecordHeaders headers = redriveHeaders(record, discard());
                    try {
                        producer.send(new ProducerRecord<>(topic, null, record.key(), record.value(), headers))
                                .get(2, TimeUnit.MINUTES);
                    } catch (ExecutionException | TimeoutException e) {
                        LOG.error("redrive of offset {} to {} failed: {}; progress so far is committed", record.offset(), topic,
                                MigratorKafka.rootMessage(e));
                        return ExitCodes.FATAL;
                    }
                    progress = progress.with(record.offset());
                    consumer.commitSync(Map.of(partition, progress.toCommit()));
                    redriven++;
                    LOG.info("{} dead letter {} to {} (reason was: {})", discard() ? "discarded" : "redrove", record.offset(),
                            topic, header(record, Topics.HEADER_DLQ_REASON));
                }
                if (selection.all) {
                    long end = consumer.endOffsets(List.of(partition)).get(partition);
                    if (!records.isEmpty()) {
                        long last = records.get(records.size() - 1).offset() + 1;
                        progress = new Progress(Math.max(progress.watermark(), Math.min(last, end)), progress.done());
                        progress = new Progress(progress.watermark(), new TreeSet<>(progress.done().tailSet(progress.watermark())));
                        consumer.commitSync(Map.of(partition, progress.toCommit()));
                    }
                }
            }
            LOG.info("{} finished: {} {}, {} skipped", discard() ? "discard" : "redrive", redriven,
                    discard() ? "discarded" : "redriven", skipped);
            return skipped == 0 ? ExitCodes.OK : ExitCodes.SKIPPED;
        }
    }

    /**
     * The record a redrive publishes: the dead letter's own headers but the dead-letter ones, and where
     * it first stood, so that the fold applies it at that position ({@code EventPosition}).
     */
    static RecordHeaders redriveHeaders(ConsumerRecord<byte[], byte[]> record, boolean discard) {
        RecordHeaders headers = new RecordHeaders();
        for (Header h : record.headers()) {
            if (!h.key().startsWith("dlq.") && !h.key().startsWith("redrive.")) {
                headers.add(h);
            }
        }
        for (String[] copy : new String[][] {{Topics.HEADER_DLQ_TOPIC, Topics.HEADER_REDRIVE_TOPIC},
                {Topics.HEADER_DLQ_PARTITION, Topics.HEADER_REDRIVE_PARTITION}, {Topics.HEADER_DLQ_OFFSET, Topics.HEADER_REDRIVE_OFFSET}}) {
            Header h = record.headers().lastHeader(copy[0]);
            if (h != null) {
                headers.add(copy[1], h.value());
            }
        }
        if (discard) {
            headers.add(Topics.HEADER_REDRIVE_ACTION, Topics.REDRIVE_DISCARD.getBytes(StandardCharsets.UTF_8));
        }
        return headers;
    }

    @Command(name = "discard", mixinStandardHelpOptions = true,
            description = {"Gives up dead letters of an unknown schema version for good: the events their keys hold behind",
                    "them are applied without them (in order). For an event no upgrade will ever read (a producer's bug).",
                    "Publishes a discard marker (the dead letter, with redrive.action=discard) to the source topic;",
                    "progress is shared with redrive."},
            footer = {"", ExitCodes.HELP})
    static final class DiscardCommand extends RedriveCommand {
        @Override
        boolean discard() {
            return true;
        }

        @Override
        public Integer call() throws Exception {
            if (selection.all) {
                throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                        "discard takes --offset: name the dead letters to give up");
            }
            return super.call();
        }
    }
}
