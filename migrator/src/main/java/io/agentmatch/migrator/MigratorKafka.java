package io.agentmatch.migrator;

import io.agentmatch.contract.Limits;
import io.agentmatch.contract.config.PipelineConfig;
import io.agentmatch.contract.kafka.KafkaClients;
import io.agentmatch.contract.kafka.TopicReplay;
import io.agentmatch.contract.kafka.KafkaFailures;
import io.agentmatch.contract.provision.Provisioner;
import io.agentmatch.contract.provision.ProvisioningException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The migrator's Kafka clients (built by the shared {@link KafkaClients} layer, so the operator's
 * security settings apply) and the checks that turn "unreachable", "not authenticated" and "not
 * authorized" into one clear error.
 */
public final class MigratorKafka {
    /** How long we wait for the cluster before calling it unreachable. */
    public static final Duration REACH_TIMEOUT = Duration.ofSeconds(20);

    private MigratorKafka() {
    }

    /** A fatal, expected problem with Kafka: the message is for the operator, no stack trace. */
    public static final class KafkaUnavailableException extends RuntimeException {
        public KafkaUnavailableException(String message) {
            super(message, null, false, false);
        }
    }

    static KafkaClients clients(PipelineConfig config) {
        return KafkaClients.of(config.kafka(), "migrator");
    }

    public static Admin admin(PipelineConfig config) {
        return clients(config).admin("admin")
                .tune(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000)
                .tune(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) REACH_TIMEOUT.toMillis())
                .newAdmin();
    }

    /** Idempotent, acks=all, batched and compressed for throughput. */
    public static KafkaProducer<String, byte[]> producer(PipelineConfig config, String role) {
        return clients(config).producer(role)
                .tune(ProducerConfig.LINGER_MS_CONFIG, 20)
                .tune(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024)
                .tune(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4")
                .tune(ProducerConfig.BUFFER_MEMORY_CONFIG, 64L * 1024 * 1024)
                .tune(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) REACH_TIMEOUT.toMillis())
                .tune(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000)
                .tune(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000)
                // Every record we accept fits (Limits); the producer must not refuse what the topic takes.
                .require(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Limits.KAFKA_MAX_RECORD_BYTES)
                .require(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
                .require(ProducerConfig.ACKS_CONFIG, "all")
                .require(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5)
                .newProducer(new StringSerializer(), new ByteArraySerializer());
    }

    public static KafkaProducer<byte[], byte[]> rawProducer(PipelineConfig config, String role) {
        return clients(config).producer(role)
                .tune(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) REACH_TIMEOUT.toMillis())
                // Redriven dead letters are original records: up to the record limit.
                .require(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Limits.KAFKA_MAX_RECORD_BYTES)
                .require(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
                .require(ProducerConfig.ACKS_CONFIG, "all")
                .newProducer(new ByteArraySerializer(), new ByteArraySerializer());
    }

    /**
     * A reader of whole topics: assigned partitions, read_committed, no offset commits (unless a
     * {@code groupId} is given, for the dead-letter redrive's progress).
     */
    public static KafkaConsumer<byte[], byte[]> reader(PipelineConfig config, String role, String groupId) {
        KafkaClients.Spec spec = TopicReplay.readerSpec(clients(config), role, REACH_TIMEOUT);
        if (groupId != null) {
            spec.require(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        }
        return spec.newConsumer(new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** A bounded reader of whole topics ({@link TopicReplay}): what export and verify fold. */
    public static TopicReplay replay(PipelineConfig config, String role) {
        return TopicReplay.open(clients(config), role, REACH_TIMEOUT);
    }

    /** The cluster answers within {@link #REACH_TIMEOUT}, or a clear error naming the bootstrap servers. */
    public static void requireReachable(Admin admin, PipelineConfig config) {
        try {
            admin.describeCluster().nodes().get(REACH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw silent(config, null);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw silent(config, null);
            }
            throw unreachable(config, rootMessage(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable(config, "interrupted");
        }
    }

    /**
     * Kafka did not answer: unreachable, or (what a client without the cluster's security settings
     * sees) a listener that drops us without a word; {@link KafkaFailures#noAnswer} tells which.
     */
    private static KafkaUnavailableException silent(PipelineConfig config, String what) {
        String message = KafkaFailures.noAnswer(config.kafka(), REACH_TIMEOUT);
        return new KafkaUnavailableException(what == null ? message : what + ": " + message);
    }

    private static KafkaUnavailableException unreachable(PipelineConfig config, String why) {
        if (why.startsWith("Kafka auth")) {
            return new KafkaUnavailableException(why + " (at " + config.kafkaBootstrapServers()
                    + "; check KAFKA_CONFIG_FILE / the KAFKA_SASL_* and KAFKA_SSL_* settings)");
        }
        return new KafkaUnavailableException("Kafka at " + config.kafkaBootstrapServers()
                + " is unreachable (" + why + "); check KAFKA_BOOTSTRAP_SERVERS and that the broker is running");
    }

    /** The platform topics named exist (created when missing, where KAFKA_CREATE_TOPICS allows). */
    public static void ensureTopics(PipelineConfig config, Collection<String> names) {
        try {
            new Provisioner(config, clients(config)).ensureTopics(names, REACH_TIMEOUT);
        } catch (ProvisioningException e) {
            throw new KafkaUnavailableException(e.getMessage());
        }
    }

    /** The partitions of {@code topic}, or a clear error when it does not exist. */
    public static List<TopicPartition> partitions(Admin admin, PipelineConfig config, String topic) {
        try {
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(REACH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(topic);
            return description.partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new KafkaUnavailableException("topic " + topic + " does not exist on " + config.kafkaBootstrapServers()
                        + " (check TOPIC_PREFIX)");
            }
            throw new KafkaUnavailableException("could not describe topic " + topic + ": " + rootMessage(e));
        } catch (TimeoutException e) {
            throw silent(config, "describing topic " + topic);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaUnavailableException("interrupted");
        }
    }

    /** Latest offsets (read_committed: the last stable offset) of the given partitions. */
    public static Map<TopicPartition, Long> endOffsets(Admin admin, PipelineConfig config, List<TopicPartition> partitions) {
        Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> request = new HashMap<>();
        partitions.forEach(p -> request.put(p, org.apache.kafka.clients.admin.OffsetSpec.latest()));
        var result = get(admin.listOffsets(request,
                new org.apache.kafka.clients.admin.ListOffsetsOptions(org.apache.kafka.common.IsolationLevel.READ_COMMITTED)).all(),
                config, "listing end offsets");
        Map<TopicPartition, Long> ends = new HashMap<>();
        result.forEach((p, info) -> ends.put(p, info.offset()));
        return ends;
    }

    static <T> T get(org.apache.kafka.common.KafkaFuture<T> future, PipelineConfig config, String what) {
        try {
            return future.get(REACH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw silent(config, what);
        } catch (ExecutionException e) {
            throw new KafkaUnavailableException(what + " failed: " + rootMessage(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaUnavailableException("interrupted while " + what);
        }
    }

    /** What an operator should read: the security problem if that is it, else the innermost cause. */
    static String rootMessage(Throwable e) {
        return KafkaFailures.securityProblem(e).orElse(KafkaFailures.rootMessage(e));
    }
}
