package io.agentmatch.bench;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What wrk (with {@code --latency}) printed: requests/s, latency percentiles (ms), totals and errors.
 *
 * @param non2xx "Non-2xx or 3xx responses" (0 when wrk did not print the line)
 * @param socketErrors connect + read + write + timeout errors
 */
public record WrkResult(double requestsPerSecond, double p50Ms, double p90Ms, double p99Ms, long requests,
                        double seconds, long non2xx, long socketErrors) {

    private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern TOTAL = Pattern.compile("(\\d+) requests in ([0-9.]+)(us|ms|s|m)");
    private static final Pattern NON2XX = Pattern.compile("Non-2xx or 3xx responses:\\s+(\\d+)");
    private static final Pattern SOCKET = Pattern.compile(
            "Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

    public static WrkResult parse(String output) {
        double rps = Double.parseDouble(find(RPS, output, "Requests/sec"));
        Matcher total = TOTAL.matcher(output);
        if (!total.find()) {
            throw new IllegalArgumentException("no '<n> requests in <t>' line in wrk output:\n" + output);
        }
        long requests = Long.parseLong(total.group(1));
        double seconds = millis(total.group(2), total.group(3)) / 1000.0;
        Matcher non = NON2XX.matcher(output);
        long non2xx = non.find() ? Long.parseLong(non.group(1)) : 0;
        Matcher socket = SOCKET.matcher(output);
        long errors = 0;
        if (socket.find()) {
            for (int i = 1; i <= 4; i++) {
                errors += Long.parseLong(socket.group(i));
            }
        }
        return new WrkResult(rps, percentile(output, "50"), percentile(output, "90"), percentile(output, "99"),
                requests, seconds, non2xx, errors);
    }

    /** Requests answered 2xx/3xx. */
    public long ok() {
        return requests - non2xx;
    }

    private static double percentile(String output, String p) {
        Matcher m = Pattern.compile("(?m)^\\s+" + p + "(?:\\.000)?%\\s+([0-9.]+)(us|ms|s|m)\\s*$").matcher(output);
        if (!m.find()) {
            throw new IllegalArgumentException("no " + p + "% latency in wrk output (run with --latency):\n" + output);
        }
        return millis(m.group(1), m.group(2));
    }

    static double millis(String value, String unit) {
        double v = Double.parseDouble(value);
        return switch (unit) {
            case "us" -> v / 1000.0;
            case "ms" -> v;
            case "s" -> v * 1000.0;
            case "m" -> v * 60_000.0;
            default -> throw new IllegalArgumentException("unknown unit " + unit);
        };
    }

    private static String find(Pattern pattern, String output, String what) {
        Matcher m = pattern.matcher(output);
        if (!m.find()) {
            throw new IllegalArgumentException("no " + what + " in wrk output:\n" + output);
        }
        return m.group(1);
    }
}
