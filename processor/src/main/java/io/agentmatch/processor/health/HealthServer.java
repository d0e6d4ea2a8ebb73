package io.agentmatch.processor.health;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code GET /health} (liveness: 200 while every stream thread runs, 503 otherwise: a restart helps),
 * {@code GET /ready} (readiness: also 503 while a DynamoDB table cannot be written for a reason
 * retrying cannot fix, named with the error: an operator must act, a restart would not help) and
 * {@code GET /metrics}.
 */
public final class HealthServer implements AutoCloseable {
    /** What /health reports. */
    public record Health(boolean healthy, String detail) {
    }

    public static final String HEALTH = "/health";
    public static final String READY = "/ready";
    public static final String METRICS = "/metrics";
    /** Every path it serves (what the Kubernetes manifests' probes are checked against). */
    public static final List<String> PATHS = List.of(HEALTH, READY, METRICS);

    private final HttpServer server;

    public HealthServer(String host, int port, Supplier<Health> health, Supplier<Health> ready, ProcessorMetrics metrics)
            throws IOException {
        server = HttpServer.create(new InetSocketAddress(host, port), 16);
        for (String path : PATHS) {
            HttpHandler handler = switch (path) {
                case HEALTH -> exchange -> report(exchange, health.get(), "healthy", "unhealthy");
                case READY -> exchange -> report(exchange, ready.get(), "ready", "not ready");
                case METRICS -> exchange -> respond(exchange, 200, "text/plain; version=0.0.4", metrics.scrape());
                default -> throw new IllegalStateException("no handler for " + path);
            };
            server.createContext(path, handler);
        }
        server.start();
    }

    /** Started on {@code host:port}; a failure to listen names the settings that chose the address. */
    public static HealthServer start(String host, int port, Supplier<Health> health, Supplier<Health> ready,
                                     ProcessorMetrics metrics) {
        try {
            return new HealthServer(host, port, health, ready, metrics);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot listen on " + host + ":" + port + " (PROCESSOR_HEALTH_HOST, PROCESSOR_HEALTH_PORT): "
                    + e.getMessage(), e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The address it listens on. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    private static void report(HttpExchange exchange, Health current, String good, String bad) throws IOException {
        respond(exchange, current.healthy() ? 200 : 503, "application/json",
                "{\"status\":\"" + (current.healthy() ? good : bad) + "\",\"detail\":\""
                        + current.detail().replace("\\", "/").replace("\"", "'").replaceAll("\\s+", " ") + "\"}");
    }

    private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
