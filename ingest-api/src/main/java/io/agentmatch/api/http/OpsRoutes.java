package io.agentmatch.api.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmatch.api.matching.ProjectionFollower;
import io.agentmatch.contract.config.PipelineConfig;
import io.agentmatch.contract.kafka.KafkaFailures;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Liveness (the legacy /health), readiness per dependency, metrics and the OpenAPI description. */
public final class OpsRoutes {
    private static final Duration KAFKA_CHECK = Duration.ofSeconds(2);
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

    /**
     * GET /ready: 200 when Kafka, DynamoDB and the match index are usable, else 503 naming what is
     * not; a Kafka that refuses the API's credentials or ACLs is named as such in {@code message}
     * and {@code problems} ("Kafka authentication failed: ...", "Kafka authorization failed: ...").
     */
    public void ready(Context ctx) {
        ObjectNode dependencies = JsonNodeFactory.instance.objectNode();
        List<String> problems = new ArrayList<>();
        String kafkaProblem = kafkaProblem();
        boolean kafkaUp = kafkaProblem == null;
        dependencies.put("kafka", kafkaUp ? "up" : "down");
        if (!kafkaUp) {
            problems.add(kafkaProblem);
        }
        boolean dynamoUp = check(dependencies, "dynamodb", () -> dynamo.describeTable(b -> b.tableName(config.profileTable())));
        boolean indexUp = follower == null || follower.isReady();
        dependencies.put("match_index", follower == null ? "disabled" : indexUp ? "ready" : "loading");
        boolean ready = kafkaUp && dynamoUp && indexUp;
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("message", ready ? "Ready" : problems.isEmpty() ? "Not ready" : "Not ready: " + String.join("; ", problems));
        body.set("dependencies", dependencies);
        if (!problems.isEmpty()) {
            problems.forEach(body.putArray("problems")::add);
        }
        body.put("status", ready ? "success" : "error");
        Responses.send(ctx, ready ? 200 : 503, body);
    }

    /**
     * Null when the API can use its topics, else why not. It describes the topics it writes and
     * reads, not just the cluster: that needs the credentials (authentication) and the API's ACLs
     * on each (authorization), and finds a missing topic.
     */
    private String kafkaProblem() {
        List<String> topics = new ArrayList<>(List.of(config.topics().profileEvents(), config.topics().conversationEvents()));
        if (follower != null) {
            topics.add(config.topics().profileProjections());
        }
        try {
            kafka.describeTopics(topics).allTopicNames().get(KAFKA_CHECK.toMillis(), TimeUnit.MILLISECONDS);
            return null;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                return KafkaFailures.noAnswer(config.kafka(), KAFKA_CHECK);
            }
            return KafkaFailures.securityProblem(e).orElse("Kafka: " + KafkaFailures.rootMessage(e));
        } catch (TimeoutException e) {
            return KafkaFailures.noAnswer(config.kafka(), KAFKA_CHECK);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "Kafka: interrupted";
        }
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
