package io.agentmatch.contract.events;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Derives ids from a client's Idempotency-Key, so that a retry (even to another API instance, even
 * after a crash) produces the same profile id or message id, and the processor sees a duplicate
 * rather than a second profile or message.
 */
public final class IdempotencyIds {
    private IdempotencyIds() {
    }

    /** A name-based (version 3) UUID of the scope and key; scope separates profiles from messages. */
    public static String derive(String scope, String idempotencyKey) {
        return UUID.nameUUIDFromBytes((scope + "\u0000" + idempotencyKey).getBytes(StandardCharsets.UTF_8)).toString();
    }
}
