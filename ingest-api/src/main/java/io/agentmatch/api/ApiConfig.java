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
 * @param apiToken          bearer token required on every route but /health and /ready; null disables auth
 * @param maxBodyBytes      larger request bodies are refused (413) before they are read whole
 * @param kafkaTimeout      a write that Kafka has not acknowledged by then answers 503
 * @param dynamoTimeout     a read DynamoDB has not answered by then answers 503
 * @param maxReadYourWrite  the longest a {@code wait} parameter may hold a read
 * @param benchNoop         serve {@code POST /bench/noop} (the benchmark's HTTP bound); never in production
 */
public record ApiConfig(String host, int port, String apiToken, int maxBodyBytes, Duration kafkaTimeout,
                        Duration dynamoTimeout, Duration maxReadYourWrite, boolean matching, boolean benchNoop) {

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
    public static final List<Setting<?>> SETTINGS = List.of(API_HOST, API_PORT, API_TOKEN, API_MAX_BODY_BYTES,
            API_KAFKA_TIMEOUT_MS, API_DYNAMODB_TIMEOUT_MS, API_MAX_WAIT_MS, API_MATCHING, API_BENCH_NOOP);

    public static ApiConfig fromEnv(Env env) {
        if (env.raw(API_TOKEN.name()) != null && env.raw(API_TOKEN.name()).isBlank()) {
            // Auth that silently turns off is an open door: an operator who set the variable meant a token.
            throw new IllegalArgumentException(API_TOKEN.name() + " is set but blank; set a token, or unset it to run without auth");
        }
        return new ApiConfig(
                API_HOST.read(env),
                API_PORT.read(env),
                API_TOKEN.read(env),
                API_MAX_BODY_BYTES.read(env),
                API_KAFKA_TIMEOUT_MS.read(env),
                API_DYNAMODB_TIMEOUT_MS.read(env),
                API_MAX_WAIT_MS.read(env),
                API_MATCHING.read(env),
                API_BENCH_NOOP.read(env));
    }

    public ApiConfig withPort(int newPort) {
        return new ApiConfig(host, newPort, apiToken, maxBodyBytes, kafkaTimeout, dynamoTimeout, maxReadYourWrite, matching,
                benchNoop);
    }

    public ApiConfig withToken(String token) {
        return new ApiConfig(host, port, token, maxBodyBytes, kafkaTimeout, dynamoTimeout, maxReadYourWrite, matching,
                benchNoop);
    }
}
