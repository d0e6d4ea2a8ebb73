package io.agentmatch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Records which status each route answered during the route tests, so that a test can check that
 * every status of every route in the route table was seen at least once.
 */
final class RouteStatuses {
    private final Map<String, Set<Integer>> seen = new ConcurrentHashMap<>();

    /** Asserts the status (and the error envelope for errors), and records it for {@code route}. */
    Http.Response expect(String route, Http.Response response, int status) {
        assertEquals(status, response.status(), route + ": " + response.body());
        seen.computeIfAbsent(route, r -> ConcurrentHashMap.newKeySet()).add(status);
        if (status >= 400 && !route.equals("GET /ready")) {
            assertNotNull(response.json(), "error body is JSON: " + response.body());
            assertEquals("error", response.json().get("status").asText(), response.body());
            String error = response.json().path("error").asText();
            assertFalse(error.isBlank() || error.contains("Exception") || error.contains("\tat "), "no internals: " + error);
        }
        return response;
    }

    /** {@link #expect}, and the error names {@code mentions}. */
    Http.Response expectError(String route, Http.Response response, int status, String mentions) {
        expect(route, response, status);
        String error = response.json().get("error").asText();
        assertTrue(error.toLowerCase().contains(mentions.toLowerCase()), "'" + error + "' should mention " + mentions);
        return response;
    }

    /** Every declared status of every route was answered in a test (and nothing undeclared). */
    void assertCovers(Iterable<IngestApi.Route> routes) {
        Map<String, Set<Integer>> declared = new TreeMap<>();
        for (IngestApi.Route route : routes) {
            declared.put(route.method() + " " + route.path(), new TreeSet<>(route.statuses()));
        }
        Map<String, Set<Integer>> observed = new TreeMap<>();
        seen.forEach((route, statuses) -> observed.put(route, new TreeSet<>(statuses)));
        assertEquals(declared, observed, "statuses declared in the route table vs answered in the route tests");
    }
}
