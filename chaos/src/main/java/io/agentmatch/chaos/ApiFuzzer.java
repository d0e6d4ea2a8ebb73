package io.agentmatch.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentmatch.contract.events.JsonCodec;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Seeded, reproducible fuzzing of the API's write routes with malformed and hostile requests
 * (broken and truncated JSON, wrong types, huge numbers, deep nesting, invalid UTF-8, wrong content
 * types, oversized bodies, odd ids and headers), and of its HTTP parser with malformed requests on
 * a raw socket. Invariants: no 5xx, every 4xx is {@code {"error": "...", "status": "error"}}, no
 * stack trace or internal detail in any answer, and the process stays up and healthy.
 */
public final class ApiFuzzer {
    /** Class names, stack frames and library internals that must never reach a client. */
    static final Pattern INTERNALS = Pattern.compile(
            "(?i)(exception|\\tat |\\bat [a-z0-9_$]+\\.[a-z0-9_$.]+\\(|\\.java:\\d+|java\\.(lang|io|util)|jakarta\\.|javax\\."
                    + "|org\\.eclipse|io\\.javalin|io\\.agentmatch|com\\.fasterxml|software\\.amazon|org\\.apache"
                    + "|caused by|nullpointer|stacktrace|Constraints\\.)");

    public static final List<String> ROUTES = List.of("POST /store", "POST /conversation", "PUT /profiles/{id}",
            "DELETE /profiles/{id}", "POST /match");

    /** Counts per route (and for the raw-socket HTTP cases), and the first problems found. */
    public static final class Result {
        public final Map<String, int[]> perRoute = new TreeMap<>(); // requests, 2xx, 4xx, 5xx, no answer
        public final List<String> problems = new ArrayList<>();
        public int problemCount;
        public int nonJson4xxFromHttpParser;
        public final List<String> parserAnswers = new ArrayList<>();
        /** The slowest exchange and what it was: a stall shows here even when the answer came in time. */
        public long slowestMillis;
        public String slowest = "";
        /** Every write answered 2xx: what must be stored afterwards. */
        final AcceptedWrites accepted = new AcceptedWrites();

        void count(String route, int status) {
            int[] c = perRoute.computeIfAbsent(route, r -> new int[5]);
            c[0]++;
            if (status < 0) {
                c[4]++;
            } else if (status < 300) {
                c[1]++;
            } else if (status < 500) {
                c[2]++;
            } else {
                c[3]++;
            }
        }

        /** Problems by route, kind of input and status: what to fix. */
        public final Map<String, Integer> tally = new TreeMap<>();

        void problem(String text) {
            problemCount++;
            String kind = text.replaceAll("[\\r\\n]+", " ").replaceAll(" #\\d+", "").replaceAll("^(raw HTTP case \\d+).*?: (-?\\d+).*$", "$1 -> $2");
            int colon = kind.indexOf("]: ");
            if (colon > 0) {
                String rest = kind.substring(colon + 3);
                kind = kind.substring(0, colon + 1) + " " + (rest.length() > 40 ? rest.substring(0, 40) : rest);
            }
            tally.merge(kind, 1, Integer::sum);
            if (problems.size() < 25) {
                problems.add(text.length() > 400 ? text.substring(0, 400) + "..." : text);
            }
        }

        public int total() {
            return perRoute.values().stream().mapToInt(c -> c[0]).sum();
        }

        void timed(String label, RawHttp.Response response) {
            if (response.millis() > slowestMillis) {
                slowestMillis = response.millis();
                slowest = label + " -> " + response.status();
            }
        }

        public String describe() {
            StringBuilder out = new StringBuilder();
            perRoute.forEach((route, c) -> out.append(String.format("%s: %d requests (%d 2xx, %d 4xx, %d 5xx, %d no answer); ",
                    route, c[0], c[1], c[2], c[3], c[4])));
            out.append(String.format("slowest answer %d ms (%s); ", slowestMillis, slowest));
            return out.toString();
        }
    }

    private final RawHttp http;
    private final String token;
    private final String existingId;
    private final Random random;

    public ApiFuzzer(int port, String token, String existingId, long seed) {
        this.http = new RawHttp(port, 15_000);
        this.token = token;
        this.existingId = existingId;
        this.random = new Random(seed);
    }

    public Result run(int perRoute) {
        Result result = new Result();
        for (String route : ROUTES) {
            for (int i = 0; i < perRoute; i++) {
                fuzzRoute(route, i, result);
            }
        }
        for (int i = 0; i < Math.max(200, perRoute / 5); i++) {
            malformedHttp(i, result);
        }
        return result;
    }

    // ------------------------------------------------------------------ one case on one route

    private void fuzzRoute(String route, int index, Result result) {
        String method = route.substring(0, route.indexOf(' '));
        String path = route.substring(route.indexOf(' ') + 1);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", "Bearer " + token);
        headers.put("Content-Type", "application/json");
        String id = existingId;
        byte[] body = validBody(route);
        int kind = random.nextInt(16);
        String what;
        switch (kind) {
            case 0 -> { what = "wrong types"; body = wrongTypes(route); }
            case 1 -> { what = "truncated JSON"; body = java.util.Arrays.copyOf(body, random.nextInt(Math.max(1, body.length))); }
            case 2 -> { what = "broken JSON"; body = corrupt(body); }
            case 3 -> { what = "huge numbers"; body = hugeNumbers(route); }
            case 4 -> { what = "deep nesting"; body = deepNesting(); }
            case 5 -> { what = "invalid UTF-8"; body = invalidUtf8(body); }
            case 6 -> { what = "wrong content type"; headers.put("Content-Type", pick("text/plain", "application/xml",
                    "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "", "\u00ff\u00fe", "*/*",
                    "application/json; charset=latin1", "text/json", "application/octet-stream")); }
            case 7 -> { what = "oversized body"; body = oversized(); }
            case 8 -> { what = "odd id"; id = oddId(); }
            case 9 -> { what = "odd headers"; oddHeaders(headers); }
            case 10 -> { what = "not an object"; body = pick("[]", "[1,2]", "\"text\"", "null", "42", "true", "{}", " ",
                    "", "[{\"name\":\"x\"}]", "1e999").getBytes(StandardCharsets.UTF_8); }
            case 11 -> { what = "random bytes"; body = new byte[random.nextInt(300)]; random.nextBytes(body); }
            case 12 -> { what = "bad auth"; headers.put("Authorization", pick("Bearer", "Bearer wrong", "Basic YTpi", "",
                    "Bearer " + token + "x", "bearer " + token, "Bearer  " + token, "Bearer " + token.substring(1))); }
            case 13 -> { what = "duplicate keys and odd strings"; body = oddStrings(route); }
            case 14 -> { what = "odd query"; path = path + pick("?wait=-1", "?limit=abc", "?%zz", "?a=" + "b".repeat(5000),
                    "?minVersion=1e99", "?cursor=%00"); }
            default -> what = "valid";
        }
        String target = path.replace("{id}", id);
        RawHttp.Response response = http.request(method, target, headers, method.equals("DELETE") && kind != 7 && kind != 4
                && random.nextBoolean() ? null : body);
        result.count(route, response.status());
        result.timed(route + " [" + what + "] #" + index, response);
        judge(route + " [" + what + "] #" + index, response, result, true);
        result.accepted.answered(route, response.status(), response.text());
    }

    static void judge(String label, RawHttp.Response response, Result result, boolean strictEnvelope) {
        String text = response.text();
        if (response.status() < 0) {
            if (strictEnvelope) {
                result.problem(label + ": no answer (" + text + ")");
            }
            return;
        }
        // 505 is the HTTP parser's (and RFC 9110's) answer to a request line with an unsupported
        // protocol version (HTTP/0.9, HTTP/9.9): raw-socket garbage, answered before any route runs.
        boolean unsupportedVersion = !strictEnvelope && response.status() == 505 && isErrorEnvelope(text);
        if (response.status() >= 500 && !unsupportedVersion) {
            result.problem(label + ": " + response.status() + " " + text);
            return;
        }
        if (INTERNALS.matcher(text).find()) {
            result.problem(label + ": internal detail in the answer: " + text);
        }
        if (response.status() >= 400) {
            if (!isErrorEnvelope(text)) {
                if (strictEnvelope) {
                    result.problem(label + ": " + response.status() + " body is not {\"error\",\"status\":\"error\"}: " + text);
                } else {
                    result.nonJson4xxFromHttpParser++;
                    if (result.parserAnswers.size() < 5) {
                        result.parserAnswers.add(response.status() + " " + (text.length() > 120 ? text.substring(0, 120) : text));
                    }
                }
            }
        } else if (response.status() >= 200) {
            try {
                JsonNode json = JsonCodec.readTree(text);
                if (!"success".equals(json.path("status").asText())) {
                    result.problem(label + ": " + response.status() + " without status success: " + text);
                }
            } catch (Exception e) {
                result.problem(label + ": " + response.status() + " body is not JSON: " + text);
            }
        }
    }

    static boolean isErrorEnvelope(String text) {
        try {
            JsonNode json = JsonCodec.readTree(text);
            return json.isObject() && json.size() == 2 && json.path("error").isTextual()
                    && !json.path("error").textValue().isBlank() && "error".equals(json.path("status").asText());
        } catch (Exception e) {
            return false;
        }
    }

    // ------------------------------------------------------------------ bodies

    private byte[] validBody(String route) {
        String json = switch (route) {
            case "POST /conversation" -> "{\"agent_id\":\"agent-1\",\"message\":\"hello\",\"sender\":\"user\"}";
            case "POST /match" -> "{\"description\":\"I need a plumber to fix a leak\"}";
            default -> "{\"name\":\"Fuzz\",\"address\":\"0xabc\",\"job\":\"Plumber\",\"averagePrice\":42.5,"
                    + "\"tags\":[\"pipes\"],\"location\":[\"Berlin\",\"DE\"],\"description\":\"fixes leaks\"}";
        };
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private Object randomValue(int depth) {
        return switch (random.nextInt(depth > 2 ? 6 : 8)) {
            case 0 -> random.nextInt();
            case 1 -> random.nextDouble() * 1e6;
            case 2 -> random.nextBoolean();
            case 3 -> null;
            case 4 -> "s" + random.nextInt(1000);
            case 5 -> "";
            case 6 -> java.util.Arrays.asList(randomValue(depth + 1), randomValue(depth + 1));
            default -> java.util.Collections.singletonMap("k", randomValue(depth + 1));
        };
    }

    private byte[] wrongTypes(String route) {
        List<String> fields = switch (route) {
            case "POST /conversation" -> List.of("agent_id", "message", "sender", "conversation_id");
            case "POST /match" -> List.of("description", "limit", "top_k");
            default -> List.of("name", "address", "job", "averagePrice", "tags", "location", "description");
        };
        Map<String, Object> body = new LinkedHashMap<>();
        try {
            JsonNode valid = JsonCodec.readTree(validBody(route));
            valid.fields().forEachRemaining(e -> body.put(e.getKey(), JsonCodec.MAPPER.convertValue(e.getValue(), Object.class)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        for (int n = 1 + random.nextInt(3); n > 0; n--) {
            body.put(fields.get(random.nextInt(fields.size())), randomValue(0));
        }
        return JsonCodec.toBytes(body);
    }

    private byte[] corrupt(byte[] body) {
        byte[] copy = body.clone();
        String noise = "{}[]\",:\\ \u0000tfn-0e.";
        for (int n = 1 + random.nextInt(4); n > 0 && copy.length > 0; n--) {
            copy[random.nextInt(copy.length)] = (byte) noise.charAt(random.nextInt(noise.length()));
        }
        return copy;
    }

    private byte[] hugeNumbers(String route) {
        String number = pick("1e400", "-1e400", "1" + "0".repeat(200), "9".repeat(5000), "1e-400", "1E126", "1E-131",
                "0." + "0".repeat(300) + "1", "NaN", "Infinity", "-Infinity", "123456789012345678901234567890123456789",
                "-0", "0e99999999999", "1.7976931348623157E309", "0x10", "01", "+1", ".5", "1.");
        String field = switch (route) {
            case "POST /conversation" -> "message";
            case "POST /match" -> "description";
            default -> "averagePrice";
        };
        String base = new String(validBody(route), StandardCharsets.UTF_8);
        String nested = random.nextBoolean() ? number : "{\"deep\":[" + number + "]}";
        return base.replaceFirst("\\{", java.util.regex.Matcher.quoteReplacement("{\"" + field + "\":" + nested + ",")).getBytes(StandardCharsets.UTF_8);
    }

    private byte[] deepNesting() {
        int depth = new int[] {33, 64, 500, 5_000, 50_000, 200_000}[random.nextInt(6)];
        boolean arrays = random.nextBoolean();
        StringBuilder out = new StringBuilder(depth * 6);
        for (int i = 0; i < depth; i++) {
            out.append(arrays ? "[" : "{\"a\":");
        }
        out.append("1");
        if (random.nextBoolean()) {
            for (int i = 0; i < depth; i++) {
                out.append(arrays ? "]" : "}");
            }
        }
        String inner = out.toString();
        return ("{\"name\":" + inner + "}").getBytes(StandardCharsets.UTF_8);
    }

    private byte[] invalidUtf8(byte[] body) {
        byte[][] bad = {{(byte) 0xC3, 0x28}, {(byte) 0xFF}, {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}, {(byte) 0xE2, (byte) 0x82}, {(byte) 0x80}};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String text = new String(body, StandardCharsets.UTF_8);
        int quote = text.indexOf(":\"") + 2;
        out.writeBytes(text.substring(0, quote).getBytes(StandardCharsets.UTF_8));
        out.writeBytes(bad[random.nextInt(bad.length)]);
        out.writeBytes(text.substring(quote).getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private byte[] oversized() {
        int size = (1 << 20) + 1 + random.nextInt(2 << 20);
        byte[] body = new byte[size];
        java.util.Arrays.fill(body, (byte) 'a');
        byte[] prefix = "{\"name\":\"".getBytes(StandardCharsets.UTF_8);
        System.arraycopy(prefix, 0, body, 0, prefix.length);
        body[size - 2] = '"';
        body[size - 1] = '}';
        return body;
    }

    private byte[] oddStrings(String route) {
        String odd = pick("\\u0000", "\\ud800", "\\udfff\\ud800", "\u202e\u0000", "\u00ff".repeat(1000), "\\\\..\\\\..\\\\",
                "../../etc/passwd", "<script>alert(1)</script>", "' OR 1=1 --", "${jndi:ldap://x/a}", "%00%0d%0a",
                "a".repeat(120_000), "\\n\\r\\t", "\ud83d\ude00".repeat(50));
        String field = switch (route) {
            case "POST /conversation" -> pick("agent_id", "sender", "conversation_id", "message");
            case "POST /match" -> "description";
            default -> pick("name", "job", "description", "id", "address");
        };
        String base = new String(validBody(route), StandardCharsets.UTF_8);
        String dup = "\"" + field + "\":\"" + odd + "\"";
        return base.replaceFirst("\\{", java.util.regex.Matcher.quoteReplacement("{" + dup + "," + (random.nextBoolean() ? dup + "," : ""))).getBytes(StandardCharsets.UTF_8);
    }

    private String oddId() {
        return pick("..", "..%2F..%2Fetc%2Fpasswd", "%2e%2e", "a%00b", "%20", "x".repeat(129), "x".repeat(5000),
                "%E2%80%AE", "%FF%FE", "a%2Fb", "a;b", "a'b", "%5C..%5C", "CON", "%7B%7D", "a%0D%0AX-Injected:1",
                "%F0%9F%98%80", "-1", "null", "00000000-0000-0000-0000-000000000000", "a..b", ".hidden", "~root");
    }

    private void oddHeaders(Map<String, String> headers) {
        switch (random.nextInt(8)) {
            case 0 -> headers.put("Idempotency-Key", pick("", " ", "k".repeat(201), "k".repeat(20_000), "\u00e9t\u00e9",
                    "a b", "\t", "../../x"));
            case 1 -> headers.put("Content-Length", pick("-1", "abc", "99999999999999999999", "0", "1", " 5"));
            case 2 -> headers.put("Accept", pick("text/html", "*/*;q=abc", "\u00ff"));
            case 3 -> headers.put("X-Forwarded-For", "1.2.3.4, " + "9".repeat(3000));
            case 4 -> headers.put("Content-Encoding", pick("gzip", "br", "deflate", "identity, gzip"));
            case 5 -> headers.put("Transfer-Encoding", pick("chunked", "gzip, chunked", "identity"));
            case 6 -> headers.put("Expect", pick("100-continue", "200-ok"));
            default -> headers.put("Content-Type", "application/json; charset=" + pick("utf-16", "ebcdic", "\"", "utf-8;;;"));
        }
    }

    // ------------------------------------------------------------------ malformed HTTP on a raw socket

    private void malformedHttp(int index, Result result) {
        String auth = "Authorization: Bearer " + token + "\r\n";
        String host = "Host: 127.0.0.1\r\n";
        String body = "{\"name\":\"x\"}";
        String request = switch (index % 20) {
            case 0 -> "POST /store\r\n\r\n";
            case 1 -> "POST /store HTTP/9.9\r\n" + host + "\r\n";
            case 2 -> "GARBAGE\r\n\r\n";
            case 3 -> "POST /store HTTP/1.1\r\n" + host + "Bad Header Line\r\n\r\n";
            case 4 -> "POST /store HTTP/1.1\r\n" + host + auth + "Content-Length: 5\r\nContent-Length: 7\r\n\r\n" + body;
            case 5 -> "POST /store HTTP/1.1\r\n" + host + auth + "Content-Length: -5\r\n\r\n" + body;
            case 6 -> "POST /store HTTP/1.1\r\n" + host + auth + "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\nzz\r\n" + body;
            case 7 -> "POST /store HTTP/1.1\r\n" + host + auth + "Transfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFF\r\n" + body;
            case 8 -> "POST /" + "a".repeat(100_000) + " HTTP/1.1\r\n" + host + "\r\n";
            case 9 -> "POST /store HTTP/1.1\r\n" + host + "X-Big: " + "b".repeat(200_000) + "\r\n\r\n";
            case 10 -> "POST /store HTTP/1.1\r\n" + host + "X-Many: 1\r\n".repeat(5_000) + "\r\n";
            case 11 -> "POST /store HTTP/1.1\r\n" + host + auth + "X-Folded: a\r\n b\r\nContent-Length: 12\r\n\r\n" + body;
            case 12 -> "POST /store HTTP/1.1\r\n" + host + auth + "X-Nul: a\u0000b\r\nContent-Length: 12\r\n\r\n" + body;
            case 13 -> "POST http://evil.example/store HTTP/1.1\r\n" + host + auth + "Content-Length: 12\r\n\r\n" + body;
            case 14 -> "POST /../../etc/passwd HTTP/1.1\r\n" + host + auth + "\r\n";
            case 15 -> "POST /profiles/%00 HTTP/1.1\r\n" + host + auth + "\r\n";
            case 16 -> "PUT /profiles/x HTTP/1.1\r\n" + host + auth + "Content-Length: 500\r\n\r\n" + body; // body cut short
            case 17 -> "\r\n\r\n\r\n";
            case 18 -> "POST /store HTTP/1.1\r\n\r\n"; // no Host
            default -> "DELETE /profiles/" + "\u00ff\u00fe".repeat(10) + " HTTP/1.1\r\n" + host + auth + "\r\n";
        };
        RawHttp.Response response = http.exchange(request.getBytes(StandardCharsets.ISO_8859_1), true);
        result.count("raw HTTP", response.status());
        judge("raw HTTP case " + (index % 20), response, result, false);
    }

    @SafeVarargs
    private <T> T pick(T... options) {
        return options[random.nextInt(options.length)];
    }
}
