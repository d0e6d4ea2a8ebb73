package io.agentmatch.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ParsersTest {

    static final String WRK = """
            Running 30s test @ http://127.0.0.1:40000
              2 threads and 64 connections
              Thread Stats   Avg      Stdev     Max   +/- Stdev
                Latency     6.12ms    3.40ms  80.01ms   90.00%
                Req/Sec     5.30k   400.00     6.00k    70.00%
              Latency Distribution
                 50%    5.50ms
                 75%    7.00ms
                 90%  850.00us
                 99%    1.20s
              316000 requests in 30.01s, 60.00MB read
              Socket errors: connect 0, read 2, write 0, timeout 3
              Non-2xx or 3xx responses: 12
            Requests/sec:  10529.82
            Transfer/sec:      2.00MB
            """;

    @Test
    void wrkReport() {
        WrkResult r = WrkResult.parse(WRK);
        assertEquals(10529.82, r.requestsPerSecond(), 1e-9);
        assertEquals(5.5, r.p50Ms(), 1e-9);
        assertEquals(0.85, r.p90Ms(), 1e-9);
        assertEquals(1200.0, r.p99Ms(), 1e-9);
        assertEquals(316000, r.requests());
        assertEquals(30.01, r.seconds(), 1e-9);
        assertEquals(12, r.non2xx());
        assertEquals(5, r.socketErrors());
        assertEquals(315988, r.ok());
    }

    @Test
    void producerPerformanceSummary() {
        String out = """
                250000 records sent, 49990.0 records/sec (19.07 MB/sec), 300.1 ms avg latency, 900.0 ms max latency.
                1000000 records sent, 123456.7 records/sec (47.10 MB/sec), 120.45 ms avg latency, 900.00 ms max latency, 100 ms 50th, 300 ms 95th, 500 ms 99th, 800 ms 99.9th.
                """;
        ProducerPerf p = ProducerPerf.parse(out);
        assertEquals(1_000_000, p.records());
        assertEquals(123456.7, p.recordsPerSecond(), 1e-9);
        assertEquals(100, p.p50Ms(), 1e-9);
        assertEquals(500, p.p99Ms(), 1e-9);
    }

    @Test
    void prometheusSumAcrossLabels() {
        String text = """
                # HELP processor_embeddings_computed_total
                # TYPE processor_embeddings_computed_total counter
                processor_embeddings_computed_total 96.0
                processor_events_total{outcome="applied",topic="a"} 10.0
                processor_events_total{outcome="dead",topic="a"} 2.0
                processor_events_total_other 100.0
                """;
        assertEquals(96.0, PromText.sum(text, "processor_embeddings_computed_total"));
        assertEquals(12.0, PromText.sum(text, "processor_events_total"));
        assertEquals(0.0, PromText.sum(text, "processor_missing_total"));
    }

    @Test
    void options() {
        BenchOptions quick = BenchOptions.parse(new String[] {"all", "--quick"}, java.nio.file.Path.of("/repo"));
        assertEquals(BenchOptions.ALL, quick.stages());
        assertEquals(Duration.ofSeconds(5), quick.duration());
        BenchOptions one = BenchOptions.parse(new String[] {"match", "ingest", "--profiles", "100_000", "--duration", "2m"},
                java.nio.file.Path.of("/repo"));
        assertEquals(java.util.List.of("ingest", "match"), one.stages());
        assertEquals(100_000, one.profiles());
        assertEquals(Duration.ofMinutes(2), one.duration());
        assertEquals(Duration.ofMillis(500), BenchOptions.duration("500ms"));
    }

    @Test
    void sustainedOptionsDefaultToHalfTheModelRateAndTwoMinutes() {
        BenchOptions defaults = BenchOptions.parse(new String[] {"sustained"}, java.nio.file.Path.of("/repo"));
        assertEquals(java.util.List.of("sustained"), defaults.stages());
        assertEquals(null, defaults.rate());
        assertEquals(Duration.ofSeconds(120), defaults.sustainedDuration());
        assertEquals(Duration.ofSeconds(60), defaults.sustainedWarmup());
        assertEquals(false, defaults.search());
        BenchOptions given = BenchOptions.parse(new String[] {"sustained", "--rate", "150", "--duration", "30s", "--warmup", "10s",
                "--search"}, java.nio.file.Path.of("/repo"));
        assertEquals(150.0, given.rate());
        assertEquals(Duration.ofSeconds(30), given.sustainedDuration());
        assertEquals(Duration.ofSeconds(10), given.sustainedWarmup());
        assertEquals(true, given.search());
    }
}
