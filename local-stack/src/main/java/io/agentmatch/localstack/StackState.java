package io.agentmatch.localstack;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.agentmatch.contract.config.Env;
import io.agentmatch.contract.config.PipelineConfig;
import io.agentmatch.contract.kafka.KafkaConnection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code <home>/run/stack.json} records: where Kafka and DynamoDB are (local child processes or
 * external services), the ports, and how every component started in this home is run. Later
 * commands ({@code down}, {@code status}, tests attaching to a running stack) read it.
 *
 * @param dynamoDbEndpoint null means real AWS DynamoDB in {@code awsRegion}
 * @param kafkaSecurity    how the local broker's client listener is secured (null in records of older
 *                         versions: plaintext); irrelevant for an external cluster
 */
public record StackState(
        String repo,
        String home,
        boolean localKafka,
        String kafkaBootstrapServers,
        int kafkaPort,
        int controllerPort,
        boolean localDynamo,
        String dynamoDbEndpoint,
        int dynamoPort,
        String awsRegion,
        int apiPort,
        int processorHealthPort,
        Map<String, ComponentSpec> components,
        KafkaSecurity kafkaSecurity) {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public StackState {
        components = components == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(components));
        kafkaSecurity = kafkaSecurity == null ? KafkaSecurity.PLAINTEXT : kafkaSecurity;
    }

    public StackState withComponent(ComponentSpec spec) {
        var copy = new LinkedHashMap<>(components);
        copy.put(spec.name(), spec);
        return new StackState(repo, home, localKafka, kafkaBootstrapServers, kafkaPort, controllerPort, localDynamo,
                dynamoDbEndpoint, dynamoPort, awsRegion, apiPort, processorHealthPort, copy, kafkaSecurity);
    }

    /** Whether this stack runs its own broker with SASL_SSL and ACLs ({@code LOCAL_KAFKA_SECURITY=sasl_ssl}). */
    public boolean secured() {
        return localKafka && kafkaSecurity == KafkaSecurity.SASL_SSL;
    }

    /** The client properties file of {@code principal} (api, processor, migrator, admin) on a secured stack. */
    public Path kafkaClientFile(String principal) {
        return SecureBroker.clientFile(Path.of(home), principal);
    }

    /**
     * How the stack's own tools (provisioning, readiness, tests) reach its Kafka: on a secured local
     * broker as the {@code admin} principal; on an external cluster with the caller's connection
     * ({@code KAFKA_CONFIG_FILE}, {@code KAFKA_*}) at the recorded bootstrap servers.
     */
    public KafkaConnection kafkaConnection() {
        if (secured()) {
            return KafkaConnection.fromFile(kafkaClientFile(SecureBroker.ADMIN)).withBootstrapServers(kafkaBootstrapServers);
        }
        if (!localKafka) {
            return KafkaConnection.fromEnv(Env.system()).withBootstrapServers(kafkaBootstrapServers);
        }
        return KafkaConnection.plaintext(kafkaBootstrapServers);
    }

    /** The pipeline's default configuration for this stack (default table names and topic prefix unless the environment sets them). */
    public PipelineConfig pipelineConfig(Map<String, String> environment) {
        var merged = new java.util.HashMap<>(environment);
        merged.put("AWS_REGION", awsRegion); // the stack's region, whatever the caller's environment says
        return PipelineConfig.fromEnv(new Env(merged))
                .withKafka(kafkaConnection())
                .withDynamoDb(dynamoDbEndpoint);
    }

    public static Path file(Path home) {
        return home.resolve("run").resolve("stack.json");
    }

    public static StackState read(Path home) {
        Path file = file(home);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return JSON.readValue(file.toFile(), StackState.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " (delete it if the stack is down)", e);
        }
    }

    public void write() {
        Path file = file(Path.of(home));
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling("stack.json.tmp" + ProcessHandle.current().pid());
            JSON.writeValue(tmp.toFile(), this);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
