package io.agentmatch.migrator;

import io.agentmatch.contract.Limits;
import io.agentmatch.contract.config.PipelineConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Kafka clients configured for the migrator's jobs, and the checks that turn "unreachable" into a clear error. */
public final class KafkaSupport {
    /** How long we wait for the cluster before calling it unreachable. */
    public static final Duration REACH_TIMEOUT = Duration.ofSeconds(20);

    private KafkaSupport() {
    }

    /** A fatal, expected problem with Kafka: the message is for the operator, no stack trace. */
    public static final class KafkaUnavailableException extends RuntimeException {
        public KafkaUnavailableException(String message) {
            super(message, null, false, false);
        }
    }

    public static Admin admin(PipelineConfig config) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrapServers());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) REACH_TIMEOUT.toMillis());
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "agentmatch-migrator-admin");
        return Admin.create(props);
    }

    /** Idempotent, acks=all, batched and compressed for throughput. */
    public static KafkaProducer<String, byte[]> producer(PipelineConfig config, String clientId) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrapServers());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 64L * 1024 * 1024);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) REACH_TIMEOUT.toMillis());
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Limits.KAFKA_MAX_RECORD_BYTES);
        return new KafkaProducer<>(props);
    }

    public static KafkaProducer<byte[], byte[]> rawProducer(PipelineConfig config, String clientId) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrapServers());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) REACH_TIMEOUT.toMillis());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Limits.KAFKA_MAX_RECORD_BYTES);
        return new KafkaProducer<>(props);
    }

    /**
     * A reader of whole topics: assigned partitions, read_committed, no offset commits (unless a
     * {@code groupId} is given, for the dead-letter redrive's progress).
     */
    public static KafkaConsumer<byte[], byte[]> reader(PipelineConfig config, String clientId, String groupId) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrapServers());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        if (groupId != null) {
            props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        }
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 32 * 1024 * 1024);
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) REACH_TIMEOUT.toMillis());
        props.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return new KafkaConsumer<>(props);
    }

    /** The cluster answers within {@link #REACH_TIMEOUT}, or a clear error naming the bootstrap servers. */
    public static void requireReachable(Admin admin, PipelineConfig config) {
        try {
            admin.describeCluster().nodes().get(REACH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw unreachable(config, "no answer within " + REACH_TIMEOUT.toSeconds() + " s");
        } catch (ExecutionException e) {
            throw unreachable(config, rootMessage(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable(config, "interrupted");
        }
    }

    private static KafkaUnavailableException unreachable(PipelineConfig config, String why) {
        return new KafkaUnavailableException("Kafka at " + config.kafkaBootstrapServers()
                + " is unreachable (" + why + "); check KAFKA_BOOTSTRAP_SERVERS and that the broker is running");
    }

    /** Creates the platform's topics that are missing, with the contract's settings. */
    public static void ensureTopics(Admin admin, PipelineConfig config, Collection<String> names) {
        List<NewTopic> missing = new ArrayList<>();
        Set<String> existing = get(admin.listTopics().names(), config, "listing topics");
        for (NewTopic topic : config.topics().all(config.topicPartitions(), config.replicationFactor())) {
            if (names.contains(topic.name()) && !existing.contains(topic.name())) {
                missing.add(topic);
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        try {
            admin.createTopics(missing).all().get(REACH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new KafkaUnavailableException("could not create topics " + missing.stream().map(NewTopic::name).toList()
                        + ": " + rootMessage(e));
            }
        } catch (TimeoutException e) {
            throw new KafkaUnavailableException("creating topics timed out after " + REACH_TIMEOUT.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaUnavailableException("interrupted");
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
            throw unreachable(config, "describing topic " + topic + " timed out");
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
            throw unreachable(config, what + " timed out after " + REACH_TIMEOUT.toSeconds() + " s");
        } catch (ExecutionException e) {
            throw new KafkaUnavailableException(what + " failed: " + rootMessage(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaUnavailableException("interrupted while " + what);
        }
    }

    static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = cause.getMessage();
        return message == null ? cause.getClass().getSimpleName() : cause.getClass().getSimpleName() + ": " + message;
    }
}
