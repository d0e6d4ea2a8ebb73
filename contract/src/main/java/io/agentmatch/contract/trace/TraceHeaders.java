package io.agentmatch.contract.trace;

import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The trace context on the wire (docs/EVENTS.md, "Record headers"): W3C {@code traceparent} and
 * {@code tracestate} on HTTP requests and Kafka records, and our request id ({@code X-Request-Id} on
 * HTTP, {@code x-request-id} on records). Everything read here is bounded and checked, because
 * anyone may write the headers: a {@code tracestate} over {@value #MAX_TRACESTATE_CHARS} characters
 * and a request id that is not 1 to {@value #MAX_REQUEST_ID_CHARS} safe characters are ignored (the
 * W3C propagator validates {@code traceparent} itself), so what a derived record carries fits
 * {@link io.agentmatch.contract.Limits#TRACE_HEADER_BYTES}.
 */
public final class TraceHeaders {
    public static final String TRACEPARENT = "traceparent";
    public static final String TRACESTATE = "tracestate";
    /** The request id's record header (lower case, as the W3C headers). */
    public static final String REQUEST_ID = "x-request-id";
    /** The request id's HTTP header: the client's when valid, else one we make; answered on every response. */
    public static final String HTTP_REQUEST_ID = "X-Request-Id";
    /** W3C Trace Context level 2: the server's span, {@code 00-<trace id>-<span id>-<flags>}, on every response. */
    public static final String HTTP_TRACE_RESPONSE = "traceresponse";

    public static final int MAX_TRACESTATE_CHARS = 512;
    public static final int MAX_REQUEST_ID_CHARS = 64;
    private static final Pattern REQUEST_ID_CHARS = Pattern.compile("[A-Za-z0-9._:-]{1," + MAX_REQUEST_ID_CHARS + "}");

    private TraceHeaders() {
    }

    /** The request id if it is one we carry, else null. */
    public static String validRequestId(String candidate) {
        return candidate != null && REQUEST_ID_CHARS.matcher(candidate).matches() ? candidate : null;
    }

    /**
     * A new request id: 32 random hex digits. Unique, not secret, so not from {@code SecureRandom} (whose
     * shared source every request would wait on).
     */
    public static String newRequestId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        char[] id = new char[32];
        long high = random.nextLong();
        long low = random.nextLong();
        for (int i = 0; i < 16; i++) {
            id[15 - i] = HEX[(int) (high >>> (4 * i)) & 0xF];
            id[31 - i] = HEX[(int) (low >>> (4 * i)) & 0xF];
        }
        return new String(id);
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** The request id of a record, or null (absent or not valid). */
    public static String requestId(Headers headers) {
        return headers == null ? null : validRequestId(lastValue(headers, REQUEST_ID));
    }

    /**
     * Every header of {@code original} but those whose names start with {@code prefix}: what a dead
     * letter keeps of the record it holds (its own {@code dlq.*} replace any the record had).
     */
    public static List<Header> without(Headers original, String prefix) {
        List<Header> kept = new ArrayList<>();
        if (original != null) {
            for (Header header : original) {
                if (!header.key().startsWith(prefix)) {
                    kept.add(header);
                }
            }
        }
        return kept;
    }

    static String lastValue(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** Reads the W3C headers of a record; an oversized tracestate reads as absent. */
    static final TextMapGetter<Headers> KAFKA_GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers headers) {
            List<String> keys = new ArrayList<>();
            headers.forEach(h -> keys.add(h.key()));
            return keys;
        }

        @Override
        public String get(Headers headers, String key) {
            return headers == null ? null : bounded(key, lastValue(headers, key));
        }
    };

    /** Writes a W3C header on a record, replacing any of that name. */
    static final TextMapSetter<Headers> KAFKA_SETTER = (headers, key, value) -> {
        if (headers != null && bounded(key, value) != null) {
            headers.remove(key);
            headers.add(key, value.getBytes(StandardCharsets.UTF_8));
        }
    };

    /** Reads the W3C headers of an HTTP request through {@code header} (name to value, null when absent). */
    static final TextMapGetter<Function<String, String>> HTTP_GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Function<String, String> header) {
            return List.of(TRACEPARENT, TRACESTATE);
        }

        @Override
        public String get(Function<String, String> header, String key) {
            return header == null ? null : bounded(key, header.apply(key));
        }
    };

    private static String bounded(String key, String value) {
        if (value != null && TRACESTATE.equals(key) && value.length() > MAX_TRACESTATE_CHARS) {
            return null;
        }
        return value;
    }
}
