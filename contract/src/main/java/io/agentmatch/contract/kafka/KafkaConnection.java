package io.agentmatch.contract.kafka;

import io.agentmatch.contract.config.Env;
import io.agentmatch.contract.config.Setting;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * How to reach the user's Kafka cluster: the client properties that are the operator's business
 * (bootstrap servers, security protocol, SASL, TLS, {@code client.id} prefix), as opposed to the
 * tuning each component owns. Read from two sources, the second overriding the first:
 * <ol>
 *   <li>{@code KAFKA_CONFIG_FILE}: a Kafka client properties file, the convention of Kafka's own
 *       {@code --command-config};</li>
 *   <li>environment variables {@code KAFKA_<PROPERTY>}: the property name upper-cased with dots as
 *       underscores, e.g. {@code KAFKA_SECURITY_PROTOCOL=SASL_SSL} is {@code security.protocol},
 *       {@code KAFKA_SASL_JAAS_CONFIG} is {@code sasl.jaas.config}, {@code KAFKA_BOOTSTRAP_SERVERS}
 *       is {@code bootstrap.servers}. The pipeline's own {@code KAFKA_*} settings (see
 *       {@link #OWN_SETTINGS}) and the variables of Kafka's shell scripts ({@code KAFKA_HEAP_OPTS},
 *       ...) are not client properties; any other name that maps to no Kafka client property is
 *       ignored and reported ({@link #ignored()}), so a typo is visible in the start-up log.</li>
 * </ol>
 * Without any bootstrap servers the local broker is assumed: {@code 127.0.0.1:$KAFKA_PORT}.
 * Secrets ({@code sasl.jaas.config}, passwords, keys) are never shown: {@link #describe()} masks them.
 */
public final class KafkaConnection {
    public static final Setting<Path> CONFIG_FILE = Setting.path("KAFKA_CONFIG_FILE", null,
            "a Kafka client properties file (security.protocol, sasl.*, ssl.*, client.id, ...); KAFKA_<PROPERTY> variables override it");
    public static final Setting<String> BOOTSTRAP_SERVERS = Setting.text("KAFKA_BOOTSTRAP_SERVERS", null,
            "the Kafka cluster (bootstrap.servers); unset: the local broker on 127.0.0.1:KAFKA_PORT");
    public static final Setting<Integer> LOCAL_PORT = Setting.port("KAFKA_PORT", 9092,
            "the local broker's client port (./pipeline and the tests start it); not a client property");

    /** Our own settings whose names start with KAFKA_: never mapped to client properties. */
    public static final Set<String> OWN_SETTINGS = Set.of("KAFKA_CONFIG_FILE", "KAFKA_PORT", "KAFKA_CONTROLLER_PORT",
            "KAFKA_CREATE_TOPICS", "KAFKA_JAVA_OPTS");
    /** Variables of Kafka's own shell scripts and images, commonly present in a Kafka user's environment. */
    private static final Set<String> SCRIPT_VARIABLES = Set.of("KAFKA_HOME", "KAFKA_HEAP_OPTS", "KAFKA_OPTS",
            "KAFKA_LOG4J_OPTS", "KAFKA_JVM_PERFORMANCE_OPTS", "KAFKA_GC_LOG_OPTS", "KAFKA_JMX_OPTS", "KAFKA_DEBUG",
            "KAFKA_CLUSTER_ID", "KAFKA_LOG_DIR", "KAFKA_VERSION");
    private static final Pattern SECRET = Pattern.compile(
            "(?i).*(password|jaas|secret|credential|token|user\\.info|\\.key$|keystore\\.key).*");

    private static final Set<String> CLIENT_PROPERTIES = clientProperties();

    private final Map<String, String> properties;
    private final List<String> sources;
    private final List<String> ignored;

    private KafkaConnection(Map<String, String> properties, List<String> sources, List<String> ignored) {
        this.properties = Collections.unmodifiableMap(new TreeMap<>(properties));
        this.sources = List.copyOf(sources);
        this.ignored = List.copyOf(ignored);
    }

    /** The connection the environment describes. @throws IllegalArgumentException naming the variable at fault */
    public static KafkaConnection fromEnv(Env env) {
        Map<String, String> props = new TreeMap<>();
        List<String> sources = new ArrayList<>();
        Path file = CONFIG_FILE.read(env);
        if (file != null) {
            props.putAll(readFile(file));
            sources.add("file " + file);
        }
        List<String> fromEnv = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        for (var entry : new TreeMap<>(env.all()).entrySet()) {
            String name = entry.getKey();
            if (!name.startsWith("KAFKA_") || OWN_SETTINGS.contains(name) || SCRIPT_VARIABLES.contains(name)
                    || entry.getValue() == null || entry.getValue().isBlank()) {
                continue;
            }
            String property = propertyOf(name);
            if (CLIENT_PROPERTIES.contains(property)) {
                props.put(property, entry.getValue().trim());
                fromEnv.add(name);
            } else {
                ignored.add(name + " (" + property + " is not a Kafka client property)");
            }
        }
        if (!fromEnv.isEmpty()) {
            sources.add("env " + String.join(" ", fromEnv));
        }
        if (!props.containsKey("bootstrap.servers")) {
            props.put("bootstrap.servers", "127.0.0.1:" + LOCAL_PORT.read(env));
            sources.add("default local broker");
        }
        return new KafkaConnection(props, sources, ignored);
    }

    /** A plaintext connection to {@code bootstrapServers} and nothing else (tests, tools). */
    public static KafkaConnection plaintext(String bootstrapServers) {
        return new KafkaConnection(Map.of("bootstrap.servers", bootstrapServers), List.of("explicit"), List.of());
    }

    /** The connection a client properties file describes (the local stack's per-principal files). */
    public static KafkaConnection fromFile(Path file) {
        return new KafkaConnection(readFile(file), List.of("file " + file), List.of());
    }

    /** {@code KAFKA_SECURITY_PROTOCOL} -> {@code security.protocol}. */
    public static String propertyOf(String variable) {
        return variable.substring("KAFKA_".length()).toLowerCase(Locale.ROOT).replace('_', '.');
    }

    /** {@code security.protocol} -> {@code KAFKA_SECURITY_PROTOCOL}. */
    public static String variableOf(String property) {
        return "KAFKA_" + property.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    private static Map<String, String> readFile(Path file) {
        Properties loaded = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            loaded.load(reader);
        } catch (IOException e) {
            throw new IllegalArgumentException(CONFIG_FILE.name() + "=" + file + " cannot be read: " + e.getMessage());
        }
        Map<String, String> props = new TreeMap<>();
        loaded.stringPropertyNames().forEach(k -> props.put(k.trim(), loaded.getProperty(k).trim()));
        return props;
    }

    public KafkaConnection withBootstrapServers(String bootstrapServers) {
        Map<String, String> copy = new TreeMap<>(properties);
        copy.put("bootstrap.servers", bootstrapServers);
        return new KafkaConnection(copy, sources, ignored);
    }

    /** With one more property (overriding), e.g. a wrong password in a test. */
    public KafkaConnection with(String property, String value) {
        Map<String, String> copy = new TreeMap<>(properties);
        copy.put(property, value);
        return new KafkaConnection(copy, sources, ignored);
    }

    public String bootstrapServers() {
        return properties.get("bootstrap.servers");
    }

    /** Every property, secrets included: for client construction only, never for logs. */
    public Map<String, String> properties() {
        return properties;
    }

    /** The environment variables that would reproduce this connection, for child processes. */
    public Map<String, String> asEnvironment() {
        Map<String, String> env = new TreeMap<>();
        properties.forEach((k, v) -> env.put(variableOf(k), v));
        return env;
    }

    /** Variables that looked like client properties but are not. */
    public List<String> ignored() {
        return ignored;
    }

    public static boolean isSecret(String property) {
        return SECRET.matcher(property).matches();
    }

    /** The effective configuration for the start-up log: secrets masked, sources named. */
    public String describe() {
        String shown = properties.entrySet().stream()
                .map(e -> e.getKey() + "=" + (isSecret(e.getKey()) ? "[hidden]" : e.getValue()))
                .collect(Collectors.joining(", "));
        return shown + " (from " + String.join(", ", sources) + ")";
    }

    @Override
    public String toString() {
        return describe();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KafkaConnection other && other.properties.equals(properties);
    }

    @Override
    public int hashCode() {
        return properties.hashCode();
    }

    private static Set<String> clientProperties() {
        Set<String> names = new HashSet<>();
        names.addAll(ProducerConfig.configNames());
        names.addAll(ConsumerConfig.configNames());
        names.addAll(AdminClientConfig.configNames());
        return Set.copyOf(names);
    }
}
