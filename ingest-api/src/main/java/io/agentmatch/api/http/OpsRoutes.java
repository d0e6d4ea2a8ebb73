package io.agentmatch.api.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmatch.api.matching.ProjectionFollower;
import io.agentmatch.contract.config.PipelineConfig;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Liveness (the legacy /health), readiness per dependency, metrics and the OpenAPI description. */
public final class OpsRoutes {
    private final Admin kafka;
    private final DynamoDbClient dynamo;
    private final PipelineConfig config;
    private final ProjectionFollower follower;
    private final PrometheusMeterRegistry registry;
    private final byte[] openApi;

    public OpsRoutes(Admin kafka, DynamoDbClient dynamo, PipelineConfig config, ProjectionFollower follower,
                     PrometheusMeterRegistry registry) {
        this.kafka = kafka;
        this.dynamo = dynamo;
        this.config = config;
        this.follower = follower;
        this.registry = registry;
        try (InputStream in = OpsRoutes.class.getResourceAsStream("/openapi.json")) {
            this.openApi = in.readAllBytes();
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

    /** GET /ready: 200 when Kafka, DynamoDB and the match index are usable, else 503 naming what is not. */
    public void ready(Context ctx) {
        ObjectNode dependencies = JsonNodeFactory.instance.objectNode();
        boolean kafkaUp = check(dependencies, "kafka", () -> kafka.describeCluster().nodes().get(2, TimeUnit.SECONDS));
        boolean dynamoUp = check(dependencies, "dynamodb", () -> dynamo.describeTable(b -> b.tableName(config.profileTable())));
        boolean indexUp = follower == null || follower.isReady();
        dependencies.put("match_index", follower == null ? "disabled" : indexUp ? "ready" : "loading");
        boolean ready = kafkaUp && dynamoUp && indexUp;
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("message", ready ? "Ready" : "Not ready");
        body.set("dependencies", dependencies);
        body.put("status", ready ? "success" : "error");
        Responses.send(ctx, ready ? 200 : 503, body);
    }

    public void metrics(Context ctx) {
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape());
    }

    public void openApi(Context ctx) {
        ctx.contentType("application/json").result(openApi);
    }

    private interface Check {
        Object run() throws Exception;
    }

    private static boolean check(ObjectNode into, String name, Check check) {
        try {
            check.run();
            into.put(name, "up");
            return true;
        } catch (Exception e) {
            into.put(name, "down");
            return false;
        }
    }
}
