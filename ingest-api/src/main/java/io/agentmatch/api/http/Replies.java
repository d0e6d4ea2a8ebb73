package io.agentmatch.api.http;

import io.javalin.http.Context;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** Answers that complete later, without holding a request thread. */
final class Replies {
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

    static ApiError apiError(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return cause instanceof ApiError e ? e : ApiError.unavailable("Kafka is unavailable");
    }
}
