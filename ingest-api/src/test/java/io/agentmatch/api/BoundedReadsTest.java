package io.agentmatch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmatch.api.fakes.TestApi;
import io.agentmatch.contract.events.JsonCodec;
import io.agentmatch.contract.events.ProfileRecord;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Lists hold bounded memory per request whatever the data: here the per-request bound is 64 KB and
 * the data 8 MB; legacy shapes are kept, ours page by bytes.
 */
class BoundedReadsTest {
    private static final int BOUND = 64 * 1024;
    private static final int PAGE = 1024 * 1024;
    private static final String TS = "2024-03-01T09:00:";
    private static TestApi api;
    private static Http http;

    @BeforeAll
    static void start() throws Exception {
        api = new TestApi(Map.of("API_READ_BUFFER_BYTES", Integer.toString(BOUND)));
        http = new Http(api.port(), null);
        String text = "m".repeat(8_000);
        for (int i = 0; i < 1000; i++) {
            api.pipeline.seedMessage(message("big", String.format("%s%02d.%06d", TS, i / 1000, i % 1000), "agent-big", i + text));
        }
        for (int i = 0; i < 2000; i++) {
            api.pipeline.seedProfile(new ProfileRecord(String.format("id-%05d", i), TS + "00.000001", object("{\"job\":\"Small\"}")));
        }
        for (int i = 0; i < 30; i++) {
            api.pipeline.seedProfile(new ProfileRecord(String.format("large-%02d", i), TS + "00.000001",
                    object("{\"job\":\"Large\",\"description\":\"" + "d".repeat(100_000) + "\"}")));
        }
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    private static ObjectNode object(String json) {
        try {
            return (ObjectNode) JsonCodec.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode message(String conversation, String timestamp, String agent, String text) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("conversation_id", conversation);
        node.put("timestamp", timestamp);
        node.put("agent_id", agent);
        node.put("message", text);
        node.put("sender", "user");
        return node;
    }

    private static long maxBuffered() {
        Matcher m = Pattern.compile("api_list_buffer_bytes_max ([0-9.E]+)").matcher(http.get("/metrics").body());
        assertTrue(m.find());
        return (long) Double.parseDouble(m.group(1));
    }

    @Test
    void aConversationFarLargerThanTheBoundIsStreamedInItsLegacyShape() throws Exception {
        HttpResponse<InputStream> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + api.port() + "/conversation/big")).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        try (InputStream body = response.body()) {
            byte[] start = body.readNBytes(200);
            assertTrue(new String(start, StandardCharsets.UTF_8).startsWith("{\"message\":\"Found 1000 messages\",\"conversation_id\":\"big\",\"messages\":[{"));
            assertTrue(api.pipeline.pages() < 5, "the first bytes left before the store was read to the end (" + api.pipeline.pages() + " of 8 pages)");
            JsonNode rest = new com.fasterxml.jackson.databind.ObjectMapper().readTree(concat(start, body.readAllBytes()));
            assertEquals(1000, rest.get("messages").size());
            for (int i = 0; i < 1000; i++) {
                assertTrue(rest.get("messages").get(i).get("message").asText().startsWith(i + "m"), "in time order");
            }
            assertEquals(Set.of("message", "conversation_id", "messages", "status"), fields(rest));
        }
        assertTrue(maxBuffered() <= BOUND + PAGE, "buffered " + maxBuffered() + " bytes, bound " + BOUND + " + one store page");
        JsonNode agent = new com.fasterxml.jackson.databind.ObjectMapper().readTree(http.get("/agent/agent-big/conversations").body());
        assertEquals("Found 1000 messages", agent.get("message").asText());
        assertEquals(1000, agent.get("conversations").size());
    }

    @Test
    void theUnpaginatedListIsStreamedAndPaginatedListsKeepTheirCursors() {
        JsonNode all = http.get("/list").json();
        assertEquals("Found 2030 stored profiles", all.get("message").asText());
        assertEquals(2030, texts(all.get("ids")).size());
        assertNull(all.get("next_cursor"));

        JsonNode first = http.get("/list?limit=1500").json();
        assertEquals(1500, first.get("ids").size());
        assertEquals("Found 1500 stored profiles", first.get("message").asText());
        JsonNode second = http.get("/list?limit=1500&cursor=" + first.get("next_cursor").asText()).json();
        assertEquals(530, second.get("ids").size());
        assertNull(second.get("next_cursor"));
        Set<String> ids = texts(first.get("ids"));
        ids.addAll(texts(second.get("ids")));
        assertEquals(2030, ids.size());
        assertTrue(maxBuffered() <= BOUND + PAGE);
    }

    @Test
    void ourProfileListPagesByBytes() {
        Set<String> seen = new HashSet<>();
        String cursor = null;
        int pages = 0;
        do {
            Http.Response response = http.get("/profiles?job=Large&limit=1000" + (cursor == null ? "" : "&cursor=" + cursor));
            assertEquals(200, response.status());
            JsonNode page = response.json();
            assertTrue(page.get("count").asInt() >= 1);
            assertEquals(page.get("count").asInt(), page.get("profiles").size());
            assertEquals("Found " + page.get("count").asInt() + " profiles", page.get("message").asText());
            assertTrue(response.body().length() <= BOUND + PAGE, "a page is bounded by bytes: " + response.body().length());
            page.get("profiles").forEach(p -> assertTrue(seen.add(p.get("id").asText())));
            cursor = page.has("next_cursor") ? page.get("next_cursor").asText() : null;
            pages++;
        } while (cursor != null);
        assertEquals(30, seen.size());
        assertTrue(pages >= 3, "3 MB of profiles in pages of at most 64 KB + one store page (1 MB): " + pages);
    }

    @Test
    void aListThatFitsIsAnsweredByteForByteAsBefore() throws Exception {
        for (int i = 0; i < 3; i++) {
            api.pipeline.seedMessage(message("small", TS + "00.00000" + i, "agent-small", "hello " + i));
        }
        // The answer as the routes built it before streaming: one ObjectNode, serialized whole.
        ObjectNode expected = JsonNodeFactory.instance.objectNode();
        expected.put("message", "Found 3 messages");
        expected.put("conversation_id", "small");
        var messages = expected.putArray("messages");
        for (int i = 0; i < 3; i++) {
            messages.add(message("small", TS + "00.00000" + i, "agent-small", "hello " + i));
        }
        expected.put("status", "success");
        Http.Response response = http.get("/conversation/small");
        assertEquals(new String(JsonCodec.toBytes(expected), StandardCharsets.UTF_8), response.body());
        assertEquals("application/json", response.header("Content-Type"));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static Set<String> fields(JsonNode node) {
        Set<String> names = new HashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static Set<String> texts(JsonNode array) {
        Set<String> values = new HashSet<>();
        array.forEach(v -> values.add(v.asText()));
        assertNotNull(array);
        return values;
    }
}
