package io.agentmatch.api;

import io.agentmatch.api.events.EventPublisher;
import io.agentmatch.api.http.DependencyProbe;
import io.agentmatch.api.matching.IndexFeed;
import io.agentmatch.api.matching.ProjectionFollower;
import io.agentmatch.api.storage.ConversationReader;
import io.agentmatch.api.storage.DynamoReads;
import io.agentmatch.api.storage.ProfileReader;
import io.agentmatch.contract.config.Env;
import io.agentmatch.contract.config.PipelineConfig;
import io.agentmatch.contract.kafka.KafkaClients;
import io.agentmatch.contract.kafka.KafkaFailures;
import io.agentmatch.contract.metrics.Meters;
import io.agentmatch.contract.storage.DynamoClients;
import io.agentmatch.contract.trace.Tracing;
import io.agentmatch.matching.CachingEmbedder;
import io.agentmatch.matching.Embedders;
import io.agentmatch.matching.MatchIndex;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The one place where the API's real collaborators are built: the Kafka producer, admin client and
 * projection follower, the DynamoDB client and readers, the embedding model. Everything else takes
 * them as {@link ApiParts}.
 */
public final class ApiWiring {
    private static final Logger LOG = LoggerFactory.getLogger(ApiWiring.class);
    private static final Duration KAFKA_CHECK = Duration.ofSeconds(2);
    private ApiWiring() {
    }

    public static IngestApi start(PipelineConfig config, ApiConfig api) {
        List<AutoCloseable> closeables = new ArrayList<>();
        Tracing tracing = Tracing.autoconfigure("api", Env.system());
        try {
            LOG.info(tracing.describe());
            PrometheusMeterRegistry registry = Meters.forComponent(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), "api");
            closeables.add(Meters.jvm(registry));
            KafkaClients clients = KafkaClients.of(config.kafka(), "api");
            LOG.info(clients.describe());
            EventPublisher publisher = new EventPublisher(clients, api.kafkaTimeout(), registry, tracing);
            closeables.add(publisher);
            publisher.warmUp(List.of(config.topics().profileEvents(), config.topics().conversationEvents()), Duration.ofSeconds(10));
            Admin kafkaAdmin = clients.admin("readiness")
                    .tune(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000)
                    .tune(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, 2000)
                    .tune(CommonClientConfigs.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000)
                    .newAdmin();
            if (kafkaAdmin instanceof AdminClient client) { // Micrometer's binder takes the class Admin.create returns
                KafkaClientMetrics adminMetrics = new KafkaClientMetrics(client);
                adminMetrics.bindTo(registry);
                closeables.add(adminMetrics);
            }
            closeables.add(kafkaAdmin);
            DynamoClients dynamoClients = DynamoClients.of(config, "api", registry);
            LOG.info(dynamoClients.describe());
            DynamoDbClient dynamo = dynamoClients.sync(api.dynamoTimeout());
            closeables.add(dynamo);
            DynamoReads reads = new DynamoReads(registry);

            ApiParts.Matching matching = null;
            if (api.matching()) {
                MatchIndex index = new MatchIndex();
                Gauge.builder("api_match_index_profiles", index, MatchIndex::size)
                        .description("profiles in this instance's match index").register(registry);
                matching = new ApiParts.Matching(index, new CachingEmbedder(Embedders.fromEnv(), 1024),
                        new ProjectionFollower(config, clients, index, registry));
            }
            List<DependencyProbe> probes = new ArrayList<>();
            probes.add(kafkaProbe(kafkaAdmin, config, api.matching()));
            probes.add(probe("dynamodb", () -> dynamo.describeTable(b -> b.tableName(config.profileTable()))));
            probes.add(indexProbe(matching == null ? null : matching.feed()));

            // Last: closed after the producer, so that the spans of the last publications are exported.
            closeables.add(tracing);
            ApiParts parts = new ApiParts(publisher, new ProfileReader(dynamo, config.profileTable(), reads),
                    new ConversationReader(dynamo, config.conversationTable(), reads), config.topics(), matching,
                    probes, registry, closeables, tracing);
            return IngestApi.start(api, parts);
        } catch (RuntimeException e) {
            if (!closeables.contains(tracing)) {
                closeables.add(tracing);
            }
            for (AutoCloseable closeable : closeables) {
                try {
                    closeable.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    private interface Check {
        Object run() throws Exception;
    }

    /** "up" when the call succeeds, "down" when it fails or times out. */
    private static DependencyProbe probe(String name, Check check) {
        return DependencyProbe.of(name, () -> {
            try {
                check.run();
                return new DependencyProbe.State("up", true);
            } catch (Exception e) {
                return new DependencyProbe.State("down", false);
            }
        });
    }

    /**
     * Kafka is usable when the API can describe the topics it writes and reads, not just the cluster:
     * that needs the credentials (authentication) and the API's ACLs on each (authorization), and
     * finds a missing topic. A refusal is named as such.
     */
    static DependencyProbe kafkaProbe(Admin kafka, PipelineConfig config, boolean matching) {
        List<String> topics = new ArrayList<>(List.of(config.topics().profileEvents(), config.topics().conversationEvents()));
        if (matching) {
            topics.add(config.topics().profileProjections());
        }
        return new DependencyProbe() {
            @Override
            public String name() {
                return "kafka";
            }

            @Override
            public State check() {
                try {
                    kafka.describeTopics(topics).allTopicNames().get(KAFKA_CHECK.toMillis(), TimeUnit.MILLISECONDS);
                    return new State("up", true);
                } catch (ExecutionException e) {
                    return new State("down", false, e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException
                            ? KafkaFailures.noAnswer(config.kafka(), KAFKA_CHECK)
                            : KafkaFailures.securityProblem(e).orElse("Kafka: " + KafkaFailures.rootMessage(e)));
                } catch (TimeoutException e) {
                    return new State("down", false, KafkaFailures.noAnswer(config.kafka(), KAFKA_CHECK));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return new State("down", false, "Kafka: interrupted");
                }
            }
        };
    }

    /** The match index: "disabled", "loading", "ready", or "stopped" (its follower died: matches go stale). */
    public static DependencyProbe indexProbe(IndexFeed feed) {
        return new DependencyProbe() {
            @Override
            public String name() {
                return "match_index";
            }

            @Override
            public State check() {
                if (feed == null) {
                    return new State("disabled", true);
                }
                return switch (feed.state()) {
                    case READY -> new State("ready", true);
                    case LOADING -> new State("loading", false);
                    case STOPPED -> new State("stopped", false);
                };
            }
        };
    }
}
