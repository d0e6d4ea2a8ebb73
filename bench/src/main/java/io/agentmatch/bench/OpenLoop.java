package io.agentmatch.bench;

import io.agentmatch.contract.events.JsonCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code POST /store} at a constant rate, open loop: request {@code i} is due at {@code start + i/R}
 * and its latency counts from that moment, not from when it was sent, so a stall of the server (or of
 * this client) shows in the latencies instead of lowering the rate (no coordinated omission). Requests
 * go out asynchronously on as many connections as are needed. A sample of the stored profiles, the
 * probes (about {@value #PROBES_PER_SECOND} a second), each with a unique job and description, is
 * polled from the same due time until {@code GET /retrieve/<id>} finds it and until {@code POST /match}
 * (its description, its job as filter) finds it. Each poll waits an eighth of the time elapsed since
 * the due time (10-100 ms for retrieve, 25-1,000 ms for match), so a latency is known to within about
 * 12% and a slow probe does not flood the API: each poll is a request the API also answers (polling
 * every 10 ms, 5 probes a second cost the API more CPU than 30 stores a second), and each {@code /match}
 * embeds its description with the model the projector needs: with a 250 ms ceiling, 30 probes waiting
 * 15 s asked ~120 embeddings a second, a third of a core taken from the projector they were waiting for.
 */
public final class OpenLoop implements AutoCloseable {
    static final int PROBES_PER_SECOND = 2;
    private static final long[] RETRIEVE_POLL_MS = {10, 100};
    private static final long[] MATCH_POLL_MS = {25, 1000};
    /** A probe not visible by then is counted as not visible (and at this latency in the percentiles). */
    static final Duration PROBE_DEADLINE = Duration.ofSeconds(60);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private final String url;
    private final ExecutorService httpThreads = Executors.newFixedThreadPool(2, daemon("open-loop-http"));
    private final HttpClient http;
    private final ScheduledExecutorService polls = Executors.newScheduledThreadPool(1, daemon("open-loop-poll"));
    private final List<String> bodies = new ArrayList<>();
    private final String runId = Long.toString(System.nanoTime(), 36);

    public OpenLoop(String url) {
        this.url = url;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(httpThreads)
                .connectTimeout(Duration.ofSeconds(2)).build();
        BenchProfiles gen = new BenchProfiles(17);
        for (int i = 0; i < 256; i++) {
            bodies.add(JsonCodec.toString(gen.data(null, null)));
        }
    }

    /** What one window measured. Latencies in nanoseconds from each request's due time. */
    public record Window(double rate, double seconds, int sent, long[] post, int failed, String firstFailure,
                         long[] retrievable, long[] matchable, int probesNotRetrievable, int probesNotMatchable) {
        public Percentiles postLatency() {
            return new Percentiles(post);
        }

        public Percentiles retrievableLatency() {
            return new Percentiles(retrievable);
        }

        public Percentiles matchableLatency() {
            return new Percentiles(matchable);
        }
    }

    /** Sends at {@code rate}/s for {@code length}, then waits for every answer and every probe. */
    public Window run(double rate, Duration length) throws InterruptedException {
        long interval = (long) (1e9 / rate);
        int probeEvery = Math.max(1, (int) Math.round(rate / PROBES_PER_SECOND));
        ConcurrentLinkedQueue<Long> post = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Long> retrievable = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Long> matchable = new ConcurrentLinkedQueue<>();
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger notRetrievable = new AtomicInteger();
        AtomicInteger notMatchable = new AtomicInteger();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        List<CompletableFuture<?>> outstanding = new ArrayList<>();
        BenchProfiles probeGen = new BenchProfiles(23);
        long start = System.nanoTime();
        long end = start + length.toNanos();
        int sent = 0;
        for (long due = start; due < end; due = start + (long) (sent * (double) interval)) {
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            boolean probe = sent % probeEvery == 0;
            String job = "sustained" + runId + "x" + sent;
            String description = "sustained probe " + runId + " " + sent + " zeppelin marmalade origami";
            String body = probe ? JsonCodec.toString(probeGen.data(job, description)) : bodies.get(sent % bodies.size());
            long dueAt = due;
            CompletableFuture<?> done = http.sendAsync(post("/store", body), HttpResponse.BodyHandlers.ofString())
                    .handle((response, error) -> {
                        post.add(System.nanoTime() - dueAt);
                        if (error != null || response.statusCode() != 201) {
                            failed.incrementAndGet();
                            failures.add(error != null ? error.toString() : response.statusCode() + " " + response.body());
                            return CompletableFuture.<Void>completedFuture(null);
                        }
                        if (!probe) {
                            return CompletableFuture.<Void>completedFuture(null);
                        }
                        String id = idOf(response.body());
                        String match = "{\"description\":" + JsonCodec.toString(description) + ",\"job\":" + JsonCodec.toString(job) + "}";
                        return CompletableFuture.allOf(
                                until(() -> http.sendAsync(get("/retrieve/" + id), HttpResponse.BodyHandlers.discarding())
                                        .thenApply(r -> r.statusCode() == 200), RETRIEVE_POLL_MS, dueAt, retrievable, notRetrievable),
                                until(() -> http.sendAsync(post("/match", match), HttpResponse.BodyHandlers.ofString())
                                        .thenApply(r -> r.statusCode() == 200 && r.body().contains(id)), MATCH_POLL_MS, dueAt,
                                        matchable, notMatchable));
                    }).thenCompose(f -> f);
            outstanding.add(done);
            sent++;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        try {
            CompletableFuture.allOf(outstanding.toArray(CompletableFuture[]::new))
                    .get(PROBE_DEADLINE.toSeconds() + 30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("open loop: answers or probes outstanding after the deadline: " + e, e);
        }
        return new Window(rate, seconds, sent, toArray(post), failed.get(), failures.peek(), toArray(retrievable),
                toArray(matchable), notRetrievable.get(), notMatchable.get());
    }

    private interface Check {
        CompletableFuture<Boolean> visible();
    }

    /**
     * Polls {@code check} until true (latency from {@code since}) or the deadline, each time after an
     * eighth of the time elapsed, within {@code pollMillis} (min, max).
     */
    private CompletableFuture<Void> until(Check check, long[] pollMillis, long since, ConcurrentLinkedQueue<Long> latencies,
                                          AtomicInteger notVisible) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Runnable[] attempt = new Runnable[1];
        attempt[0] = () -> check.visible().whenComplete((visible, error) -> {
            long now = System.nanoTime();
            if (error == null && visible) {
                latencies.add(now - since);
                done.complete(null);
            } else if (now - since > PROBE_DEADLINE.toNanos()) {
                latencies.add(now - since);
                notVisible.incrementAndGet();
                done.complete(null);
            } else {
                long wait = Math.max(pollMillis[0], Math.min(pollMillis[1], (now - since) / 8_000_000));
                polls.schedule(attempt[0], wait, TimeUnit.MILLISECONDS);
            }
        });
        attempt[0].run();
        return done;
    }

    private static String idOf(String stored) {
        try {
            return JsonCodec.readTree(stored).get("id").asText();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private HttpRequest post(String path, String body) {
        return HttpRequest.newBuilder(URI.create(url + path)).timeout(REQUEST_TIMEOUT).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private HttpRequest get(String path) {
        return HttpRequest.newBuilder(URI.create(url + path)).timeout(REQUEST_TIMEOUT).build();
    }

    private static long[] toArray(ConcurrentLinkedQueue<Long> values) {
        return values.stream().mapToLong(Long::longValue).toArray();
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public void close() {
        polls.shutdownNow();
        httpThreads.shutdownNow();
    }
}
