package io.agentmatch.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmatch.contract.events.JsonCodec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Concurrent API clients as a careful legacy client would write: {@code POST /store} and
 * {@code POST /conversation}, each write with its own Idempotency-Key, retried with the same key on
 * connection errors and 5xx until it gets a 2xx (or its deadline passes). Every 2xx goes into
 * {@link Acknowledged}. Each client writes to conversations of its own, in order.
 */
public final class Writers {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final String base;
    private final String token;
    private final int clients;
    private final String run;
    private final Duration retryDeadline;
    private final Acknowledged acknowledged;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();

    public final AtomicLong requests = new AtomicLong();
    public final AtomicLong retries = new AtomicLong();
    public final AtomicLong serverErrors = new AtomicLong();
    public final AtomicLong connectionErrors = new AtomicLong();
    public final AtomicLong gaveUp = new AtomicLong();
    public final AtomicLong rejected = new AtomicLong();
    public final List<String> rejections = Collections.synchronizedList(new ArrayList<>());
    /** The 5xx answers other than 503 and 504 (documented while Kafka is down: not stored, and outcome unknown). */
    public final List<String> unexpected = Collections.synchronizedList(new ArrayList<>());

    public Writers(String base, String token, int clients, String run, Duration retryDeadline, Acknowledged acknowledged) {
        this.base = base;
        this.token = token;
        this.clients = clients;
        this.run = run;
        this.retryDeadline = retryDeadline;
        this.acknowledged = acknowledged;
    }

    public void start() {
        for (int c = 0; c < clients; c++) {
            int client = c;
            Thread thread = new Thread(() -> loop(client), "writer-" + c);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    /** Stops issuing new writes and waits for the writes in flight (each bounded by the retry deadline). */
    public void stop() {
        stopping.set(true);
        for (Thread thread : threads) {
            try {
                thread.join(retryDeadline.toMillis() + 15_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void loop(int client) {
        Random random = new Random(31L * client + run.hashCode());
        int seq = 0;
        while (!stopping.get()) {
            seq++;
            String key = run + "-" + client + "-" + seq;
            if (seq % 2 == 1) {
                ObjectNode data = JsonNodeFactory.instance.objectNode();
                data.put("name", "Chaos client " + client + " write " + seq);
                data.put("address", "0x" + Integer.toHexString(random.nextInt()));
                data.put("job", List.of("Plumber", "Electrician", "Carpenter", "Doctor").get(random.nextInt(4)));
                data.put("averagePrice", random.nextInt(20_000) / 100.0);
                data.putArray("tags").add("chaos").add("client-" + client);
                data.putArray("location").add(List.of("Berlin", "Lyon", "Austin").get(random.nextInt(3))).add("XX");
                data.put("description", "written by chaos client " + client);
                data.put("nonce", key);
                JsonNode answer = write("/store", data, key);
                if (answer != null) {
                    acknowledged.profile(answer.get("id").asText(), data, null);
                }
            } else {
                String conversation = run + "-c" + client + "-" + (seq / 2) % 3;
                ObjectNode body = JsonNodeFactory.instance.objectNode();
                body.put("agent_id", "agent-" + client);
                body.put("message", key);
                body.put("sender", seq % 4 == 0 ? "agent" : "user");
                body.put("conversation_id", conversation);
                JsonNode answer = write("/conversation", body, key);
                if (answer != null) {
                    acknowledged.message(conversation, key);
                }
            }
        }
    }

    /** The 2xx answer, or null when the write was refused (4xx) or never acknowledged before its deadline. */
    private JsonNode write(String path, ObjectNode body, String key) {
        long deadline = System.nanoTime() + retryDeadline.toNanos();
        int attempt = 0;
        while (true) {
            if (attempt++ > 0) {
                retries.incrementAndGet();
                Faults.pause(150 + (long) (Math.random() * 250));
            }
            if (System.nanoTime() > deadline) {
                gaveUp.incrementAndGet();
                return null;
            }
            requests.incrementAndGet();
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .header("Idempotency-Key", key)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(JsonCodec.toBytes(body)));
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            HttpResponse<String> response;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                connectionErrors.incrementAndGet();
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
            int status = response.statusCode();
            if (status >= 500) {
                serverErrors.incrementAndGet();
                if (status != 503 && status != 504 && unexpected.size() < 20) {
                    unexpected.add(status + " " + path + ": " + response.body());
                }
                continue;
            }
            if (status >= 400) {
                rejected.incrementAndGet();
                if (rejections.size() < 20) {
                    rejections.add(status + " " + path + ": " + response.body());
                }
                return null;
            }
            try {
                return JsonCodec.readTree(response.body());
            } catch (IOException e) {
                rejected.incrementAndGet();
                rejections.add(status + " " + path + " with a body that is not JSON: " + response.body());
                return null;
            }
        }
    }

    public String describe() {
        return String.format("%d requests, %d retries, %d connection errors, %d 5xx, %d refused, %d gave up",
                requests.get(), retries.get(), connectionErrors.get(), serverErrors.get(), rejected.get(), gaveUp.get());
    }
}
