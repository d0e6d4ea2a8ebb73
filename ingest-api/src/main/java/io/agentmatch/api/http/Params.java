package io.agentmatch.api.http;

import io.agentmatch.contract.validation.ProfileIds;
import io.agentmatch.contract.validation.ValidationException;
import io.javalin.http.Context;
import java.time.Duration;

/** Path and query parameters, checked, with errors that name the parameter. */
public final class Params {
    private static final int MAX_IDEMPOTENCY_KEY = io.agentmatch.contract.Limits.MAX_IDEMPOTENCY_KEY_CHARS;

    private Params() {
    }

    public static String id(Context ctx, String name) {
        String id = ctx.pathParam(name);
        try {
            ProfileIds.check(name, id);
        } catch (ValidationException e) {
            throw ApiError.badRequest(e.getMessage());
        }
        return id;
    }

    /** 0 when absent and {@code fallback} is 0 (meaning "everything"), else 1..max. */
    public static int limit(Context ctx, int fallback, int max) {
        String value = ctx.queryParam("limit");
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int limit = Integer.parseInt(value.trim());
            if (limit >= 1 && limit <= max) {
                return limit;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw ApiError.badRequest("limit: must be an integer from 1 to " + max + ", got '" + abbreviate(value) + "'");
    }

    /** The bounded read-your-write wait: {@code wait} in milliseconds, at most {@code max}. */
    public static Duration await(Context ctx, Duration max) {
        String value = ctx.queryParam("wait");
        if (value == null || value.isBlank()) {
            return Duration.ZERO;
        }
        try {
            long ms = Long.parseLong(value.trim());
            if (ms >= 0) {
                return Duration.ofMillis(Math.min(ms, max.toMillis()));
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw ApiError.badRequest("wait: must be a number of milliseconds from 0 to " + max.toMillis());
    }

    public static long minVersion(Context ctx) {
        String value = ctx.queryParam("minVersion");
        if (value == null || value.isBlank()) {
            return -1;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("minVersion: must be an integer (the version a write answered)");
        }
    }

    public static String idempotencyKey(Context ctx) {
        String key = ctx.header("Idempotency-Key");
        if (key == null) {
            return null;
        }
        if (key.isBlank() || key.length() > MAX_IDEMPOTENCY_KEY || !key.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
            throw ApiError.badRequest("Idempotency-Key header: must be 1 to " + MAX_IDEMPOTENCY_KEY
                    + " visible ASCII characters");
        }
        return key;
    }

    static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 37) + "...";
    }
}
