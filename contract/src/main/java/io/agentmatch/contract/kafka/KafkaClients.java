package io.agentmatch.contract.kafka;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that turns configuration into Kafka client properties, for every component and
 * tool: no other class builds Kafka {@code Properties}. Each client's properties are layered,
 * later layers winning:
 * <ol>
 *   <li>the component's <b>tuning</b> ({@link Spec#tune}): batching, fetch sizes, timeouts; an
 *       operator may override any of it;</li>
 *   <li>the operator's <b>connection</b> ({@link KafkaConnection}: {@code KAFKA_CONFIG_FILE}, then
 *       {@code KAFKA_<PROPERTY>} variables), filtered to the properties this kind of client knows;</li>
 *   <li>the component's <b>requirements</b> ({@link Spec#require}): what its correctness rests on
 *       ({@code acks=all}, idempotence, {@code read_committed}, serializers, exactly-once). An
 *       operator's different value is ignored, with one warning naming it.</li>
 * </ol>
 * Every client gets a {@code client.id} naming the component and its role:
 * {@code <prefix>-<component>-<role>}, the prefix being the operator's {@code client.id}, or
 * {@code agentmatch}.
 */
public final class KafkaClients {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaClients.class);

    private final KafkaConnection connection;
    private final String component;

    private KafkaClients(KafkaConnection connection, String component) {
        this.connection = Objects.requireNonNull(connection);
        this.component = component;
    }

    /** The clients of {@code component} (api, processor, migrator, local-stack, bench, chaos, ...). */
    public static KafkaClients of(KafkaConnection connection, String component) {
        return new KafkaClients(connection, component);
    }

    public KafkaConnection connection() {
        return connection;
    }

    /** One line for the start-up log: the effective connection, secrets masked, ignored variables named. */
    public String describe() {
        String ignored = connection.ignored().isEmpty() ? "" : "; ignored: " + String.join(", ", connection.ignored());
        return "Kafka clients of " + component + ": " + connection.describe() + ignored;
    }

    public Spec producer(String role) {
        return new Spec(Kind.PRODUCER, role);
    }

    public Spec consumer(String role) {
        return new Spec(Kind.CONSUMER, role);
    }

    public Spec admin(String role) {
        return new Spec(Kind.ADMIN, role);
    }

    /**
     * A Kafka Streams application: the operator's connection applies to all its embedded clients
     * (Streams passes unprefixed client properties on); tuning uses Streams' own and prefixed keys.
     */
    public Spec streams(String role) {
        return new Spec(Kind.STREAMS, role);
    }

    private enum Kind {
        PRODUCER(ProducerConfig.configNames()),
        CONSUMER(ConsumerConfig.configNames()),
        ADMIN(AdminClientConfig.configNames()),
        STREAMS(null);

        private final Set<String> known;

        Kind(Set<String> known) {
            this.known = known;
        }

        boolean accepts(String property) {
            return known == null || known.contains(property);
        }
    }

    /** The properties of one client, built in layers (see the class comment). */
    public final class Spec {
        private final Kind kind;
        private final String role;
        private final Map<String, Object> tuning = new LinkedHashMap<>();
        private final Map<String, Object> required = new LinkedHashMap<>();

        private Spec(Kind kind, String role) {
            this.kind = kind;
            this.role = role;
        }

        /** A default the operator's configuration may override. */
        public Spec tune(String property, Object value) {
            tuning.put(property, value);
            return this;
        }

        /** A value the component's correctness rests on: the operator's configuration cannot change it. */
        public Spec require(String property, Object value) {
            required.put(property, value);
            return this;
        }

        public String clientId() {
            String prefix = connection.properties().getOrDefault(CommonClientConfigs.CLIENT_ID_CONFIG, "agentmatch");
            return prefix + "-" + component + "-" + role;
        }

        public Properties properties() {
            Properties props = new Properties();
            props.putAll(tuning);
            connection.properties().forEach((property, value) -> {
                if (kind.accepts(property)) {
                    props.put(property, value);
                }
            });
            required.forEach((property, value) -> {
                Object operator = connection.properties().get(property);
                if (operator != null && !operator.toString().equals(String.valueOf(value instanceof Class<?> c ? c.getName() : value))) {
                    LOG.warn("{}={} from the Kafka configuration is ignored for {}: the pipeline requires {}", property,
                            KafkaConnection.isSecret(property) ? "[hidden]" : operator, clientId(), value);
                }
                props.put(property, value);
            });
            props.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId());
            return props;
        }

        public <K, V> KafkaProducer<K, V> newProducer(Serializer<K> keys, Serializer<V> values) {
            return new KafkaProducer<>(properties(), keys, values);
        }

        public <K, V> KafkaConsumer<K, V> newConsumer(Deserializer<K> keys, Deserializer<V> values) {
            return new KafkaConsumer<>(properties(), keys, values);
        }

        public Admin newAdmin() {
            return Admin.create(properties());
        }
    }
}
