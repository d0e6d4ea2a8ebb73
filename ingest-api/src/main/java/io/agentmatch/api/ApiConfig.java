package io.agentmatch.api;

import io.agentmatch.contract.config.Env;
import java.time.Duration;

/**
 * The API's own settings (the shared ones are in PipelineConfig).
 *
 * @param apiToken          bearer token required on every route but /health and /ready; null (API_TOKEN unset)
 *                          disables auth; a blank one is refused, so that auth never turns off by accident
 * @param maxBodyBytes      larger request bodies are refused (413) before they are read whole
 * @param kafkaTimeout      a write that Kafka has not acknowledged by then answers 503
 * @param dynamoTimeout     a read DynamoDB has not answered by then answers 503
 * @param maxReadYourWrite  the longest a {@code wait} parameter may hold a read
 * @param benchNoop         serve {@code POST /bench/noop} (the benchmark's HTTP bound); never in production
 * @param idempotencyKeys   how many recent Idempotency-Keys an instance remembers with their request and answer
 * @param maxParkedWaits    how many read-your-write waits may be parked at once; one more is answered 429
 * @param readBufferBytes   how much of a list one request buffers; a larger legacy list is streamed, a page of
 *                          ours stops there with next_cursor
 */
public record ApiConfig(String host, int port, String apiToken, int maxBodyBytes, Duration kafkaTimeout,
                        Duration dynamoTimeout, Duration maxReadYourWrite, boolean matching, boolean benchNoop,
                        int idempotencyKeys, int maxParkedWaits, int readBufferBytes) {

    public ApiConfig {
        if (apiToken != null && apiToken.isBlank()) {
            throw new IllegalArgumentException("API_TOKEN is set but empty: set it to the bearer token clients must send,"
                    + " or unset it to run without authentication");
        }
    }

    public static ApiConfig fromEnv(Env env) {
        return new ApiConfig(
                env.get("API_HOST", "127.0.0.1"),
                env.getInt("API_PORT", 8080),
                token(env),
                env.getInt("API_MAX_BODY_BYTES", 1024 * 1024),
                Duration.ofMillis(env.getInt("API_KAFKA_TIMEOUT_MS", 4000)),
                Duration.ofMillis(env.getInt("API_DYNAMODB_TIMEOUT_MS", 3000)),
                Duration.ofMillis(env.getInt("API_MAX_WAIT_MS", 10_000)),
                env.getBoolean("API_MATCHING", true),
                env.getBoolean("API_BENCH_NOOP", false),
                env.getInt("API_IDEMPOTENCY_KEYS", 20_000),
                env.getInt("API_MAX_PARKED_WAITS", 1000),
                env.getInt("API_READ_BUFFER_BYTES", 4 * 1024 * 1024));
    }

    /** Unset: no auth. Set: the trimmed token, and a blank one stays blank so that the constructor refuses it. */
    private static String token(Env env) {
        String raw = env.raw("API_TOKEN");
        return raw == null ? null : raw.isBlank() ? raw : raw.trim();
    }

    public ApiConfig withPort(int newPort) {
        return new ApiConfig(host, newPort, apiToken, maxBodyBytes, kafkaTimeout, dynamoTimeout, maxReadYourWrite, matching,
                benchNoop, idempotencyKeys, maxParkedWaits, readBufferBytes);
    }

    public ApiConfig withToken(String token) {
        return new ApiConfig(host, port, token, maxBodyBytes, kafkaTimeout, dynamoTimeout, maxReadYourWrite, matching,
                benchNoop, idempotencyKeys, maxParkedWaits, readBufferBytes);
    }
}
