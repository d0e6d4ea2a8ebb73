package io.agentmatch.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What we publish for monitoring, read as an operator's tools read it: the PromQL of the Grafana
 * dashboard's panels and of the Prometheus alert rules, and the metrics table of docs/OPERATIONS.md.
 */
final class MonitoringFiles {
    static final Path DASHBOARD = Path.of("deploy", "grafana", "agentmatch.json");
    static final Path ALERTS = Path.of("deploy", "prometheus", "alerts.yml");
    static final Path OPERATIONS = Path.of("docs", "OPERATIONS.md");
    /** Series Prometheus makes itself, not a component. */
    static final Set<String> PROMETHEUS_OWN = Set.of("up", "scrape_duration_seconds", "scrape_samples_scraped", "ALERTS");

    /** One documented metric: its name, and whether it appears only with its first occurrence. */
    record Documented(String name, String type, boolean lazy) {
    }

    private MonitoringFiles() {
    }

    static Path repo() {
        return ConfigurationTableTest.repo();
    }

    /** Every PromQL expression of the dashboard, keyed "panel title / refId". */
    static Map<String, String> dashboardQueries() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(repo().resolve(DASHBOARD).toFile());
        Map<String, String> queries = new LinkedHashMap<>();
        collect(dashboard.path("panels"), queries);
        return queries;
    }

    private static void collect(JsonNode panels, Map<String, String> queries) {
        for (JsonNode panel : panels) {
            for (JsonNode target : panel.path("targets")) {
                queries.put(panel.path("title").asText() + " / " + target.path("refId").asText(), target.path("expr").asText());
            }
            collect(panel.path("panels"), queries); // rows may nest their panels
        }
    }

    /** The alert rules: name to rule (expr, for, labels, annotations). */
    static Map<String, JsonNode> alertRules() throws IOException {
        JsonNode rules = new ObjectMapper(new YAMLFactory()).readTree(repo().resolve(ALERTS).toFile());
        Map<String, JsonNode> alerts = new LinkedHashMap<>();
        for (JsonNode group : rules.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                alerts.put(rule.path("alert").asText(rule.path("record").asText()), rule);
            }
        }
        return alerts;
    }

    /** Every query of the dashboard and the alerts, keyed by where it is. */
    static Map<String, String> allQueries() throws IOException {
        Map<String, String> all = new LinkedHashMap<>();
        dashboardQueries().forEach((where, expr) -> all.put("dashboard panel " + where, expr));
        alertRules().forEach((name, rule) -> all.put("alert " + name, rule.path("expr").asText()));
        return all;
    }

    private static final Pattern METRIC_ROW = Pattern.compile("^\\| `([a-z_:][a-z0-9_:]*)` \\| ([^|]+) \\|");

    /** The rows of the metrics tables of docs/OPERATIONS.md: {@code | `name` | type | labels | meaning |}. */
    static List<Documented> documentedMetrics() throws IOException {
        List<Documented> rows = new ArrayList<>();
        for (String line : Files.readAllLines(repo().resolve(OPERATIONS))) {
            Matcher m = METRIC_ROW.matcher(line);
            if (m.find()) {
                String type = m.group(2).trim();
                rows.add(new Documented(m.group(1), type, type.contains("lazy")));
            }
        }
        return rows;
    }

    /** The metric families of a scrape ({@code # TYPE} lines): name to type. */
    static Map<String, String> families(String scrape) {
        Map<String, String> families = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^# TYPE (\\S+) (\\S+)$").matcher(scrape);
        while (m.find()) {
            families.put(m.group(1), m.group(2));
        }
        return families;
    }

    /** The series names of a scrape (histograms as x_bucket, x_count, x_sum). */
    static Set<String> seriesNames(String scrape) {
        Set<String> names = new TreeSet<>();
        for (String line : scrape.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                int end = line.indexOf('{');
                names.add(line.substring(0, end >= 0 ? end : line.indexOf(' ')));
            }
        }
        return names;
    }
}
