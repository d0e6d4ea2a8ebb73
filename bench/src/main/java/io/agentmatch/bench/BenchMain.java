package io.agentmatch.bench;

import io.agentmatch.bench.stages.BenchRun;
import io.agentmatch.bench.stages.BenchStages;
import io.agentmatch.bench.stages.Stage;
import io.agentmatch.localstack.PipelineStack;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code ./pipeline bench [stage|all] [options]}: every stage of the pipeline next to its physical
 * limit, measured in the same run on a stack of its own (fresh data, free ports), printed as a table
 * and written as JSON (and Markdown) under {@code bench-results/}. See BENCHMARKS.md.
 */
public final class BenchMain {
    private BenchMain() {
    }

    public static void main(String[] args) {
        if (args.length > 0 && (args[0].equals("-h") || args[0].equals("--help") || args[0].equals("help"))) {
            System.out.print(BenchOptions.USAGE);
            return;
        }
        Path repo = PipelineStack.findRepoRoot();
        BenchOptions options;
        try {
            options = BenchOptions.parse(args, repo);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path runDir = options.out().resolve("run-" + stamp);
        Results results = new Results();
        results.info("started", stamp);
        results.info("command", "./pipeline bench " + String.join(" ", args));
        Map<String, Object> given = new LinkedHashMap<>();
        given.put("stages", options.stages());
        given.put("quick", options.quick());
        given.put("profiles", options.profiles());
        given.put("events", options.events());
        given.put("duration_s", options.duration().toSeconds());
        given.put("match_duration_s", options.matchDuration().toSeconds());
        given.put("connections", options.connections());
        given.put("probes", options.probes());
        given.put("rate", options.rate());
        given.put("sustained_duration_s", options.sustainedDuration().toSeconds());
        given.put("sustained_warmup_s", options.sustainedWarmup().toSeconds());
        given.put("search", options.search());
        results.info("options", given);
        results.info("machine", machine());
        long started = System.nanoTime();
        int code = 0;
        try {
            Files.createDirectories(runDir);
            System.out.println("bench: stages " + options.stages() + ", stack home " + options.home() + ", logs in " + runDir);
            BenchRun run = new BenchRun(options, results, runDir, repo);
            if (options.stages().contains(BenchStages.FOOTPRINT)) {
                stage(results, BenchStages.FOOTPRINT, BenchStages.footprint(run));
            }
            boolean needsStack = options.stages().stream().anyMatch(s -> !s.equals(BenchStages.FOOTPRINT));
            if (needsStack) {
                long stackStart = System.nanoTime();
                try (BenchStack bench = BenchStack.start(repo, options.home())) {
                    System.out.printf("bench stack up (kafka + dynalite) in %.1f s%n", (System.nanoTime() - stackStart) / 1e9);
                    Map<String, Stage> stages = BenchStages.onBenchStack(bench, run);
                    for (String stage : options.stages()) {
                        if (stages.containsKey(stage)) {
                            stage(results, stage, stages.get(stage));
                        }
                    }
                }
            }
        } catch (Exception e) {
            results.failed("bench", e.toString());
            code = 1;
        }
        results.info("wall_seconds", Math.round((System.nanoTime() - started) / 1e9));
        results.printTable();
        Path file = results.write(options.out(), "bench-" + stamp + ".json");
        System.out.printf("%nwall time %.0f s; results: %s (and .md); logs: %s%n", (System.nanoTime() - started) / 1e9, file, runDir);
        System.exit(code != 0 || !results.failures().isEmpty() ? 1 : 0);
    }

    private static void stage(Results results, String name, Stage stage) {
        System.out.println();
        System.out.println("--- " + name + " ---");
        long start = System.nanoTime();
        try {
            stage.run();
        } catch (Throwable e) {
            e.printStackTrace();
            results.failed(name, String.valueOf(e.getMessage()).lines().findFirst().orElse(e.toString()));
        }
        System.out.printf("    (%s took %.0f s)%n", name, (System.nanoTime() - start) / 1e9);
    }

    static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("nproc", Runtime.getRuntime().availableProcessors());
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    m.put("mem_total_gib", Math.round(Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0 * 10) / 10.0);
                }
            }
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    m.put("cpu", line.substring(line.indexOf(':') + 1).trim());
                    break;
                }
            }
            m.put("host", InetAddress.getLocalHost().getHostName());
        } catch (Exception e) {
            // best effort
        }
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        return m;
    }
}
