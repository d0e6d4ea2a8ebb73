package io.agentmatch.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentmatch.contract.events.IdempotencyIds;
import io.agentmatch.contract.events.JsonCodec;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Idempotency keys bound to the request they came with, as the payment APIs do it (Stripe; IETF
 * draft "The Idempotency-Key HTTP Header Field"): a key is scoped per route (and per token when
 * auth is on); the first request's fingerprint (route, path and canonical body) is recorded;
 * the same key with the same request answers as the first time, with another request 422.
 *
 * <p>Invariant: while a key's first request is in flight or answered, this instance answers every
 * reuse of the key from that request's outcome, never by writing again. The record is in memory
 * and bounded ({@code API_IDEMPOTENCY_KEYS}, least recently used first out); past it, and on other
 * instances, the stored data answers: a created profile carries its fingerprint, and the
 * processor's fold refuses a create whose fingerprint differs (dead letter with the reason).
 * A failed write (no 2xx) leaves no record, so that the client can retry.
 */
public final class Idempotency {

    /** An answer as sent: replayed byte for byte to a retry with the same key and request. */
    public record Answer(int status, byte[] body, Map<String, String> headers) {
        public void send(Context ctx) {
            headers.forEach(ctx::header);
            ctx.status(status).contentType("application/json").result(body);
        }
    }

    /** The outcome of presenting a key. */
    public sealed interface Claim permits First, Repeat {
    }

    /**
     * The first request with this key (on this instance): the route answers it and then calls
     * {@link #answered} or {@link #failed}. {@code scope} is what ids are derived from.
     */
    public record First(String key, String scope, String fingerprint, CompletableFuture<Answer> answer) implements Claim {
    }

    /** A reuse with the same request: answer as the first request was (or will be) answered. */
    public record Repeat(CompletableFuture<Answer> answer) implements Claim {
    }

    private record Entry(String fingerprint, CompletableFuture<Answer> answer) {
    }

    private final Map<String, Entry> recent;

    public Idempotency(int capacity) {
        this.recent = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > capacity;
            }
        };
    }

    /**
     * The claim of this request's Idempotency-Key on {@code route} (e.g. "POST /store"), or null
     * without a key; a 422 {@link ApiError} when the key was used with another request.
     *
     * @param tokenScope {@link TokenAuth#scope} of the request: keys of different tokens never meet
     */
    public Claim claim(Context ctx, String route, JsonNode body, String tokenScope) {
        String key = Params.idempotencyKey(ctx);
        if (key == null) {
            return null;
        }
        String scope = tokenScope == null ? key : tokenScope + "\u0000" + key;
        String fingerprint = fingerprint(route, ctx.path(), body);
        String recordKey = route + "\u0000" + scope;
        synchronized (recent) {
            Entry entry = recent.get(recordKey);
            if (entry == null) {
                CompletableFuture<Answer> answer = new CompletableFuture<>();
                recent.put(recordKey, new Entry(fingerprint, answer));
                return new First(key, scope, fingerprint, answer);
            }
            if (!entry.fingerprint().equals(fingerprint)) {
                throw conflict(key);
            }
            return new Repeat(entry.answer());
        }
    }

    /** The first request was answered 2xx: reuses of its key get this answer. */
    public void answered(First first, Answer answer) {
        first.answer().complete(answer);
    }

    /** The first request was not stored (or may not have been): the key is free for a retry. */
    public void failed(First first, String route, Throwable error) {
        synchronized (recent) {
            recent.remove(route + "\u0000" + first.scope(), new Entry(first.fingerprint(), first.answer()));
        }
        first.answer().completeExceptionally(error);
    }

    public static ApiError conflict(String key) {
        return new ApiError(422, "Idempotency-Key: '" + Params.abbreviate(key) + "' was already used with a different "
                + "request on this route; use a new key for a new request, or repeat the original request unchanged");
    }

    /** Route, concrete path and canonical body (key order and number spelling do not matter). */
    public static String fingerprint(String route, String path, JsonNode body) {
        String canonical = body == null ? "" : JsonCodec.canonical(body);
        // Routes ignore a trailing slash, so does the fingerprint.
        String samePath = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        return JsonCodec.sha256(route + "\n" + samePath + "\n" + canonical);
    }

    /** A profile or message id derived from the key's scope ({@link IdempotencyIds}). */
    public static String derive(String kind, First first) {
        return IdempotencyIds.derive(kind, first.scope());
    }
}
