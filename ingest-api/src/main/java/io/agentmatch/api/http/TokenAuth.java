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
