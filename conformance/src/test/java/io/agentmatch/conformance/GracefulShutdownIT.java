package io.agentmatch.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentmatch.contract.config.PipelineConfig;
import io.agentmatch.contract.events.JsonCodec;
import io.agentmatch.contract.storage.DynamoClients;
import io.agentmatch.contract.storage.ProfileItems;
import io.agentmatch.localstack.Await;
import io.agentmatch.localstack.RunningComponent;
import io.agentmatch.localstack.TestStack;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * SIGTERM, as Kubernetes sends it, to the real jars during a write load: an API instance, then the
 * processor. Each exits within its bound ({@link ShutdownBounds}: the pod's grace period), a wait
 * parked on the stopping API is answered rather than cut, the load goes on through the other API
 * meanwhile, and afterwards every write any API acknowledged (201) is in the table: the processor's
 * commit on the way out left nothing owed unwritten for its next start.
 */
class GracefulShutdownIT {
    private static final Logger LOG = LoggerFactory.getLogger(GracefulShutdownIT.class);
    private static final Pattern PARKED = Pattern.compile("(?m)^api_parked_waits(\\{[^}]*})? ([0-9.]+)");

    @Test
    void sigtermDuringAWriteLoadLosesNoAcknowledgedWriteAndEachComponentExitsWithinItsBound() throws Exception {
        TestStack stack = TestStack.shared();
        PipelineConfig config = stack.isolatedConfig("graceful-shutdown");
        RunningComponent processor = stack.startProcessor(config, "processor-grace");
        Map<String, String> apiEnv = Map.of("API_MATCHING", "false");
        RunningComponent stopping = stack.startApi(config, "api-grace-1", TestStack.freePort(), apiEnv);
        RunningComponent staying = stack.startApi(config, "api-grace-2", TestStack.freePort(), apiEnv);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

        try (WriteLoad load = new WriteLoad(List.of(stopping.url(), staying.url()), 4)) {
            Await.until("200 writes acknowledged", Duration.ofSeconds(60), () -> load.acknowledged() >= 200);

            // The API: a read-your-write wait parked at the moment of SIGTERM, writes in flight.
            CompletableFuture<HttpResponse<String>> parked = http.sendAsync(HttpRequest.newBuilder(
                    URI.create(stopping.url() + "/retrieve/" + UUID.randomUUID() + "?wait=10000")).timeout(Duration.ofSeconds(30))
                    .build(), HttpResponse.BodyHandlers.ofString());
            Await.until("the wait is parked", Duration.ofSeconds(10), () -> parkedWaits(http, stopping.url()) >= 1);
            int beforeApiStop = load.acknowledged();
            Duration apiExit = sigterm(stopping);
            HttpResponse<String> parkedAnswer = parked.get(10, TimeUnit.SECONDS);
            assertEquals(503, parkedAnswer.statusCode(), "the parked wait is answered (retry elsewhere), not cut: "
                    + parkedAnswer.body());
            Await.until("the load goes on through the other API", Duration.ofSeconds(60),
                    () -> load.acknowledged() >= beforeApiStop + 200);

            // The processor, while events keep coming.
            int beforeProcessorStop = load.acknowledged();
            Duration processorExit = sigterm(processor);
            Await.until("writes acknowledged while the processor is down", Duration.ofSeconds(60),
                    () -> load.acknowledged() >= beforeProcessorStop + 200);
            stack.startProcessor(config, "processor-grace");
            int afterRestart = load.acknowledged();
            Await.until("writes acknowledged after the restart", Duration.ofSeconds(60), () -> load.acknowledged() >= afterRestart + 100);
            load.stop();

            Set<String> acknowledged = load.ids();
            try (DynamoDbClient dynamo = DynamoClients.sync(config, Duration.ofSeconds(10))) {
                Await.until("every acknowledged write is in the table", Duration.ofMinutes(3),
                        () -> missing(dynamo, config, acknowledged).isEmpty());
            }
            LOG.info("graceful shutdown: api exited {} ms after SIGTERM (bound {} s), processor {} ms (bound {} s); {} writes"
                            + " acknowledged, all stored; failed requests: {}",
                    apiExit.toMillis(), ShutdownBounds.API.toSeconds(), processorExit.toMillis(), ShutdownBounds.PROCESSOR.toSeconds(),
                    acknowledged.size(), load.failures());
            assertTrue(apiExit.compareTo(ShutdownBounds.API) < 0, "the API took " + apiExit.toMillis() + " ms to exit");
            assertTrue(processorExit.compareTo(ShutdownBounds.PROCESSOR) < 0, "the processor took " + processorExit.toMillis()
                    + " ms to exit");
        } finally {
            stack.stop("api-grace-2");
            stack.stop("processor-grace");
        }
    }

    /** SIGTERM (what Kubernetes and docker stop send first); how long until the process is gone. */
    private static Duration sigterm(RunningComponent component) throws Exception {
        ProcessHandle handle = ProcessHandle.of(component.pid()).orElseThrow(() -> new AssertionError(component.name() + " is not running"));
        long start = System.nanoTime();
        assertTrue(handle.destroy(), "SIGTERM to " + component.name());
        handle.onExit().get(60, TimeUnit.SECONDS);
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private static double parkedWaits(HttpClient http, String base) {
        try {
            String metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            Matcher m = PARKED.matcher(metrics);
            return m.find() ? Double.parseDouble(m.group(2)) : 0;
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private static Set<String> missing(DynamoDbClient dynamo, PipelineConfig config, Set<String> ids) {
        Set<String> stored = new HashSet<>();
        dynamo.scanPaginator(b -> b.tableName(config.profileTable()).consistentRead(true).projectionExpression("#id")
                .expressionAttributeNames(Map.of("#id", ProfileItems.ID))).items()
                .forEach(item -> stored.add(item.get(ProfileItems.ID).s()));
        Set<String> missing = new HashSet<>(ids);
        missing.removeAll(stored);
        return missing;
    }

    /**
     * Clients writing profiles round-robin to the given APIs until stopped; remembers what was
     * acknowledged (201). A target that refuses a connection leaves the rotation, as a Service
     * drops a stopped pod's endpoint, instead of being hammered by every client in a tight loop.
     */
    static final class WriteLoad implements AutoCloseable {
        private final Set<String> ids = ConcurrentHashMap.newKeySet();
        private final List<String> targets;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicInteger refused = new AtomicInteger();
        private final AtomicInteger unavailable = new AtomicInteger();
        private final AtomicInteger otherFailures = new AtomicInteger();
        private final List<Thread> threads = new ArrayList<>();

        WriteLoad(List<String> targets, int clients) {
            this.targets = new CopyOnWriteArrayList<>(targets);
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
            for (int c = 0; c < clients; c++) {
                int client = c;
                Thread thread = new Thread(() -> {
                    for (int n = 0; running.get(); n++) {
                        List<String> live = List.copyOf(this.targets);
                        if (live.isEmpty()) {
                            return;
                        }
                        write(http, live.get((n + client) % live.size()), "{\"name\":\"grace-" + client + "-" + n + "\",\"job\":\"Tester\"}");
                    }
                }, "write-load-" + c);
                thread.setDaemon(true);
                threads.add(thread);
                thread.start();
            }
        }

        private void write(HttpClient http, String target, String body) {
            try {
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(target + "/store"))
                        .timeout(Duration.ofSeconds(15)).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 201) {
                    JsonNode json = JsonCodec.readTree(answer.body());
                    ids.add(json.get("id").asText());
                } else if (answer.statusCode() == 503) {
                    unavailable.incrementAndGet();
                } else {
                    otherFailures.incrementAndGet();
                }
            } catch (ConnectException e) {
                refused.incrementAndGet();
                targets.remove(target);
            } catch (IOException e) {
                otherFailures.incrementAndGet();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running.set(false);
            }
        }

        int acknowledged() {
            return ids.size();
        }

        /** Failed requests by kind: refused connections, 503s (a stopping instance), and anything else. */
        String failures() {
            return refused.get() + " refused, " + unavailable.get() + " answered 503, " + otherFailures.get() + " other";
        }

        Set<String> ids() {
            return Set.copyOf(ids);
        }

        void stop() throws InterruptedException {
            running.set(false);
            for (Thread thread : threads) {
                thread.join(30_000);
            }
        }

        @Override
        public void close() throws InterruptedException {
            stop();
        }
    }
}
