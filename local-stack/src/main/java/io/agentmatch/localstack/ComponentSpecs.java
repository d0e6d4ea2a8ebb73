package io.agentmatch.localstack;

import io.agentmatch.contract.config.Env;
import io.agentmatch.contract.config.PipelineConfig;
import io.agentmatch.contract.config.ServicePorts;
import io.agentmatch.contract.config.Setting;
import io.agentmatch.contract.kafka.KafkaConnection;
import io.agentmatch.localstack.ComponentSpec.Kind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * How each component of a home is run: its command line, its environment (where Kafka and
 * DynamoDB are, the names, the ports, on a secured broker its own principal's client file), and
 * the markers that identify its process. Pure: nothing is started here.
 */
public final class ComponentSpecs {
    private final RepositoryLayout layout;
    private final Path home;
    private final Supplier<StackState> state;

    ComponentSpecs(RepositoryLayout layout, Path home, Supplier<StackState> state) {
        this.layout = layout;
        this.home = home;
        this.state = state;
    }

    private List<String> markers(String name) {
        return List.of("-Dpipeline.component=" + name + " ", "-Dpipeline.home=" + home + " ");
    }

    ComponentSpec kafka(StackState stack) {
        Path config = home.resolve("kafka");
        List<String> command = new ArrayList<>(List.of(RepositoryLayout.java(),
                "-Dpipeline.component=" + PipelineStack.KAFKA, "-Dpipeline.home=" + home,
                "-Xms128m", "-Xmx512m", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20", "-Djava.awt.headless=true",
                "-Dlog4j2.configurationFile=" + config.resolve("log4j2.xml"),
                "-cp", layout.kafkaLibs().resolve("*").toString(),
                "kafka.Kafka", config.resolve("server.properties").toString()));
        return new ComponentSpec(PipelineStack.KAFKA, Kind.KAFKA, command, Map.of(), stack.kafkaPort(), markers(PipelineStack.KAFKA));
    }

    ComponentSpec dynalite(StackState stack) {
        Path data = home.resolve("data").resolve("dynalite");
        String node = StackSettings.NODE_BINARY.read(Env.system());
        // The preload keeps dynalite up when a client vanishes mid-request (kill -9 of a processor).
        List<String> command = List.of(node, "--require", DynaliteSetup.keepAliveScript(home).toString(),
                layout.dynaliteCli().toString(),
                "--host", "127.0.0.1", "--port", Integer.toString(stack.dynamoPort()),
                "--path", data.toString(),
                "--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0");
        return new ComponentSpec(PipelineStack.DYNALITE, Kind.DYNALITE, command, Map.of(), stack.dynamoPort(),
                List.of("dynalite", "--path " + data + " "));
    }

    /**
     * The environment every pipeline program gets for {@code config}: where Kafka and DynamoDB are,
     * the names, and the ports. {@code DYNAMODB_ENDPOINT} is absent for real AWS.
     */
    public Map<String, String> pipelineEnv(PipelineConfig config, int apiPort, int processorHealthPort) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", config.kafkaBootstrapServers());
        if (config.dynamoDbEndpoint() != null) {
            env.put("DYNAMODB_ENDPOINT", config.dynamoDbEndpoint());
        }
        if (config.awsRegion() != null) {
            env.put("AWS_REGION", config.awsRegion());
        }
        env.put("PROFILE_TABLE_NAME", config.profileTable());
        env.put("CONVERSATION_TABLE_NAME", config.conversationTable());
        env.put("DYNAMODB_BILLING_MODE", config.billingMode().name());
        env.put("TOPIC_PREFIX", config.topicPrefix());
        env.put("TOPIC_PARTITIONS", Integer.toString(config.topicPartitions()));
        env.put("TOPIC_REPLICATION_FACTOR", Short.toString(config.replicationFactor()));
        env.put("PROCESSOR_APPLICATION_ID", config.processorApplicationId());
        env.put(ServicePorts.API_PORT.name(), Integer.toString(apiPort));
        env.put(ServicePorts.PROCESSOR_HEALTH_PORT.name(), Integer.toString(processorHealthPort));
        env.put("PIPELINE_HOME", home.toString());
        return env;
    }

    /**
     * On a secured broker, {@code KAFKA_CONFIG_FILE} naming {@code principal}'s client properties, so
     * that each component runs as itself; empty otherwise, and when the caller's environment names
     * its own {@code KAFKA_CONFIG_FILE} (which then wins: the child inherits it).
     */
    public Map<String, String> kafkaClientEnv(String principal) {
        StackState stack = state.get();
        if (!stack.secured() || KafkaConnection.CONFIG_FILE.isSet(Env.system())) {
            return Map.of();
        }
        return Map.of(KafkaConnection.CONFIG_FILE.name(), stack.kafkaClientFile(principal).toString());
    }

    /** What the migrator commands of {@code ./pipeline} run with: the stack's environment, as the migrator's principal. */
    public Map<String, String> migratorEnv(PipelineConfig config) {
        StackState stack = state.get();
        Map<String, String> env = new LinkedHashMap<>(pipelineEnv(config, stack.apiPort(), stack.processorHealthPort()));
        env.putAll(kafkaClientEnv(ComponentAcls.MIGRATOR));
        return env;
    }

    /**
     * The migrator as a program ({@code java -jar migrator-*-all.jar args}, with {@code MIGRATOR_JAVA_OPTS}),
     * against {@code config}: what the chaos scenarios run, as an operator would. Its output goes to ours.
     */
    public ProcessBuilder migrator(PipelineConfig config, List<String> args) {
        List<String> command = new ArrayList<>(List.of(RepositoryLayout.java(), "-DOPT_OUT_TRACKING=true"));
        command.addAll(javaOpts(StackSettings.MIGRATOR_JAVA_OPTS));
        command.add("-jar");
        command.add(layout.jar("migrator").toString());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        builder.environment().putAll(migratorEnv(config));
        return builder;
    }

    /** A processor instance: {@code PROCESSOR_STATE_DIR=<home>/data/<name>}, health on {@code healthPort}. */
    public ComponentSpec processor(String name, PipelineConfig config, int healthPort, Map<String, String> extraEnv) {
        Map<String, String> env = new LinkedHashMap<>(pipelineEnv(config, state.get().apiPort(), healthPort));
        env.put("PROCESSOR_STATE_DIR", home.resolve("data").resolve(name).toString());
        env.putAll(kafkaClientEnv(ComponentAcls.PROCESSOR));
        env.putAll(extraEnv);
        return app(name, Kind.PROCESSOR, "processor", javaOpts(StackSettings.PROCESSOR_JAVA_OPTS), env, healthPort);
    }

    /** An API instance on {@code apiPort}. */
    public ComponentSpec api(String name, PipelineConfig config, int apiPort, Map<String, String> extraEnv) {
        Map<String, String> env = new LinkedHashMap<>(pipelineEnv(config, apiPort, state.get().processorHealthPort()));
        env.put("PROCESSOR_STATE_DIR", home.resolve("data").resolve(name).toString());
        env.putAll(kafkaClientEnv(ComponentAcls.API));
        env.putAll(extraEnv);
        return app(name, Kind.API, "ingest-api", javaOpts(StackSettings.API_JAVA_OPTS), env, apiPort);
    }

    private ComponentSpec app(String name, Kind kind, String module, List<String> javaOpts, Map<String, String> env, int port) {
        // A JVM out of memory is in an unknown state: exit, and let the supervisor (up, a test, Kubernetes) restart it.
        List<String> command = new ArrayList<>(List.of(RepositoryLayout.java(), "-DOPT_OUT_TRACKING=true",
                "-XX:+ExitOnOutOfMemoryError", "-Dpipeline.component=" + name, "-Dpipeline.home=" + home));
        command.addAll(javaOpts);
        command.add("-jar");
        command.add(layout.jar(module).toString());
        return new ComponentSpec(name, kind, command, env, port, markers(name));
    }

    private static List<String> javaOpts(Setting<String> setting) {
        String value = setting.read(Env.system());
        return value.isBlank() ? List.of() : List.of(value.trim().split("\\s+"));
    }
}
