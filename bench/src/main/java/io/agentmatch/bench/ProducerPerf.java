package io.agentmatch.bench;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The summary line of Kafka's ProducerPerformance. */
public record ProducerPerf(long records, double recordsPerSecond, double p50Ms, double p99Ms) {
    private static final Pattern SUMMARY = Pattern.compile(
            "(\\d+) records sent, ([0-9.]+) records/sec \\([0-9.]+ MB/sec\\), [0-9.]+ ms avg latency, [0-9.]+ ms max latency, "
                    + "(\\d+) ms 50th, \\d+ ms 95th, (\\d+) ms 99th");

    public static ProducerPerf parse(String output) {
        Matcher m = SUMMARY.matcher(output);
        ProducerPerf last = null;
        while (m.find()) {
            last = new ProducerPerf(Long.parseLong(m.group(1)), Double.parseDouble(m.group(2)),
                    Double.parseDouble(m.group(3)), Double.parseDouble(m.group(4)));
        }
        if (last == null) {
            throw new IllegalArgumentException("no ProducerPerformance summary in:\n" + output);
        }
        return last;
    }
}
