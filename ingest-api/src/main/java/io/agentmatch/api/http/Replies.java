package io.agentmatch.api.http;

import io.javalin.http.Context;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** Answers that complete later, without holding a request thread. */
final class Replies {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Replies.class);

    private Replies() {
    }

    /** Answers with the first request's answer (or its error) once it is known. */
    static void replay(Context ctx, Idempotency.Repeat repeat) {
        CompletableFuture<Void> done = repeat.answer().handle((answer, error) -> {
            if (error != null) {
                ApiError apiError = apiError(error);
                Responses.error(ctx, apiError.status(), apiError.getMessage());
            } else {
                answer.send(ctx);
            }
            return null;
        });
        ctx.future(() -> done);
    }

    /** The answer for a failure that completed a future: its ApiError, or a logged 500 for anything else. */
    static ApiError apiError(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof ApiError e) {
            return e;
        }
        LOG.error("unexpected error completing an answer", cause);
        return new ApiError(500, "internal error; it was logged");
    }
}
