package io.agentmatch.processor.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The processor's /metrics text: Prometheus' conventions, and series that exist before their first event. */
class ProcessorMetricsTest {

    @Test
    void deadLettersAndUnwritableTablesAreExportedAtZeroBeforeTheFirstOne() {
        try (ProcessorMetrics metrics = new ProcessorMetrics()) {
            metrics.expect(List.of("events", "changes"), List.of("profiles"));
            String text = metrics.scrape();
            assertEquals(0.0, sample(text, "processor_dead_letters_total{component=\"processor\",topic=\"changes\"}"));
            assertEquals(0.0, sample(text, "processor_dynamodb_table_unwritable{component=\"processor\",table=\"profiles\"}"));
            assertEquals(0.0, sample(text, "processor_embeddings_computed_total{component=\"processor\"}"));

            metrics.deadLettered("changes");
            metrics.dynamoPermanentFailure("profiles", "access denied", System.currentTimeMillis());
            text = metrics.scrape();
            assertEquals(1.0, sample(text, "processor_dead_letters_total{component=\"processor\",topic=\"changes\"}"));
            assertEquals(1.0, sample(text, "processor_dynamodb_table_unwritable{component=\"processor\",table=\"profiles\"}"));
        }
    }

    @Test
    void latenciesAreSecondHistogramsCountersEndInTotalAndNoPercentileIsComputedHere() {
        try (ProcessorMetrics metrics = new ProcessorMetrics()) {
            metrics.recordDynamoWrite(3_000_000, 25);
            metrics.embeddingsComputed(8, 40_000_000);
            metrics.eventProcessed("events", "applied");
            metrics.dynamoRetry("unprocessed");
            metrics.consumerLag("persister", () -> 7);
            String text = metrics.scrape();
            assertTrue(text.contains("# TYPE processor_dynamodb_write_seconds histogram"), text);
            assertEquals(1.0, sample(text, "processor_dynamodb_write_seconds_bucket{component=\"processor\",le=\"0.005\"}"));
            assertEquals(0.0, sample(text, "processor_dynamodb_write_seconds_bucket{component=\"processor\",le=\"0.002\"}"));
            assertEquals(1.0, sample(text, "processor_embedding_batch_seconds_count{component=\"processor\"}"));
            assertEquals(25.0, sample(text, "processor_dynamodb_items_written_total{component=\"processor\"}"));
            assertEquals(7.0, sample(text, "processor_consumer_lag_records{application=\"persister\",component=\"processor\"}"));
            assertFalse(text.contains("quantile="), "no client-side percentiles: they cannot be aggregated across replicas");
            Matcher types = Pattern.compile("(?m)^# TYPE (processor_\\S+) (counter|gauge|histogram|summary)$").matcher(text);
            while (types.find()) {
                String name = types.group(1);
                switch (types.group(2)) {
                    case "counter" -> assertTrue(name.endsWith("_total"), name);
                    case "histogram" -> assertTrue(name.endsWith("_seconds"), name);
                    case "summary" -> throw new AssertionError(name + " is a summary");
                    default -> assertFalse(name.endsWith("_total"), name);
                }
            }
        }
    }

    @Test
    void anOutboxWhoseTaskLeftIsNoLongerReportedAtItsLastSize() {
        try (ProcessorMetrics metrics = new ProcessorMetrics()) {
            metrics.outboxChanged("profiles-0_1", 3);
            metrics.outboxChanged("profiles-0_2", 1);
            assertEquals(3.0, sample(metrics.scrape(), "processor_outbox_pending{component=\"processor\",outbox=\"profiles-0_1\"}"));
            metrics.outboxClosed("profiles-0_1");
            String text = metrics.scrape();
            assertFalse(text.contains("outbox=\"profiles-0_1\""), "a revoked task's owed writes are its next owner's to report");
            assertEquals(1.0, sample(text, "processor_outbox_pending{component=\"processor\",outbox=\"profiles-0_2\"}"));
        }
    }

    private static double sample(String text, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.E+-]+|NaN)$").matcher(text);
        assertTrue(m.find(), series + " in\n" + text);
        return Double.parseDouble(m.group(1));
    }
}
