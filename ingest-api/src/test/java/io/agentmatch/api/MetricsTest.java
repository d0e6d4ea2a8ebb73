package io.agentmatch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentmatch.api.fakes.TestApi;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The API's /metrics in Prometheus' conventions: histograms that add up across replicas, readiness as gauges. */
class MetricsTest {

    @Test
    void requestLatenciesAreHistogramsInSecondsNeverClientSidePercentiles() {
        try (TestApi api = new TestApi(Map.of())) {
            Http http = new Http(api.port(), null);
            assertEquals(201, http.post("/store", "{\"name\":\"Alice\",\"job\":\"Plumber\"}").status());
            String metrics = http.get("/metrics").body();
            assertTrue(metrics.contains("# TYPE api_http_requests_seconds histogram"), metrics);
            // Label order is the exposition library's choice; +Inf: a bucket that holds the request however slow this machine is.
            assertTrue(metrics.lines().anyMatch(line -> line.startsWith("api_http_requests_seconds_bucket{")
                    && line.contains("le=\"+Inf\"") && line.contains("method=\"POST\"") && line.contains("route=\"/store\"")
                    && line.contains("status=\"201\"") && line.endsWith("} 1")), metrics);
            assertTrue(metrics.contains("api_http_requests_seconds_count{method=\"POST\",route=\"/store\",status=\"201\"} 1"),
                    metrics);
            assertFalse(metrics.contains("quantile="), "no client-side percentiles: they cannot be aggregated across replicas");
        }
    }

    @Test
    void readinessIsExportedAsGaugesThatFollowWhatReadySaw() {
        try (TestApi api = new TestApi(Map.of())) {
            Http http = new Http(api.port(), null);
            assertEquals(200, http.get("/ready").status());
            String up = http.get("/metrics").body();
            assertEquals(1.0, gauge(up, "api_ready"));
            assertEquals(1.0, gauge(up, "api_dependency_ready{dependency=\"kafka\"}"));

            api.kafkaUp = false;
            assertEquals(503, http.get("/ready").status());
            // The scrape reuses what /ready just saw (a probe calls Kafka and DynamoDB: at most every 5 s).
            String down = http.get("/metrics").body();
            assertEquals(0.0, gauge(down, "api_ready"));
            assertEquals(0.0, gauge(down, "api_dependency_ready{dependency=\"kafka\"}"));
            assertEquals(1.0, gauge(down, "api_dependency_ready{dependency=\"dynamodb\"}"));
        }
    }

    private static double gauge(String metrics, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.E+-]+|NaN)$").matcher(metrics);
        assertTrue(m.find(), series + " in\n" + metrics);
        return Double.parseDouble(m.group(1));
    }
}
