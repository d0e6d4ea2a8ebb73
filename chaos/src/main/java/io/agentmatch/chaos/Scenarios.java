package io.agentmatch.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmatch.contract.events.EventEnvelope;
import io.agentmatch.contract.events.EventSource;
import io.agentmatch.contract.events.EventType;
import io.agentmatch.contract.events.JsonCodec;
import io.agentmatch.contract.events.ProfileRecord;
import io.agentmatch.localstack.RunningComponent;
import io.agentmatch.localstack.TestStack;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fault scenarios. Each runs on its own namespace (topics, tables, processor group) of the
 * stack, injects its faults, waits (bounded) until the processor has caught up, and checks every
 * invariant of {@link StateCheck}. {@link ChaosMain} runs them at {@link Scale#FULL}, the
 * integration tests at {@link Scale#SHORT}.
 */
public final class Scenarios {
    private static final Logger LOG = LoggerFactory.getLogger(Scenarios.class);
    public static final List<String> FAULT_SCENARIOS = List.of("processor-kill", "api-kill", "kafka-restart",
            "dynalite-outage", "rebalance");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final TestStack stack;
    private final Scale scale;
    private final long seed;

    public Scenarios(TestStack stack, Scale scale, long seed) {
        this.stack = stack;
        this.scale = scale;
        this.seed = seed;
    }

    public Summary run(String scenario) {
        return Summary.timed(scenario, () -> switch (scenario) {
            case "processor-kill" -> processorKill();
            case "api-kill" -> apiKill();
            case "kafka-restart" -> kafkaRestart();
            case "dynalite-outage" -> dynaliteOutage();
            case "rebalance" -> rebalance();
            default -> throw new IllegalArgumentException("unknown scenario " + scenario);
        });
    }

    private Duration convergeTimeout() {
        return scale == Scale.FULL ? Duration.ofMinutes(12) : Duration.ofMinutes(4);
    }

    /** Waits for the processor to catch up, then checks every invariant. */
    private void finish(Faults faults, Acknowledged acknowledged, Summary summary, String... processors) {
        StateCheck check = new StateCheck(faults.config);
        if (!check.awaitConverged(convergeTimeout())) {
            summary.fail("the tables and projections did not catch up with the log within " + convergeTimeout());
        }
        check.check(acknowledged, summary);
        for (String role : processors) {
            if (!faults.running(role)) {
                summary.fail(faults.name(role) + " is not running at the end");
            } else if (!healthy(faults, role)) {
                summary.fail(faults.name(role) + " does not report healthy at the end");
            }
        }
    }

    private boolean healthy(Faults faults, String role) {
        var spec = faults.stack.pipelineStack().state().components().get(faults.name(role));
        return spec != null && status(spec.readyUrl()) == 200;
    }

    static int status(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    // ------------------------------------------------------------------ processor-kill

    /**
     * A migration of generated legacy files with the migrator's generate and migrate, the processor
     * killed with SIGKILL at random moments while it works through it, then API updates of some of the
     * profiles and a re-run of the same migration (whose stale re-imports must not undo the updates).
     */
    Summary processorKill() throws Exception {
        Summary summary = new Summary("processor-kill");
        Acknowledged acknowledged = new Acknowledged();
        Random random = new Random(seed);
        try (Faults faults = new Faults(stack, "processor-kill")) {
            Path dir = Files.createTempDirectory("chaos-legacy-");
            Path report = dir.resolveSibling(dir.getFileName() + "-report.json");
            try {
                int generated = faults.migrator("generate", "--out", dir.toString(), "--count",
                        Integer.toString(scale.migrationEvents()), "--seed", Long.toString(seed));
                if (generated != 0) {
                    summary.fail("generate exited with " + generated);
                    return summary;
                }
                faults.processor("processor", Map.of());
                Process migrate = faults.startMigrator("migrate", "--source", dir.toString(), "--report", report.toString());
                for (int kill = 0; kill < scale.processorKills(); kill++) {
                    Faults.pause(1000 + random.nextInt(4000));
                    faults.killAndRestart("processor");
                    summary.faults++;
                }
                int exit = Faults.await(migrate);
                if (exit != 0) {
                    summary.fail("migrate exited with " + exit);
                }
                JsonNode counts = JsonCodec.readTree(Files.readAllBytes(report)).get("counts");
                summary.notes.add("migrate published " + counts.get("published").asLong() + " of "
                        + counts.get("seen").asLong() + " files");
                // What generate wrote is valid legacy files, all published (the report's counts say so).
                try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
                    for (Path file : files) {
                        ProfileRecord record = ProfileRecord.fromJson(JsonCodec.readTree(Files.readAllBytes(file)));
                        acknowledged.profile(record.id(), record.data(), record.timestamp());
                    }
                }
                // API updates of 2% of the profiles, then the same migration again: its re-imports are stale.
                List<String> ids = new ArrayList<>(acknowledged.profiles().keySet());
                Collections.shuffle(ids, random);
                try (KafkaProducer<String, byte[]> producer = EventMix.producer(faults.config)) {
                    for (String id : ids.subList(0, Math.max(1, ids.size() / 50))) {
                        Acknowledged.Profile before = acknowledged.current(id);
                        ObjectNode data = before.data().deepCopy();
                        data.put("description", "updated through the API during the chaos run");
                        ProfileRecord updated = new ProfileRecord(id, before.timestamp(), data);
                        producer.send(new ProducerRecord<>(faults.config.topics().profileEvents(), id, JsonCodec.toBytes(
                                EventEnvelope.of(EventType.PROFILE_UPDATED, EventSource.API, id, null, updated.toJson())))).get();
                        acknowledged.profile(id, data, before.timestamp());
                    }
                }
                int rerun = faults.migrator("migrate", "--source", dir.toString());
                if (rerun != 0) {
                    summary.fail("the re-run of migrate exited with " + rerun);
                }
                finish(faults, acknowledged, summary, "processor");
            } finally {
                deleteTree(dir);
                Files.deleteIfExists(report);
            }
        }
        return summary;
    }

    // ------------------------------------------------------------------ api-kill

    /** Clients write with Idempotency-Keys and retries while the API is killed with SIGKILL and restarted. */
    Summary apiKill() {
        Summary summary = new Summary("api-kill");
        Acknowledged acknowledged = new Acknowledged();
        Random random = new Random(seed + 1);
        try (Faults faults = new Faults(stack, "api-kill")) {
            faults.processor("processor", Map.of());
            int port = TestStack.freePort();
            RunningComponent api = faults.api("api", port, Map.of("API_MATCHING", "false"));
            Writers writers = new Writers(api.url(), null, scale.apiClients(), "ak" + seed, Duration.ofSeconds(90),
                    acknowledged);
            long end = System.nanoTime() + Duration.ofSeconds(scale.apiWriteSeconds()).toNanos();
            writers.start();
            long slot = scale.apiWriteSeconds() * 1000L / (scale.apiKills() + 1);
            for (int kill = 0; kill < scale.apiKills(); kill++) {
                Faults.pause(slot / 2 + random.nextInt((int) slot / 2));
                faults.killAndRestart("api");
                summary.faults++;
            }
            long left = (end - System.nanoTime()) / 1_000_000;
            if (left > 0) {
                Faults.pause(left);
            }
            writers.stop();
            summary.notes.add(writers.describe());
            checkWriters(writers, summary);
            finish(faults, acknowledged, summary, "processor");
            if (status(api.url() + "/health") != 200) {
                summary.fail("the API does not answer /health at the end");
            }
        }
        return summary;
    }

    private static void checkWriters(Writers writers, Summary summary) {
        if (writers.rejected.get() > 0) {
            summary.fail(writers.rejected.get() + " valid writes refused with 4xx, e.g. " + writers.rejections.get(0));
        }
        if (!writers.unexpected.isEmpty()) {
            summary.fail("5xx other than 503/504: " + writers.unexpected.get(0));
        }
        if (writers.gaveUp.get() > 0) {
            summary.fail(writers.gaveUp.get() + " writes were never acknowledged despite retries");
        }
    }

    // ------------------------------------------------------------------ kafka-restart

    /** The broker stopped while clients write: the API answers 503 promptly, then recovers; nothing is lost. */
    Summary kafkaRestart() {
        Summary summary = new Summary("kafka-restart");
        Acknowledged acknowledged = new Acknowledged();
        try (Faults faults = new Faults(stack, "kafka-restart")) {
            faults.processor("processor", Map.of());
            int port = TestStack.freePort();
            RunningComponent api = faults.api("api", port, Map.of("API_MATCHING", "false"));
            Writers writers = new Writers(api.url(), null, Math.max(2, scale.apiClients() / 2), "kr" + seed,
                    Duration.ofSeconds(180), acknowledged);
            writers.start();
            Faults.pause(3000);
            List<long[]> answers = Collections.synchronizedList(new ArrayList<>());
            AtomicBoolean down = new AtomicBoolean(true);
            stack.stop("kafka");
            summary.faults++;
            LOG.info("kafka stopped for {} s", scale.kafkaOutage());
            Thread prober = new Thread(() -> {
                int n = 0;
                while (down.get()) {
                    long start = System.nanoTime();
                    int status = post(api.url() + "/store", "{\"name\":\"probe\",\"nonce\":\"probe-" + seed + "-" + n + "\"}",
                            "probe-" + seed + "-" + n++);
                    if (down.get()) {
                        answers.add(new long[] {status, (System.nanoTime() - start) / 1_000_000});
                    }
                    Faults.pause(200);
                }
            }, "prober");
            prober.start();
            Faults.pause(scale.kafkaOutage() * 1000L);
            down.set(false);
            joinQuietly(prober);
            long restart = System.nanoTime();
            stack.start("kafka");
            LOG.info("kafka started again");
            long maxMs = answers.stream().mapToLong(a -> a[1]).max().orElse(-1);
            long unavailable = answers.stream().filter(a -> a[0] == 503).count();
            long unknown = answers.stream().filter(a -> a[0] == 504).count();
            List<Long> other = answers.stream().filter(a -> a[0] != 503 && a[0] != 504).map(a -> a[0]).distinct().toList();
            summary.notes.add("while down: " + answers.size() + " probe writes, " + unavailable + " answered 503 (not stored), "
                    + unknown + " 504 (outcome unknown), slowest " + maxMs + " ms");
            if (answers.isEmpty() || !other.isEmpty()) {
                summary.fail("while Kafka was down the API answered " + other + " instead of 503/504");
            }
            if (maxMs > 5000) {
                summary.fail("a 503 took " + maxMs + " ms while Kafka was down (not prompt)");
            }
            int recovered = 0;
            for (int attempt = 0; attempt < 600 && recovered != 201; attempt++) {
                recovered = post(api.url() + "/store", "{\"name\":\"after\"}", "recovery-" + seed);
                if (recovered != 201) {
                    Faults.pause(100);
                }
            }
            summary.notes.add(String.format("the API accepted writes again %.1f s after the broker was started",
                    (System.nanoTime() - restart) / 1e9));
            if (recovered != 201) {
                summary.fail("the API did not accept writes again within 60 s of the broker's restart");
            }
            Faults.pause(3000);
            writers.stop();
            summary.notes.add(writers.describe());
            checkWriters(writers, summary);
            finish(faults, acknowledged, summary, "processor");
        }
        return summary;
    }

    static int post(String url, String json, String key) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15))
                    .header("Content-Type", "application/json").header("Idempotency-Key", key)
                    .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    // ------------------------------------------------------------------ dynalite-outage

    /** DynamoDB (dynalite) stopped while the processor works through a stream of events; it waits and catches up. */
    Summary dynaliteOutage() throws Exception {
        Summary summary = new Summary("dynalite-outage");
        Acknowledged acknowledged = new Acknowledged();
        try (Faults faults = new Faults(stack, "dynalite-outage");
             KafkaProducer<String, byte[]> producer = EventMix.producer(faults.config)) {
            faults.processor("processor", Map.of());
            EventMix mix = new EventMix(faults.config, seed + 2, "do" + seed, acknowledged);
            mix.publish(producer, scale.streamEvents() / 2);
            Faults.pause(1000);
            stack.stop("dynalite");
            summary.faults++;
            long stopped = System.nanoTime();
            LOG.info("dynalite stopped for {} s", scale.dynamoOutage());
            try {
                mix.publish(producer, scale.streamEvents() - scale.streamEvents() / 2);
                long left = scale.dynamoOutage() * 1000L - (System.nanoTime() - stopped) / 1_000_000;
                if (left > 0) {
                    Faults.pause(left);
                }
                if (!faults.running("processor")) {
                    summary.fail("the processor exited while DynamoDB was down");
                }
            } finally {
                stack.start("dynalite");
                LOG.info("dynalite started again");
            }
            finish(faults, acknowledged, summary, "processor");
        }
        return summary;
    }

    // ------------------------------------------------------------------ rebalance

    /** A second processor instance joins and leaves (gracefully, then with SIGKILL) while events stream in. */
    Summary rebalance() throws Exception {
        Summary summary = new Summary("rebalance");
        Acknowledged acknowledged = new Acknowledged();
        try (Faults faults = new Faults(stack, "rebalance");
             KafkaProducer<String, byte[]> producer = EventMix.producer(faults.config)) {
            faults.processor("processor", Map.of());
            EventMix mix = new EventMix(faults.config, seed + 3, "rb" + seed, acknowledged);
            int slices = 2 * scale.rebalances() + 2;
            int perSlice = scale.streamEvents() / slices;
            for (int slice = 0; slice < slices; slice++) {
                mix.publish(producer, perSlice);
                if (slice < 2 * scale.rebalances()) {
                    if (slice % 2 == 0) {
                        faults.processor("processor-2", Map.of());
                        LOG.info("processor-2 joined");
                    } else if (slice % 4 == 1) {
                        stack.stop(faults.name("processor-2"));
                        LOG.info("processor-2 left (stopped)");
                    } else {
                        stack.kill(faults.name("processor-2"));
                        LOG.info("processor-2 left (kill -9)");
                    }
                    summary.faults++;
                }
                Faults.pause(1000);
            }
            finish(faults, acknowledged, summary, "processor");
        }
        return summary;
    }

    private static void joinQuietly(Thread thread) {
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var walk = Files.walk(root)) {
            for (Path path : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
