package io.agentmatch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentmatch.api.http.OpsRoutes;
import io.agentmatch.contract.config.Env;
import io.agentmatch.contract.config.PipelineConfig;
import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsResult;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.internals.KafkaFutureImpl;
import org.junit.jupiter.api.Test;

/** GET /ready names a Kafka that refuses the API's credentials or ACLs (in-process, with Kafka's answers staged). */
class ReadinessTest {
    private static final PipelineConfig CONFIG = PipelineConfig.fromEnv(new Env(Map.of()));

    @Test
    void refusedCredentialsAnswer503NamingAuthentication() {
        Http.Response ready = readyWhenKafkaAnswers(() -> failed(new SaslAuthenticationException(
                "Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512")));
        assertEquals(503, ready.status());
        assertTrue(ready.json().get("message").asText().startsWith("Not ready: Kafka authentication failed: "), ready.body());
        assertEquals("down", ready.json().at("/dependencies/kafka").asText());
        assertTrue(ready.json().at("/problems/0").asText().contains("invalid credentials"), ready.body());
    }

    @Test
    void missingAclsAnswer503NamingAuthorization() {
        Http.Response ready = readyWhenKafkaAnswers(() -> failed(new TopicAuthorizationException(
                "Not authorized to access topics: [agent-profile-events]")));
        assertEquals(503, ready.status());
        assertTrue(ready.json().get("message").asText().contains("Kafka authorization failed: Not authorized to access topics"),
                ready.body());
    }

    @Test
    void topicsTheApiCanDescribeMeanReady() {
        Http.Response ready = readyWhenKafkaAnswers(() -> {
            KafkaFutureImpl<TopicDescription> found = new KafkaFutureImpl<>();
            found.complete(null);
            return found;
        });
        assertEquals(200, ready.status(), ready.body());
        assertEquals("up", ready.json().at("/dependencies/kafka").asText());
        assertTrue(ready.json().path("problems").isMissingNode());
    }

    private static KafkaFuture<TopicDescription> failed(Exception error) {
        KafkaFutureImpl<TopicDescription> future = new KafkaFutureImpl<>();
        future.completeExceptionally(error);
        return future;
    }

    /** /ready of an API whose admin client answers every topic description with {@code answer}; matching off. */
    private static Http.Response readyWhenKafkaAnswers(Supplier<KafkaFuture<TopicDescription>> answer) {
        Admin kafka = (Admin) Proxy.newProxyInstance(Admin.class.getClassLoader(), new Class<?>[] {Admin.class}, (proxy, method, args) -> {
            if (method.getName().equals("describeTopics")) {
                Map<String, KafkaFuture<TopicDescription>> byName = new java.util.HashMap<>();
                for (Object topic : (java.util.Collection<?>) args[0]) {
                    byName.put(topic.toString(), answer.get());
                }
                return new DescribeTopicsResult(null, byName) { };
            }
            if (method.getName().equals("close")) {
                return null;
            }
            throw new UnsupportedOperationException(method.getName());
        });
        OpsRoutes ops = new OpsRoutes(List.of(ApiWiring.kafkaProbe(kafka, CONFIG, false)),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        Javalin app = Javalin.create(cfg -> {
            cfg.jetty.host = "127.0.0.1";
            cfg.jetty.port = 0;
            cfg.routes.get("/ready", ops::ready);
        }).start();
        try {
            return new Http(app.port(), null).get("/ready");
        } finally {
            app.stop();
        }
    }
}
