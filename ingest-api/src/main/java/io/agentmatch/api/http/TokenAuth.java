package io.agentmatch.api.http;

import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Set;

/** Optional bearer-token authentication: every route but the probes needs the token, compared in constant time. */
public final class TokenAuth {
    private static final Set<String> OPEN = Set.of("/health", "/ready");
    private final byte[] expected;

    public TokenAuth(String token) {
        this.expected = token == null ? null : ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * What scopes idempotency keys to the token: null without auth, else a hash of the token (every
     * request that passed {@link #check} presented it), so that keys never meet across tokens.
     */
    public String scope() {
        return expected == null ? null
                : io.agentmatch.contract.events.JsonCodec.sha256(new String(expected, StandardCharsets.UTF_8)).substring(0, 16);
    }

    public void check(Context ctx) {
        if (expected == null || OPEN.contains(ctx.path())) {
            return;
        }
        String header = ctx.header("Authorization");
        byte[] given = header == null ? new byte[0] : header.getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(expected, given)) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw new ApiError(401, "Authorization: a valid bearer token is required");
        }
    }
}
