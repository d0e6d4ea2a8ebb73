package io.agentmatch.api.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmatch.contract.events.EventSchemas;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Liveness (the legacy /health), readiness per dependency, metrics, the OpenAPI description and the
 * event contract (the AsyncAPI document and its JSON Schemas, the very files the processor checks with).
 */
public final class OpsRoutes {
    /** How long a scrape reuses the readiness the previous one saw (each check calls Kafka and DynamoDB). */
    private static final long GAUGE_REUSE_NANOS = 5_000_000_000L;

    private final List<DependencyProbe> probes;
    private final PrometheusMeterRegistry registry;
    private final byte[] openApi;
    private final byte[] asyncApi;
    private final java.util.Map<String, byte[]> schemas = new java.util.HashMap<>();
    private Map<String, DependencyProbe.State> lastChecked;
    private long lastCheckedAt;

    public OpsRoutes(List<DependencyProbe> probes, PrometheusMeterRegistry registry) {
        this.probes = List.copyOf(probes);
        this.registry = registry;
        this.openApi = openApiDocument();
        this.asyncApi = resource("/" + EventSchemas.DOCUMENT);
        for (String file : EventSchemas.FILES) {
            schemas.put(file, resource("/" + EventSchemas.SCHEMAS + file));
        }
        // /ready as gauges, so that Prometheus sees what a probe sees: api_ready, and per dependency.
        Gauge.builder("api_ready", this, ops -> ops.recentStates().values().stream().allMatch(DependencyProbe.State::ready) ? 1 : 0)
                .description("1 while /ready would answer 200 (re-checked at most every 5 s, on a scrape)").register(registry);
        for (DependencyProbe probe : this.probes) {
            Gauge.builder("api_dependency_ready", this, ops -> {
                        DependencyProbe.State state = ops.recentStates().get(probe.name());
                        return state != null && state.ready() ? 1 : 0;
                    })
                    .description("1 while the dependency is usable, as /ready reports it").tag("dependency", probe.name())
                    .register(registry);
        }
    }

    private static byte[] resource(String path) {
        try (InputStream in = OpsRoutes.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every probe's state now, in order; a probe that throws is down. */
    private Map<String, DependencyProbe.State> checkAll() {
        Map<String, DependencyProbe.State> states = new LinkedHashMap<>();
        for (DependencyProbe probe : probes) {
            DependencyProbe.State state;
            try {
                state = probe.check();
            } catch (RuntimeException e) {
                state = new DependencyProbe.State("down", false);
            }
            states.put(probe.name(), state);
        }
        return states;
    }

    /** The gauges' view: the states a /ready or a scrape saw within the last 5 s, else checked now. */
    private synchronized Map<String, DependencyProbe.State> recentStates() {
        if (lastChecked == null || System.nanoTime() - lastCheckedAt > GAUGE_REUSE_NANOS) {
            remember(checkAll());
        }
        return lastChecked;
    }

    private synchronized void remember(Map<String, DependencyProbe.State> states) {
        lastChecked = states;
        lastCheckedAt = System.nanoTime();
    }

    /** The OpenAPI description served at /openapi.json (a resource; a test checks it against the route table). */
    public static byte[] openApiDocument() {
        try (InputStream in = OpsRoutes.class.getResourceAsStream("/openapi.json")) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** GET /health: the legacy liveness answer, whatever the dependencies. */
    public void health(Context ctx) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("message", "Server is running");
        body.put("status", "healthy");
        Responses.send(ctx, 200, body);
    }

    /**
     * GET /ready: 200 when every dependency is usable, else 503 naming what is not; a Kafka that
     * refuses the API's credentials or ACLs is named as such in {@code message} and {@code problems}
     * ("Kafka authentication failed: ...", "Kafka authorization failed: ...").
     */
    public void ready(Context ctx) {
        ObjectNode dependencies = JsonNodeFactory.instance.objectNode();
        boolean ready = true;
        List<String> notReady = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Map<String, DependencyProbe.State> states = checkAll();
        remember(states);
        for (Map.Entry<String, DependencyProbe.State> entry : states.entrySet()) {
            DependencyProbe.State state = entry.getValue();
            dependencies.put(entry.getKey(), state.word());
            ready &= state.ready();
            if (!state.ready()) {
                notReady.add(entry.getKey() + " " + state.word());
            }
            if (state.problem() != null) {
                problems.add(state.problem());
            }
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("message", ready ? "Ready" : "Not ready: " + String.join(", ", problems.isEmpty() ? notReady : problems));
        body.set("dependencies", dependencies);
        if (!problems.isEmpty()) {
            problems.forEach(body.putArray("problems")::add);
        }
        body.put("status", ready ? "success" : "error");
        Responses.send(ctx, ready ? 200 : 503, body);
    }

    public void metrics(Context ctx) {
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape());
    }

    public void openApi(Context ctx) {
        ctx.contentType("application/json").result(openApi);
    }

    /** GET /asyncapi.yaml: the event contract; its schema references resolve against /schemas/. */
    public void asyncApi(Context ctx) {
        ctx.contentType("application/yaml; charset=utf-8").result(asyncApi);
    }

    /** GET /schemas/{file}: one JSON Schema of the event contract, 404 for any other name. */
    public void schema(Context ctx) {
        byte[] schema = schemas.get(ctx.pathParam("file"));
        if (schema == null) {
            throw ApiError.notFound("no schema " + Params.abbreviate(ctx.pathParam("file")) + "; the schemas: " + EventSchemas.FILES);
        }
        ctx.contentType("application/schema+json").result(schema);
    }
}
