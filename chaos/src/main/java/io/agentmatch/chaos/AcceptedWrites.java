package io.agentmatch.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentmatch.contract.events.JsonCodec;
import io.agentmatch.contract.events.MatchProjection;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The promise "a 2xx means stored", checked from the outside: every write the API answered with a
 * 2xx during a fuzzing run, and whether each is, within a deadline, retrievable through the API
 * (a deleted profile: gone), matchable (a live profile has its match projection), and, for a
 * message, in its conversation. A write that is not is lost, whatever the reason.
 */
final class AcceptedWrites {
    /**
     * What the checks found: writes accepted, the profiles and conversations they leave (each checked
     * in its last answered state), how many of those are not as answered by the deadline, and the first examples.
     */
    record Outcome(int accepted, int checked, int lost, List<String> examples) {
        String describe() {
            return String.format("%d writes answered 2xx, leaving %d profiles and conversations: %d as answered, %d lost",
                    accepted, checked, checked - lost, lost);
        }
    }

    /** The last answered state of each profile: true live, false deleted (the fuzzer writes one request at a time). */
    private final Map<String, Boolean> profiles = new LinkedHashMap<>();
    /** Messages answered 201 per conversation. */
    private final Map<String, Integer> messages = new LinkedHashMap<>();
    private int accepted;

    /** Records a 2xx answer of a write route; read-only routes and answers without an id are ignored. */
    synchronized void answered(String route, int status, String body) {
        if (status < 200 || status >= 300 || route.equals("POST /match")) {
            return;
        }
        JsonNode json;
        try {
            json = JsonCodec.readTree(body);
        } catch (Exception e) {
            return; // the fuzzer's judge reports a 2xx that is not JSON
        }
        if (route.equals("POST /conversation")) {
            String conversation = json.path("conversation_id").asText(null);
            if (conversation != null) {
                messages.merge(conversation, 1, Integer::sum);
                accepted++;
            }
            return;
        }
        String id = json.path("id").asText(null);
        if (id != null) {
            profiles.put(id, !route.startsWith("DELETE"));
            accepted++;
        }
    }

    /**
     * Checks every accepted write until all are as answered or the deadline passes (the processor
     * needs a moment: the deadline is the promise's, 10 s in the chaos run).
     */
    Outcome await(RawHttp http, String token, Supplier<Map<String, MatchProjection>> projections, Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        List<String> missing;
        do {
            missing = missing(http, token, projections.get());
        } while (!missing.isEmpty() && System.nanoTime() < end && pause());
        int lost = missing.size();
        int writes;
        synchronized (this) {
            writes = accepted;
        }
        int states = profiles.size() + messages.size();
        return new Outcome(writes, states, lost, missing.subList(0, Math.min(10, lost)));
    }

    private List<String> missing(RawHttp http, String token, Map<String, MatchProjection> projections) {
        Map<String, String> headers = Map.of("Authorization", "Bearer " + token);
        List<String> missing = new ArrayList<>();
        Map<String, Boolean> profileStates;
        Map<String, Integer> messageCounts;
        synchronized (this) {
            profileStates = new LinkedHashMap<>(profiles);
            messageCounts = new LinkedHashMap<>(messages);
        }
        profileStates.forEach((id, live) -> {
            int status = http.request("GET", "/retrieve/" + encode(id), headers, null).status();
            if (live && status != 200) {
                missing.add("profile " + id + ": answered 2xx, GET /retrieve answers " + status);
            } else if (!live && status != 404) {
                missing.add("profile " + id + ": deletion answered 2xx, GET /retrieve answers " + status);
            } else if (live && projections.get(id) == null) {
                missing.add("profile " + id + ": stored but not matchable (no match projection)");
            }
        });
        messageCounts.forEach((conversation, count) -> {
            RawHttp.Response response = http.request("GET", "/conversation/" + encode(conversation), headers, null);
            int found = response.status() == 200 ? messageCount(response.text()) : -1;
            if (found < count) {
                missing.add("conversation " + conversation + ": " + count + " messages answered 201, GET answers "
                        + response.status() + " with " + Math.max(0, found));
            }
        });
        return missing;
    }

    private static int messageCount(String body) {
        try {
            JsonNode json = JsonCodec.readTree(body);
            JsonNode list = json.isArray() ? json : json.path("messages");
            return list.isArray() ? list.size() : -1;
        } catch (Exception e) {
            return -1;
        }
    }

    private static String encode(String id) {
        return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Between two rounds of checks; always true, so it can sit in the loop's condition. */
    private static boolean pause() {
        try {
            Thread.sleep(250); // a poll interval against a deadline, not a synchronisation
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return true;
    }
}
