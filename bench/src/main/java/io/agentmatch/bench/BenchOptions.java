package io.agentmatch.bench;

import io.agentmatch.contract.config.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Command line of {@code ./pipeline bench [stage|all] [options]}.
 *
 * @param profiles   profiles of the big runs (migrate, match): 100,000 by default
 * @param events     events for persist and project
 * @param duration   each HTTP throughput run (ingest)
 * @param matchDuration each /match latency run
 * @param rate       the sustained stage's rate (null: half the raw model rate measured in the run)
 * @param sustainedDuration the sustained stage's measured window
 * @param sustainedWarmup   the sustained stage's first window, right after start (reported as cold start)
 * @param search     whether the sustained stage also searches the highest rate with matchable p99 < 2 s
 */
public record BenchOptions(List<String> stages, boolean quick, int profiles, int events, Duration duration,
                    Duration matchDuration, int connections, int probes, Path home, Path out, Double rate,
                    Duration sustainedDuration, Duration sustainedWarmup, boolean search) {

    static final List<String> ALL = List.of("footprint", "ingest", "persist", "project", "freshness", "match", "migrate",
            "sustained");

    static final String USAGE = """
            usage: ./pipeline bench [stage|all] [options]
              stages: ingest persist project migrate match freshness footprint sustained (default: all)
              --quick             small sizes and short runs (~3 min for all)
              --profiles N        profiles of the migrate and match runs (default 100000; quick 3000)
              --events N          events of the persist/project runs (default 40000; quick 2000)
              --duration D        each ingest HTTP run, e.g. 30s (default 30s; quick 5s); sustained: its
                                  measured window (default 120s; quick 20s)
              --match-duration D  each /match run (default 15s; quick 4s)
              --connections N     ingest connections (default 64)
              --probes N          freshness probes (default 200; quick 30)
              --rate R            sustained: POST /store per second, open loop (default: half the raw
                                  model rate measured in the same run)
              --warmup D          sustained: the first window after start, reported as cold start
                                  (default 60s; quick 15s)
              --search            sustained: then steps of 1.25-3 x R until matchable p99 >= 2 s
              --home DIR          the bench stack's home (default <repo>/.pipeline-bench; wiped at start)
              --out DIR           where results go (default <repo>/bench-results)
            """;

    static BenchOptions parse(String[] args, Path repo) {
        List<String> stages = new java.util.ArrayList<>();
        boolean quick = false;
        Integer profiles = null;
        Integer events = null;
        Duration duration = null;
        Duration matchDuration = null;
        int connections = 64;
        Integer probes = null;
        Path home = repo.resolve(".pipeline-bench");
        Path out = repo.resolve("bench-results");
        Double rate = null;
        Duration warmup = null;
        boolean search = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--quick" -> quick = true;
                case "--profiles" -> profiles = Integer.parseInt(args[++i].replace("_", "").replace(",", ""));
                case "--events" -> events = Integer.parseInt(args[++i].replace("_", "").replace(",", ""));
                case "--duration" -> duration = duration(args[++i]);
                case "--match-duration" -> matchDuration = duration(args[++i]);
                case "--connections" -> connections = Integer.parseInt(args[++i]);
                case "--probes" -> probes = Integer.parseInt(args[++i]);
                case "--rate" -> rate = Double.parseDouble(args[++i]);
                case "--warmup" -> warmup = duration(args[++i]);
                case "--search" -> search = true;
                case "--home" -> home = Path.of(args[++i]).toAbsolutePath();
                case "--out" -> out = Path.of(args[++i]).toAbsolutePath();
                case "all" -> stages.addAll(ALL);
                default -> {
                    if (ALL.contains(a)) {
                        stages.add(a);
                    } else {
                        throw new IllegalArgumentException("unknown argument " + a + "\n" + USAGE);
                    }
                }
            }
        }
        if (stages.isEmpty()) {
            stages.addAll(ALL);
        }
        // Run in the canonical order whatever order they were named in.
        List<String> ordered = ALL.stream().filter(stages::contains).toList();
        return new BenchOptions(ordered, quick,
                profiles != null ? profiles : quick ? 3000 : 100_000,
                events != null ? events : quick ? 2000 : 40_000,
                duration != null ? duration : Duration.ofSeconds(quick ? 5 : 30),
                matchDuration != null ? matchDuration : Duration.ofSeconds(quick ? 4 : 15),
                connections, probes != null ? probes : quick ? 30 : 200, home, out, rate,
                duration != null ? duration : Duration.ofSeconds(quick ? 20 : 120),
                warmup != null ? warmup : Duration.ofSeconds(quick ? 15 : 60), search);
    }

    /** 30s, 2m, 500ms, or plain seconds. */
    static Duration duration(String text) {
        return Durations.parse(text);
    }
}
