package io.agentmatch.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentmatch.contract.config.PipelineConfig;
import io.agentmatch.contract.kafka.KafkaClients;
import io.agentmatch.localstack.Await;
import io.agentmatch.localstack.RunningComponent;
import io.agentmatch.localstack.TestStack;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The real processor and API jars on the test stack, after a little traffic (writes, reads, a match,
 * a poisoned event): every metric the dashboard and the alert rules read is exported by one of them,
 * docs/OPERATIONS.md lists exactly the metrics they export, and {@code ./pipeline status} reads both
 * as healthy. A renamed metric fails here, not on an operator's empty panel.
 */
class MonitoringIT {
    private static final Duration SETTLE = Duration.ofMinutes(3);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** Our own metrics: each must be documented (the binders' jvm_*, process_*, kafka_* are, by family). */
    private static final Pattern OURS = Pattern.compile("^(api|processor|dynamodb_client)_.*");

    @Test
    void theDashboardAndTheAlertsReadOnlyExportedMetricsAndTheDocsListExactlyOurs() throws Exception {
        TestStack stack = TestStack.shared();
        PipelineConfig config = stack.isolatedConfig("monitoring");
        RunningComponent processor = stack.startProcessor(config, "processor-monitoring");
        RunningComponent api = stack.startApi(config, "api-monitoring", TestStack.freePort());
        try {
            traffic(api.url(), config);
            Await.until("the traffic is processed: embedded and dead-lettered", SETTLE, () -> {
                String text = get(processor.url() + "/metrics");
                return sum(text, "processor_embeddings_computed_total", "") >= 3
                        && sum(text, "processor_dead_letters_total", "") >= 1;
            });
            String processorMetrics = get(processor.url() + "/metrics");
            String apiMetrics = get(api.url() + "/metrics");
            // Kept for whoever reads a failure: what each component exported.
            Path scrapes = Files.createDirectories(MonitoringFiles.repo().resolve("conformance/target/monitoring-it"));
            Files.writeString(scrapes.resolve("processor.metrics.txt"), processorMetrics);
            Files.writeString(scrapes.resolve("api.metrics.txt"), apiMetrics);

            Set<String> exported = new TreeSet<>(MonitoringFiles.seriesNames(processorMetrics));
            exported.addAll(MonitoringFiles.seriesNames(apiMetrics));
            exported.addAll(MonitoringFiles.PROMETHEUS_OWN);
            Map<String, Set<String>> missing = new LinkedHashMap<>();
            MonitoringFiles.allQueries().forEach((where, expr) -> {
                Set<String> names = new TreeSet<>(PromQl.metricNames(expr));
                names.removeAll(exported);
                if (!names.isEmpty()) {
                    missing.put(where, names);
                }
            });
            assertEquals(Map.of(), missing, "queries naming metrics that neither the processor nor the API exports");

            documentationListsExactlyWhatIsExported(processorMetrics, apiMetrics);

            // Lag from committed offsets drains to 0 once all is processed, also on the transactional
            // changes topic (its commit markers are not counted as records owed).
            Await.until("both applications' lag drains to 0", SETTLE, () -> {
                String text = get(processor.url() + "/metrics");
                return sum(text, "processor_consumer_lag_records", "application=\"persister\"") == 0
                        && sum(text, "processor_consumer_lag_records", "application=\"projector\"") == 0;
            });

            // ./pipeline status: both answer their /health and /ready.
            List<String> status = stack.pipelineStack().status();
            for (String name : List.of("processor-monitoring", "api-monitoring")) {
                assertTrue(status.stream().anyMatch(line -> line.startsWith(name + " ") && line.endsWith("running, healthy")),
                        String.join("\n", status));
            }
        } finally {
            stack.stop("api-monitoring");
            stack.stop("processor-monitoring");
        }
    }

    private static void documentationListsExactlyWhatIsExported(String processorMetrics, String apiMetrics) throws IOException {
        Map<String, String> families = new LinkedHashMap<>(MonitoringFiles.families(processorMetrics));
        families.putAll(MonitoringFiles.families(apiMetrics));
        Set<String> documented = new TreeSet<>();
        Set<String> stale = new TreeSet<>();
        for (MonitoringFiles.Documented row : MonitoringFiles.documentedMetrics()) {
            documented.add(row.name());
            if (!families.containsKey(row.name()) && !row.lazy()) {
                stale.add(row.name());
            }
        }
        assertEquals(Set.of(), stale, "in docs/OPERATIONS.md but exported by neither component (renamed? mark it lazy?)");
        Set<String> undocumented = new TreeSet<>();
        families.forEach((name, type) -> {
            // Micrometer's x_seconds_max gauge goes with the x_seconds histogram, documented once.
            boolean timerMax = name.endsWith("_max") && "histogram".equals(families.get(name.substring(0, name.length() - 4)));
            if (OURS.matcher(name).matches() && !timerMax && !documented.contains(name)) {
                undocumented.add(name + " (" + type + ")");
            }
        });
        assertEquals(Set.of(), undocumented, "exported but not in docs/OPERATIONS.md");
    }

    /** Writes, reads, a conversation, a match, and one event no fold can read (a dead letter). */
    private static void traffic(String api, PipelineConfig config) throws Exception {
        String id = null;
        for (String job : List.of("Plumber", "Electrician", "Gardener")) {
            HttpResponse<String> stored = post(api + "/store", "{\"name\":\"Monitor " + job + "\",\"job\":\"" + job
                    + "\",\"description\":\"A " + job.toLowerCase() + " for the monitoring test\"}");
            assertEquals(201, stored.statusCode(), stored.body());
            id = stored.body().replaceAll(".*\"id\"\\s*:\\s*\"([^\"]+)\".*", "$1");
        }
        String last = id;
        Await.until("the last profile is readable", SETTLE, () -> status(api + "/retrieve/" + last) == 200);
        assertEquals(200, status(api + "/list"));
        assertEquals(201, post(api + "/conversation", "{\"agent_id\":\"" + id + "\",\"message\":\"hello\",\"sender\":\"user\"}")
                .statusCode());
        Await.until("a match answers", SETTLE, () -> post(api + "/match", "{\"description\":\"a leaking pipe\"}").statusCode() == 200);
        try (var producer = KafkaClients.of(config.kafka(), "monitoring-it").producer("poison")
                .require(ProducerConfig.ACKS_CONFIG, "all").newProducer(new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(config.topics().profileEvents(), "poison-1",
                    "{ not json".getBytes(StandardCharsets.UTF_8))).get();
        }
    }

    /** The sum of a metric's samples whose labels contain {@code labelFilter}; 0 when there is none, NaN stays NaN. */
    private static double sum(String scrape, String name, String labelFilter) {
        double total = 0;
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*})? (\\S+)$").matcher(scrape);
        while (m.find()) {
            if (m.group(1) == null ? labelFilter.isEmpty() : m.group(1).contains(labelFilter)) {
                total += Double.parseDouble(m.group(2));
            }
        }
        return total;
    }

    private static String get(String url) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), url + ": " + response.body());
            return response.body();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int status(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static HttpResponse<String> post(String url, String json) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
