package io.agentmatch.api;

import io.agentmatch.contract.Limits;
import io.agentmatch.contract.config.Env;
import io.agentmatch.contract.config.ServicePorts;
import io.agentmatch.contract.config.Setting;
import java.time.Duration;
import java.util.List;

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
 * @param shutdownTimeout   on SIGTERM, how long in-flight requests may take to finish (the server accepts no new
 *                          ones meanwhile); parked read-your-write waits get half of it, then answer 503
 */
public record ApiConfig(String host, int port, String apiToken, int maxBodyBytes, Duration kafkaTimeout,
                        Duration dynamoTimeout, Duration maxReadYourWrite, boolean matching, boolean benchNoop,
                        int idempotencyKeys, int maxParkedWaits, int readBufferBytes, Duration shutdownTimeout) {

    public ApiConfig {
        if (apiToken != null && apiToken.isBlank()) {
            throw new IllegalArgumentException("API_TOKEN is set but empty: set it to the bearer token clients must send,"
                    + " or unset it to run without authentication");
        }
    }

    public static final Setting<String> API_HOST = Setting.text("API_HOST", "127.0.0.1",
            "address the API listens on (0.0.0.0: every interface, as in the images)");
    public static final Setting<Integer> API_PORT = ServicePorts.API_PORT;
    public static final Setting<String> API_TOKEN = Setting.text("API_TOKEN", null,
            "when set, every route but /health and /ready needs Authorization: Bearer <token>; set but blank refuses to start").secret();
    public static final Setting<Integer> API_MAX_BODY_BYTES = Setting.integer("API_MAX_BODY_BYTES", Limits.MAX_BODY_BYTES, 1024,
            64 * 1024 * 1024, "larger request bodies are refused with 413 before they are read (what is accepted: Limits)");
    public static final Setting<Duration> API_KAFKA_TIMEOUT_MS = Setting.millis("API_KAFKA_TIMEOUT_MS", 4000, 1000,
            "a write Kafka has not acknowledged by then answers 503");
    public static final Setting<Duration> API_DYNAMODB_TIMEOUT_MS = Setting.millis("API_DYNAMODB_TIMEOUT_MS", 3000, 100,
            "a read DynamoDB has not answered by then answers 503");
    public static final Setting<Duration> API_MAX_WAIT_MS = Setting.millis("API_MAX_WAIT_MS", 10_000, 0,
            "the longest GET /retrieve/<id>?wait= may wait for a write to become visible");
    public static final Setting<Boolean> API_MATCHING = Setting.flag("API_MATCHING", true,
            "serve POST /match (loads the model and follows the projections)");
    public static final Setting<Boolean> API_BENCH_NOOP = Setting.flag("API_BENCH_NOOP", false,
            "serve POST /bench/noop, the benchmark's HTTP bound; never in production");
    public static final Setting<Integer> API_IDEMPOTENCY_KEYS = Setting.integer("API_IDEMPOTENCY_KEYS", 20_000, 0,
            Integer.MAX_VALUE, "recent Idempotency-Keys an instance remembers with their request fingerprint and answer");
    public static final Setting<Integer> API_MAX_PARKED_WAITS = Setting.integer("API_MAX_PARKED_WAITS", 1000, 0,
            Integer.MAX_VALUE, "read-your-write waits parked at once; one more answers 429");
    public static final Setting<Integer> API_READ_BUFFER_BYTES = Setting.integer("API_READ_BUFFER_BYTES", 4 * 1024 * 1024,
            1024, Integer.MAX_VALUE, "list bytes one request buffers: larger legacy lists are streamed, pages stop there");
    public static final Setting<Duration> API_SHUTDOWN_TIMEOUT_MS = Setting.millis("API_SHUTDOWN_TIMEOUT_MS", 7000, 500,
            "on SIGTERM, how long in-flight requests may take to finish while no new ones are accepted (keep it under the pod's grace period)");
    public static final List<Setting<?>> SETTINGS = List.of(API_HOST, API_PORT, API_TOKEN, API_MAX_BODY_BYTES,
            API_KAFKA_TIMEOUT_MS, API_DYNAMODB_TIMEOUT_MS, API_MAX_WAIT_MS, API_MATCHING, API_BENCH_NOOP,
            API_IDEMPOTENCY_KEYS, API_MAX_PARKED_WAITS, API_READ_BUFFER_BYTES, API_SHUTDOWN_TIMEOUT_MS);

    public static ApiConfig fromEnv(Env env) {
        return new ApiConfig(
                API_HOST.read(env),
                API_PORT.read(env),
                token(env),
                API_MAX_BODY_BYTES.read(env),
                API_KAFKA_TIMEOUT_MS.read(env),
                API_DYNAMODB_TIMEOUT_MS.read(env),
                API_MAX_WAIT_MS.read(env),
                API_MATCHING.read(env),
                API_BENCH_NOOP.read(env),
                API_IDEMPOTENCY_KEYS.read(env),
                API_MAX_PARKED_WAITS.read(env),
                API_READ_BUFFER_BYTES.read(env),
                API_SHUTDOWN_TIMEOUT_MS.read(env));
    }

    /** Unset: no auth. Set: the trimmed token; a blank one stays blank so that the constructor refuses it. */
    private static String token(Env env) {
        String raw = env.raw(API_TOKEN.name());
        return raw != null && raw.isBlank() ? raw : API_TOKEN.read(env);
    }

    public ApiConfig withPort(int newPort) {
        return new ApiConfig(host, newPort, apiToken, maxBodyBytes, kafkaTimeout, dynamoTimeout, maxReadYourWrite, matching,
                benchNoop, idempotencyKeys, maxParkedWaits, readBufferBytes, shutdownTimeout);
    }

    public ApiConfig withToken(String token) {
        return new ApiConfig(host, port, token, maxBodyBytes, kafkaTimeout, dynamoTimeout, maxReadYourWrite, matching,
                benchNoop, idempotencyKeys, maxParkedWaits, readBufferBytes, shutdownTimeout);
    }
}
