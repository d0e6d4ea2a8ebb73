package io.agentmatch.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The dashboard and the alert rules are well formed and documented, without a stack ({@code MonitoringIT}
 * holds their metric names against what the running components export).
 */
class MonitoringFilesTest {

    @Test
    void metricNamesAreFoundAndFunctionsLabelsStringsAndDurationsAreNot() {
        assertEquals(Set.of("api_http_requests_seconds_bucket"), PromQl.metricNames(
                "histogram_quantile(0.99, sum by (le, route) (rate(api_http_requests_seconds_bucket{method=~\"POST|PUT\", route!=\"/x(y)\"}[$__rate_interval])))"));
        assertEquals(Set.of("processor_consumer_lag_records"), PromQl.metricNames(
                "max by (application) (processor_consumer_lag_records) > 1e3 and on (application) "
                        + "max by (application) (deriv(processor_consumer_lag_records[10m:1m] offset 5m)) > 0"));
        assertEquals(Set.of("a_total", "b_total", "up"), PromQl.metricNames(
                "sum(rate(a_total[5m])) by (job) / ignoring(x) group_left(y) b_total unless up{job='z'} == bool 0"));
        assertEquals(Set.of("jvm_memory_used_bytes"), PromQl.metricNames("sum without (id) (jvm_memory_used_bytes{area=\"heap\"})"));
        assertEquals(Set.of(), PromQl.metricNames("vector(1) * 2.5"));
    }

    @Test
    void everyPanelHasQueriesAndEveryQueryReadsAMetric() throws IOException {
        Map<String, String> queries = MonitoringFiles.dashboardQueries();
        assertTrue(queries.size() >= 20, "the dashboard's panels: " + queries.keySet());
        List<String> empty = new ArrayList<>();
        queries.forEach((where, expr) -> {
            if (expr.isBlank() || PromQl.metricNames(expr).isEmpty()) {
                empty.add(where + ": " + expr);
            }
        });
        assertEquals(List.of(), empty, "queries that read no metric");
    }

    /**
     * The dashboard covers what the issue asks an operator to see: ingest rate and latency, consumer
     * lag, owed writes, dead letters, embeddings per second, match latency, the JVM.
     */
    @Test
    void theDashboardShowsWhatAnOperatorNeeds() throws IOException {
        String all = String.join("\n", MonitoringFiles.dashboardQueries().values());
        for (String needed : List.of("api_http_requests_seconds_count{method=~\"POST|PUT|DELETE\"}", "api_http_requests_seconds_bucket",
                "processor_consumer_lag_records", "processor_outbox_pending", "processor_dead_letters_total",
                "processor_embeddings_computed_total", "route=\"/match\"", "jvm_memory_used_bytes", "jvm_gc_pause_seconds_sum")) {
            assertTrue(all.contains(needed), "no panel reads " + needed);
        }
    }

    @Test
    void latencyQuantilesComeFromHistogramBucketsAggregatedByLe() throws IOException {
        List<String> wrong = new ArrayList<>();
        MonitoringFiles.allQueries().forEach((where, expr) -> {
            if (expr.contains("quantile=")) {
                wrong.add(where + ": reads a client-side percentile (a summary cannot be aggregated across replicas)");
            }
            Matcher quantile = Pattern.compile("histogram_quantile\\(\\s*[0-9.]+\\s*,\\s*sum by \\(([^)]*)\\)\\s*\\(rate\\((\\w+)")
                    .matcher(expr);
            int calls = expr.split("histogram_quantile", -1).length - 1;
            int wellFormed = 0;
            while (quantile.find()) {
                if (List.of(quantile.group(1).split("\\s*,\\s*")).contains("le") && quantile.group(2).endsWith("_bucket")) {
                    wellFormed++;
                }
            }
            if (wellFormed != calls) {
                wrong.add(where + ": histogram_quantile must take sum by (le, ...) (rate(<x>_bucket[...])): " + expr);
            }
        });
        assertEquals(List.of(), wrong);
    }

    /** The issue's alerts: lag growing, dead letters appearing, owed writes stuck, health failing, projector stopped. */
    @Test
    void everyAlertIsDocumentedClassifiedAndCoversTheIssuesCases() throws IOException {
        Map<String, JsonNode> alerts = MonitoringFiles.alertRules();
        String operations = Files.readString(MonitoringFiles.repo().resolve(MonitoringFiles.OPERATIONS));
        List<String> problems = new ArrayList<>();
        alerts.forEach((name, rule) -> {
            if (!operations.contains("`" + name + "`")) {
                problems.add(name + " is not explained in docs/OPERATIONS.md");
            }
            if (!Set.of("warning", "critical").contains(rule.path("labels").path("severity").asText())) {
                problems.add(name + ": severity must be warning or critical");
            }
            if (rule.path("annotations").path("summary").asText().isBlank()) {
                problems.add(name + ": no summary");
            }
        });
        assertEquals(List.of(), problems);
        String exprs = alerts.values().stream().map(r -> r.path("expr").asText()).collect(Collectors.joining("\n"));
        for (String needed : List.of("deriv(processor_consumer_lag_records", "processor_dead_letters_total", "processor_outbox_pending",
                "processor_healthy == 0", "processor_ready == 0", "api_ready == 0", "up{", "processor_streams_running{application=\"projector\"} == 0")) {
            assertTrue(exprs.contains(needed), "no alert on " + needed);
        }
    }

    /** Every metric a query reads is in docs/OPERATIONS.md's tables (histogram series by their family). */
    @Test
    void everyMetricTheQueriesReadIsDocumented() throws IOException {
        Set<String> documented = MonitoringFiles.documentedMetrics().stream().map(MonitoringFiles.Documented::name)
                .collect(Collectors.toSet());
        Set<String> undocumented = new TreeSet<>();
        MonitoringFiles.allQueries().values().forEach(expr -> PromQl.metricNames(expr).stream()
                .filter(name -> !MonitoringFiles.PROMETHEUS_OWN.contains(name))
                .filter(name -> !documented.contains(name) && !documented.contains(name.replaceFirst("_(bucket|count|sum)$", "")))
                .forEach(undocumented::add));
        assertEquals(Set.of(), undocumented, "read by the dashboard or the alerts, not in docs/OPERATIONS.md");
        assertFalse(documented.isEmpty());
    }
}
