package io.agentmatch.api;

import io.agentmatch.api.events.EventPublisher;
import io.agentmatch.api.http.ApiError;
import io.agentmatch.api.http.ConversationRoutes;
import io.agentmatch.api.http.JsonErrorHandler;
import io.agentmatch.api.http.MatchRoutes;
import io.agentmatch.api.http.OpsRoutes;
import io.agentmatch.api.http.ProfileRoutes;
import io.agentmatch.api.http.RequestBodies;
import io.agentmatch.api.http.Responses;
import io.agentmatch.api.http.TokenAuth;
import io.agentmatch.api.matching.ProjectionFollower;
import io.agentmatch.api.storage.ConversationReader;
import io.agentmatch.api.storage.DynamoReads;
import io.agentmatch.api.storage.ProfileReader;
import io.agentmatch.contract.config.PipelineConfig;
import io.agentmatch.contract.kafka.KafkaClients;
import io.agentmatch.contract.storage.DynamoClients;
import io.agentmatch.matching.CachingEmbedder;
import io.agentmatch.matching.Embedder;
import io.agentmatch.matching.Embedders;
import io.agentmatch.matching.MatchIndex;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The ingest and query API: writes become events on Kafka, reads come from DynamoDB and from the
 * in-memory match index. Every legacy route answers with the legacy shapes and status codes.
 */
public final class IngestApi implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IngestApi.class);
    private static final Logger ACCESS = LoggerFactory.getLogger("access");

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final EventPublisher publisher;
    private final DynamoDbClient dynamo;
    private final Admin kafkaAdmin;
    private final ProjectionFollower follower;
    private final Javalin app;

    private IngestApi(PipelineConfig config, ApiConfig api) {
        KafkaClients clients = KafkaClients.of(config.kafka(), "api");
        LOG.info(clients.describe());
        publisher = new EventPublisher(clients, api.kafkaTimeout(), registry);
        DynamoClients dynamoClients = DynamoClients.of(config, "api");
        LOG.info(dynamoClients.describe());
        dynamo = dynamoClients.sync(api.dynamoTimeout());
        kafkaAdmin = clients.admin("readiness")
                .tune(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000)
                .tune(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, 2000)
                .tune(CommonClientConfigs.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000)
                .newAdmin();
        DynamoReads reads = new DynamoReads(registry);
        RequestBodies bodies = new RequestBodies(api.maxBodyBytes());
        var topics = config.topics();

        var profiles = new ProfileRoutes(publisher, new ProfileReader(dynamo, config.profileTable(), reads), bodies,
                topics.profileEvents(), api.maxReadYourWrite());
        var conversations = new ConversationRoutes(publisher,
                new ConversationReader(dynamo, config.conversationTable(), reads), bodies, topics.conversationEvents());
        MatchIndex index = new MatchIndex();
        follower = api.matching() ? new ProjectionFollower(config, clients, index) : null;
        MatchRoutes matches = api.matching()
                ? new MatchRoutes(bodies, new CachingEmbedder(Embedders.fromEnv(), 1024), index, follower) : null;
        var ops = new OpsRoutes(kafkaAdmin, dynamo, config, follower, registry);
        var auth = new TokenAuth(api.apiToken());

        app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.jetty.host = api.host();
            cfg.jetty.port = api.port();
            cfg.http.maxRequestSize = api.maxBodyBytes();
            cfg.http.prefer405over404 = true;
            cfg.router.ignoreTrailingSlashes = true;
            cfg.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
            cfg.requestLogger.http(this::logRequest);

            cfg.routes.before(auth::check);
            // The legacy routes, same shapes and status codes.
            cfg.routes.post("/store", profiles::store);
            cfg.routes.get("/retrieve/{id}", profiles::retrieve);
            cfg.routes.get("/list", profiles::list);
            cfg.routes.post("/conversation", conversations::post);
            cfg.routes.get("/conversation/{conversation_id}", conversations::byConversation);
            cfg.routes.get("/agent/{agent_id}/conversations", conversations::byAgent);
            if (matches != null) {
                cfg.routes.post("/match", matches::match);
            }
            cfg.routes.get("/health", ops::health);
            // Ours.
            cfg.routes.get("/profiles", profiles::query);
            cfg.routes.put("/profiles/{id}", profiles::update);
            cfg.routes.delete("/profiles/{id}", profiles::delete);
            cfg.routes.get("/ready", ops::ready);
            cfg.routes.get("/metrics", ops::metrics);
            cfg.routes.get("/openapi.json", ops::openApi);
            // Benchmarks only (./pipeline bench, BENCHMARKS.md): the HTTP bound of POST /store, i.e. the
            // same server, auth and request logging, but no parsing and no Kafka. Off unless API_BENCH_NOOP=true.
            if (api.benchNoop()) {
                cfg.routes.post("/bench/noop", ctx -> {
                    ctx.bodyAsBytes();
                    ctx.status(201).contentType("application/json").result("{}");
                });
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

    public static IngestApi start(PipelineConfig config, ApiConfig api) {
        IngestApi instance = new IngestApi(config, api);
        if (instance.follower != null) {
            instance.follower.start();
        }
        instance.app.start();
        LOG.info("ingest API listening on http://{}:{} (auth {})", api.host(), instance.port(),
                api.apiToken() == null ? "off" : "on");
        return instance;
    }

    public int port() {
        return app.port();
    }

    public ProjectionFollower follower() {
        return follower;
    }

    private void logRequest(Context ctx, Float ms) {
        String route;
        try {
            var endpoint = ctx.endpoints().lastHttpEndpoint();
            route = endpoint == null ? "unmatched" : endpoint.path;
        } catch (RuntimeException e) {
            route = "unmatched";
        }
        int status = ctx.statusCode();
        Timer.builder("api_http_requests").tag("route", route).tag("method", ctx.method().name())
                .tag("status", Integer.toString(status)).publishPercentiles(0.5, 0.99)
                .register(registry).record((long) (ms * 1_000_000L), TimeUnit.NANOSECONDS);
        ACCESS.info("{} {} {} {}ms", ctx.method(), ctx.path(), status, String.format("%.1f", ms));
    }

    /** Whether the answer is not yet one of ours (ours are always JSON): then the error handler writes it. */
    private static boolean isEmpty(Context ctx) {
        String type = ctx.res().getContentType();
        return type == null || !type.startsWith("application/json");
    }

    @Override
    public void close() {
        app.stop();
        if (follower != null) {
            follower.close();
        }
        publisher.close();
        kafkaAdmin.close();
        dynamo.close();
    }
}
