package io.agentmatch.api.http;

/** An answer other than success: the status and a message that says what is wrong (never internals). */
public final class ApiError extends RuntimeException {
    private final int status;

    public ApiError(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }

    public static ApiError badRequest(String message) {
        return new ApiError(400, message);
    }

    public static ApiError notFound(String message) {
        return new ApiError(404, message);
    }

    public static ApiError unavailable(String message) {
        return new ApiError(503, message);
    }
}
