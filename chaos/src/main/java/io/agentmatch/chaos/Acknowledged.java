package io.agentmatch.chaos;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every write that got a success (a 2xx from the API, or Kafka's ack for a direct publication), in
 * the order it was acknowledged per profile and per conversation: what must be in the tables.
 * Profiles carry a unique {@code nonce} field when they come from the clients, so that a retried
 * create that produced a second profile shows up as a duplicate.
 */
public final class Acknowledged {
    /** What a profile must look like: {@code data} (null once deleted) and, when known, its timestamp. */
    public record Profile(ObjectNode data, String timestamp) {
        boolean deleted() {
            return data == null;
        }
    }

    private final Map<String, Profile> profiles = new LinkedHashMap<>();
    private final Map<String, List<String>> messages = new LinkedHashMap<>();
    private final AtomicLong writes = new AtomicLong();

    public synchronized void profile(String id, ObjectNode data, String timestamp) {
        profiles.put(id, new Profile(data, timestamp));
        writes.incrementAndGet();
    }

    public synchronized void deleted(String id) {
        profiles.put(id, new Profile(null, null));
        writes.incrementAndGet();
    }

    /** A message of a conversation; the caller acknowledges the messages of one conversation in order. */
    public synchronized void message(String conversationId, String text) {
        messages.computeIfAbsent(conversationId, c -> new ArrayList<>()).add(text);
        writes.incrementAndGet();
    }

    public synchronized Profile current(String id) {
        return profiles.get(id);
    }

    public synchronized Map<String, Profile> profiles() {
        return new LinkedHashMap<>(profiles);
    }

    public synchronized Map<String, List<String>> messages() {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        messages.forEach((k, v) -> copy.put(k, new ArrayList<>(v)));
        return copy;
    }

    public long writes() {
        return writes.get();
    }
}
