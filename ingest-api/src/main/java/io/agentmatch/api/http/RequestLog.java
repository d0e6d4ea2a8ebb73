package io.agentmatch.api.http;

import io.agentmatch.contract.metrics.Meters;
import io.agentmatch.contract.trace.Traced;
import io.javalin.http.Context;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of every request: its latency in the route's histogram, one access line, its span ended.
 *
 * <p>It runs once per request on whichever thread answered (for a write, the Kafka producer's I/O
 * thread, which every write's answer shares), so it keeps its own work to a map lookup: the timer of
 * each (route, method, status) is built once, where Micrometer's builder sorted the tags and looked
 * the meter up on every call, and the milliseconds are written without {@code String.format}, which
 * alone took 7% of the API's CPU under {@code POST /store} load (JFR, BENCHMARKS.md, issue 18).
 */
public final class RequestLog {
    private static final Logger ACCESS = LoggerFactory.getLogger("access");

    private record Series(String route, String method, int status) {
    }

    private final MeterRegistry registry;
    // Bounded: route templates and methods are finite, and so are the status codes the routes answer.
    private final ConcurrentHashMap<Series, Timer> timers = new ConcurrentHashMap<>();

    public RequestLog(MeterRegistry registry) {
        this.registry = registry;
    }

    public void finished(Context ctx, float ms) {
        String route;
        try {
            var endpoint = ctx.endpoints().lastHttpEndpoint();
            route = endpoint == null ? "unmatched" : endpoint.path;
        } catch (RuntimeException e) {
            route = "unmatched";
        }
        int status = ctx.statusCode();
        String method = ctx.method().name();
        timers.computeIfAbsent(new Series(route, method, status), this::timer).record((long) (ms * 1_000_000L), TimeUnit.NANOSECONDS);
        Traced traced = RequestTracing.of(ctx);
        // Wherever the request ended (an async answer ends on another thread): its ids in this line's MDC.
        try (Traced.In in = traced == null ? null : traced.enter()) {
            ACCESS.info("{} {} {} {}ms", method, ctx.path(), status, millis(ms));
        }
        RequestTracing.finish(traced, method, route, status);
    }

    private Timer timer(Series series) {
        return Meters.latency("api_http_requests", "HTTP requests by route template, method and status")
                .tag("route", series.route()).tag("method", series.method()).tag("status", Integer.toString(series.status()))
                .register(registry);
    }

    /** {@code ms} with one decimal, rounded half up: what {@code String.format(Locale.ROOT, "%.1f", ms)} writes. */
    static String millis(float ms) {
        if (!(ms >= 0 && ms < 1e12f)) {
            return String.format(Locale.ROOT, "%.1f", ms);
        }
        long tenths = Math.round(ms * 10.0);
        return (tenths / 10) + "." + (tenths % 10);
    }
}
