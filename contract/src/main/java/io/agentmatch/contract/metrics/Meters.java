package io.agentmatch.contract.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmHeapPressureMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import java.time.Duration;
import java.util.List;

/**
 * What every long-running component's registry has in common (docs/OPERATIONS.md): the tag
 * {@code component} on every series, the JVM and process meters, and one set of latency buckets.
 * (The migrator runs commands that end within minutes: it has no registry and no /metrics.)
 *
 * <p>Latencies are Prometheus histograms with a fixed, small set of buckets (1 ms to 30 s), never
 * client-side percentiles: buckets add up across replicas ({@code histogram_quantile} over
 * {@code sum by (le)}), a percentile computed inside one process does not. A fixed set also bounds
 * the series: 15 per tag combination, where Micrometer's percentile histogram publishes ~70.
 */
public final class Meters {
    /** The upper bounds of the latency buckets: from a DynamoDB GetItem (ms) to a model batch or a timeout (s). */
    public static final List<Duration> LATENCY_BUCKETS = List.of(
            Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10),
            Duration.ofSeconds(30));

    private Meters() {
    }

    /** A latency timer: exported as {@code <name>_seconds_bucket|_count|_sum} (and {@code _max}). */
    public static Timer.Builder latency(String name, String description) {
        return Timer.builder(name).description(description)
                .serviceLevelObjectives(LATENCY_BUCKETS.toArray(Duration[]::new));
    }

    /**
     * Prepares the registry of {@code component} (api, processor) before its first meter (common tags
     * and filters do not reach meters registered earlier): every series tagged {@code component}, and
     * Micrometer's {@code process.cpu.time}, counted in nanoseconds, left out (not a base unit;
     * {@code process_cpu_usage} says the same).
     */
    public static <R extends MeterRegistry> R forComponent(R registry, String component) {
        registry.config().commonTags("component", component)
                .meterFilter(MeterFilter.denyNameStartsWith("process.cpu.time"));
        return registry;
    }

    /**
     * Binds the JVM and process meters: memory and buffer pools, GC pauses and heap pressure,
     * threads, class loading, CPU, uptime, open files, the JVM's version. Close the answer when the
     * component stops (the GC meters listen to the JVM's notifications).
     */
    public static AutoCloseable jvm(MeterRegistry registry) {
        new JvmMemoryMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        JvmHeapPressureMetrics pressure = new JvmHeapPressureMetrics();
        pressure.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmInfoMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        return () -> {
            gc.close();
            pressure.close();
        };
    }
}
