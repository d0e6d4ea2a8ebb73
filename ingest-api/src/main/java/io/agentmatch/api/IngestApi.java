package io.agentmatch.api;

import io.agentmatch.api.http.ApiError;
import io.agentmatch.api.http.BoundedLists;
import io.agentmatch.api.http.ConversationRoutes;
import io.agentmatch.api.http.Idempotency;
import io.agentmatch.api.http.JsonErrorHandler;
import io.agentmatch.api.http.MatchRoutes;
import io.agentmatch.api.http.OpsRoutes;
import io.agentmatch.api.http.ProfileRoutes;
import io.agentmatch.api.http.ReadYourWrites;
import io.agentmatch.api.http.RequestBodies;
import io.agentmatch.api.http.RequestLog;
import io.agentmatch.api.http.RequestTracing;
import io.agentmatch.api.http.Responses;
import io.agentmatch.api.http.TokenAuth;
import io.agentmatch.contract.config.PipelineConfig;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.micrometer.core.instrument.Gauge;
import jakarta.servlet.DispatcherType;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.component.Graceful;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest and query API: writes become events, reads come from the stores and from the
 * in-memory match index. Every legacy route answers with the legacy shapes and status codes.
 * It takes its collaborators ({@link ApiParts}); {@link ApiWiring} builds the real ones.
 */
public final class IngestApi implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IngestApi.class);

    /** One route: method, path, the status codes its handler answers (openapi.json documents exactly these). */
    public record Route(HandlerType method, String path, Set<Integer> statuses, Handler handler) {
        Route(HandlerType method, String path, List<Integer> statuses, Handler handler) {
            this(method, path, new TreeSet<>(statuses), handler);
        }
    }

    private final ApiConfig config;
    private final ApiParts parts;
    private final List<Route> routes;
    private final ReadYourWrites waits;
    private final BoundedLists lists;
    /** Items per store page of a list (DynamoDB also stops a page at 1 MB). */
    private static final int LIST_PAGE = 1000;
    private final Javalin app;
    /** Jetty, for the graceful part of the stop. */
    private volatile Server server;

    private IngestApi(ApiConfig api, ApiParts parts) {
        this.config = api;
        this.parts = parts;
        var auth = new TokenAuth(api.apiToken());
        this.waits = new ReadYourWrites(parts.profiles(), api.maxParkedWaits(), 2);
        Gauge.builder("api_parked_waits", waits, ReadYourWrites::parked)
                .description("read-your-write waits parked now").register(parts.registry());
        this.lists = new BoundedLists(api.readBufferBytes(), LIST_PAGE);
        Gauge.builder("api_list_buffer_bytes_max", lists, BoundedLists::maxBufferedBytes)
                .description("the most serialized bytes one list request has buffered").register(parts.registry());
        this.routes = routes(api, parts, auth, waits, lists);
        app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.jetty.host = api.host();
            cfg.jetty.port = api.port();
            cfg.http.maxRequestSize = api.maxBodyBytes();
            cfg.http.prefer405over404 = true;
            cfg.router.ignoreTrailingSlashes = true;
            cfg.jetty.modifyServer(server -> {
                server.setErrorHandler(new JsonErrorHandler());
                // For the graceful stop (close()): counts the requests in flight, 503 for new ones.
                server.insertHandler(new GracefulHandler());
                this.server = server;
            });
            // First of all, so that every answer (a 401 too) has its request id and every log line its trace.
            cfg.jetty.modifyServletContextHandler(handler -> handler.addFilter(
                    new FilterHolder(new RequestTracing(parts.tracing())), "/*", EnumSet.of(DispatcherType.REQUEST)));
            RequestLog requestLog = new RequestLog(parts.registry());
            cfg.requestLogger.http((ctx, ms) -> requestLog.finished(ctx, ms));

            cfg.routes.before(auth::check);
            for (Route route : routes) {
                cfg.routes.addHttpHandler(route.method(), route.path(), route.handler());
            }
            cfg.routes.exception(ApiError.class, (e, ctx) -> Responses.error(ctx, e.status(), e.getMessage()));
            cfg.routes.exception(Exception.class, (e, ctx) -> {
                LOG.error("unexpected error on {} {}", ctx.method(), ctx.path(), e);
                Responses.error(ctx, 500, "internal error; it was logged");
            });
            cfg.routes.error(404, ctx -> {
                if (isEmpty(ctx)) {
                    Responses.error(ctx, 404, "no route " + ctx.method() + " " + ctx.path());
                }
            });
            cfg.routes.error(405, ctx -> {
                if (isEmpty(ctx)) {
                    Responses.error(ctx, 405, "method " + ctx.method() + " is not allowed on " + ctx.path());
                }
            });
            cfg.routes.error(413, ctx -> {
                if (isEmpty(ctx)) {
                    Responses.error(ctx, 413, "request body exceeds the limit of " + api.maxBodyBytes() + " bytes");
                }
            });
        });
    }

    /** The route tree, in one place: every route, its handler and the status codes it answers. */
    private static List<Route> routes(ApiConfig api, ApiParts parts, TokenAuth auth, ReadYourWrites waits,
                                      BoundedLists lists) {
        RequestBodies bodies = new RequestBodies(api.maxBodyBytes());
        Idempotency idempotency = new Idempotency(api.idempotencyKeys());
        String tokenScope = auth.scope();
        var profiles = new ProfileRoutes(parts.events(), parts.profiles(), bodies, parts.topics().profileEvents(),
                api.maxReadYourWrite(), idempotency, tokenScope, waits, lists);
        var conversations = new ConversationRoutes(parts.events(), parts.conversations(), bodies,
                parts.topics().conversationEvents(), idempotency, tokenScope, lists);
        var ops = new OpsRoutes(parts.probes(), parts.registry());
        boolean guarded = api.apiToken() != null;
        List<Route> routes = new ArrayList<>();
        // The legacy routes, same shapes and status codes.
        routes.add(new Route(HandlerType.POST, "/store", secured(guarded, 201, 400, 413, 415, 422, 503, 504), profiles::store));
        routes.add(new Route(HandlerType.GET, "/retrieve/{id}", secured(guarded, 200, 400, 404, 429, 503), profiles::retrieve));
        routes.add(new Route(HandlerType.GET, "/list", secured(guarded, 200, 400, 503), profiles::list));
        routes.add(new Route(HandlerType.POST, "/conversation", secured(guarded, 201, 400, 413, 415, 422, 503, 504),
                conversations::post));
        routes.add(new Route(HandlerType.GET, "/conversation/{conversation_id}", secured(guarded, 200, 400, 503),
                conversations::byConversation));
        routes.add(new Route(HandlerType.GET, "/agent/{agent_id}/conversations", secured(guarded, 200, 400, 503),
                conversations::byAgent));
        if (parts.matching() != null) {
            var matches = new MatchRoutes(bodies, parts.matching().embedder(), parts.matching().index(),
                    parts.matching().feed());
            routes.add(new Route(HandlerType.POST, "/match", secured(guarded, 200, 400, 404, 413, 415, 503), matches::match));
        }
        routes.add(new Route(HandlerType.GET, "/health", List.of(200), ops::health));
        // Ours.
        routes.add(new Route(HandlerType.GET, "/profiles", secured(guarded, 200, 400, 503), profiles::query));
        routes.add(new Route(HandlerType.PUT, "/profiles/{id}", secured(guarded, 202, 400, 404, 413, 415, 422, 503, 504),
                profiles::update));
        routes.add(new Route(HandlerType.DELETE, "/profiles/{id}", secured(guarded, 202, 400, 404, 422, 503, 504), profiles::delete));
        routes.add(new Route(HandlerType.GET, "/ready", List.of(200, 503), ops::ready));
        routes.add(new Route(HandlerType.GET, "/metrics", secured(guarded, 200), ops::metrics));
        routes.add(new Route(HandlerType.GET, "/openapi.json", secured(guarded, 200), ops::openApi));
        // The event contract for producers that write to Kafka directly (docs/PRODUCERS.md).
        routes.add(new Route(HandlerType.GET, "/asyncapi.yaml", secured(guarded, 200), ops::asyncApi));
        routes.add(new Route(HandlerType.GET, "/schemas/{file}", secured(guarded, 200, 404), ops::schema));
        // Benchmarks only (./pipeline bench, BENCHMARKS.md): the HTTP bound of POST /store, i.e. the
        // same server, auth and request logging, but no parsing and no Kafka. Off unless API_BENCH_NOOP=true.
        if (api.benchNoop()) {
            routes.add(new Route(HandlerType.POST, "/bench/noop", List.of(201), ctx -> {
                ctx.bodyAsBytes();
                ctx.status(201).contentType("application/json").result("{}");
            }));
        }
        return List.copyOf(routes);
    }

    /** The route's own statuses, and 401 when a token guards it. */
    private static List<Integer> secured(boolean guarded, Integer... statuses) {
        List<Integer> all = new ArrayList<>(List.of(statuses));
        if (guarded) {
            all.add(401);
        }
        return all;
    }

    /** Starts the API on the given parts (the feed of the match index too); closes them if it cannot start. */
    public static IngestApi start(ApiConfig api, ApiParts parts) {
        IngestApi instance = new IngestApi(api, parts);
        try {
            if (parts.matching() != null) {
                parts.matching().feed().start();
            }
            instance.app.start();
        } catch (RuntimeException e) {
            instance.close();
            throw e;
        }
        LOG.info("ingest API listening on http://{}:{} (auth {})", api.host(), instance.port(),
                api.apiToken() == null ? "off" : "on");
        return instance;
    }

    /** The API on the real Kafka and DynamoDB clients of {@code config} ({@link ApiWiring}). */
    public static IngestApi start(PipelineConfig config, ApiConfig api) {
        return ApiWiring.start(config, api);
    }

    public int port() {
        return app.port();
    }

    public List<Route> routes() {
        return routes;
    }

    public ApiConfig config() {
        return config;
    }

    /** Closes the listening socket, answers 503 to new requests, waits for those in flight up to the shutdown timeout. */
    private void drain() {
        Server jetty = server;
        if (jetty == null || !jetty.isStarted()) {
            return;
        }
        try {
            Graceful.shutdown(jetty).get(config.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("requests still in flight after the shutdown timeout ({} ms, API_SHUTDOWN_TIMEOUT_MS): their connections are closed",
                    config.shutdownTimeout().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            LOG.warn("graceful stop failed: {}", e.getCause().toString());
        }
    }

    /** Whether the answer is not yet one of ours (ours are always JSON): then the error handler writes it. */
    private static boolean isEmpty(Context ctx) {
        String type = ctx.res().getContentType();
        return type == null || !type.startsWith("application/json");
    }

    /**
     * The stop (SIGTERM): parked waits get half the shutdown timeout to see their write (then 503);
     * the server accepts nothing new and lets in-flight requests (writes awaiting Kafka, streamed
     * lists) finish within the shutdown timeout, then closes what is left; then the clients close.
     */
    @Override
    public void close() {
        long started = System.nanoTime();
        waits.drain(config.shutdownTimeout().dividedBy(2));
        drain();
        app.stop();
        waits.close();
        if (parts.matching() != null) {
            parts.matching().feed().close();
        }
        for (AutoCloseable closeable : parts.closeables()) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.warn("closing {}: {}", closeable.getClass().getSimpleName(), e.toString());
            }
        }
        LOG.info("ingest API stopped in {} ms", (System.nanoTime() - started) / 1_000_000);
    }
}
