package io.agentmatch.localstack;

import io.agentmatch.contract.config.Env;
import io.agentmatch.contract.config.PipelineConfig;
import io.agentmatch.contract.config.ServicePorts;
import io.agentmatch.contract.config.Setting;
import io.agentmatch.contract.kafka.KafkaConnection;
import io.agentmatch.contract.kafka.KafkaClients;
import io.agentmatch.contract.provision.Provisioner;
import io.agentmatch.contract.storage.DynamoClients;
import io.agentmatch.localstack.ComponentSpec.Kind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The local stack of one home directory: the Kafka broker (KRaft, broker+controller in one JVM),
 * dynalite, processors and APIs, each a child process managed by {@link ProcessSupervisor}, with
 * ports and run specs recorded in {@code <home>/run/stack.json}. {@code ./pipeline} (through
 * {@link PipelineStackMain}) and {@link TestStack} both use it.
 */
public final class PipelineStack {
    public static final String KAFKA = "kafka";
    public static final String DYNALITE = "dynalite";
    public static final String PROCESSOR = "processor";
    public static final String API = "api";

    public static final Duration INFRA_TIMEOUT = Duration.ofSeconds(120);
    public static final Duration APP_TIMEOUT = Duration.ofSeconds(120);

    /** How ports not set in the environment are chosen. */
    public enum PortPolicy {
        /** 9092 (+1 for the controller), 8000, 8080, 8081: for people. */
        DEFAULTS,
        /** Any free port: for the test stack, which runs next to a developer's stack. */
        FREE
    }

    private static final Object JVM_LOCK = new Object();

    private final RepositoryLayout layout;
    private final Path home;
    private final ProcessSupervisor processes;
    private final ComponentSpecs specs;

    public PipelineStack(Path repo, Path home) {
        this.layout = new RepositoryLayout(repo);
        this.home = home.toAbsolutePath().normalize();
        this.processes = new ProcessSupervisor(this.home);
        this.specs = new ComponentSpecs(layout, this.home, this::state);
    }

    /** The repository root ({@link RepositoryLayout#findRepoRoot()}). */
    public static Path findRepoRoot() {
        return RepositoryLayout.findRepoRoot();
    }

    public Path repo() {
        return layout.repo();
    }

    public Path home() {
        return home;
    }

    public ProcessSupervisor processes() {
        return processes;
    }

    // ---------------------------------------------------------------------------------------------
    // Configuration and state
    // ---------------------------------------------------------------------------------------------

    /** The recorded state, or null when this home has none. */
    public StackState recordedState() {
        return StackState.read(home);
    }

    public StackState state() {
        StackState state = recordedState();
        if (state == null) {
            throw new IllegalStateException("no stack recorded in " + StackState.file(home) + " (run ./pipeline up)");
        }
        return state;
    }

    /** Whether any component recorded in this home has a live process. */
    public boolean anyRunning() {
        StackState state = recordedState();
        return state != null && state.components().values().stream().anyMatch(processes::isRunning);
    }

    /**
     * Decides where Kafka and DynamoDB are and which ports to use, from the environment, and records
     * it (replacing any previous record, whose components must be stopped). External services:
     * {@code KAFKA_BOOTSTRAP_SERVERS} set means no local broker; {@code DYNAMODB_ENDPOINT} set means
     * no dynalite; {@code AWS_REGION} set without {@code DYNAMODB_ENDPOINT} means real AWS DynamoDB.
     * {@code LOCAL_KAFKA_SECURITY=sasl_ssl} secures the local broker ({@link SecureBroker}).
     */
    public StackState configure(Map<String, String> environment, PortPolicy policy) {
        Env env = new Env(environment);
        String externalKafka = env.optional("KAFKA_BOOTSTRAP_SERVERS");
        String externalDynamo = env.optional("DYNAMODB_ENDPOINT");
        String explicitRegion = env.optional("AWS_REGION");
        boolean localKafka = externalKafka == null;
        boolean localDynamo = externalDynamo == null && explicitRegion == null;

        int kafkaPort = port(env, KafkaConnection.LOCAL_PORT, policy);
        int controllerPort = StackSettings.KAFKA_CONTROLLER_PORT.isSet(env) ? StackSettings.KAFKA_CONTROLLER_PORT.read(env)
                : policy == PortPolicy.FREE ? freePort() : kafkaPort + 1;
        int dynamoPort = port(env, StackSettings.DYNAMODB_PORT, policy);
        int apiPort = port(env, ServicePorts.API_PORT, policy);
        int healthPort = port(env, ServicePorts.PROCESSOR_HEALTH_PORT, policy);
        StackState state = new StackState(layout.repo().toString(), home.toString(),
                localKafka, localKafka ? "127.0.0.1:" + kafkaPort : externalKafka, kafkaPort, controllerPort,
                localDynamo, localDynamo ? "http://127.0.0.1:" + dynamoPort : externalDynamo, dynamoPort,
                explicitRegion == null ? "us-east-1" : explicitRegion, apiPort, healthPort, Map.of(),
                StackSettings.LOCAL_KAFKA_SECURITY.read(env));
        if (localKafka) {
            state = state.withComponent(specs.kafka(state));
        }
        if (localDynamo) {
            state = state.withComponent(specs.dynalite(state));
        }
        state.write();
        return state;
    }

    private static int port(Env env, Setting<Integer> setting, PortPolicy policy) {
        return setting.isSet(env) || policy == PortPolicy.DEFAULTS ? setting.read(env) : freePort();
    }

    /** A port nothing listens on right now (the OS picks it). */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Applies {@code change} to stack.json under a file lock (several JVMs may record components at once). */
    public StackState update(UnaryOperator<StackState> change) {
        synchronized (JVM_LOCK) {
            try {
                Files.createDirectories(home.resolve("run"));
                try (FileChannel channel = FileChannel.open(home.resolve("run").resolve("state.lock"),
                        StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                     FileLock ignored = channel.lock()) {
                    StackState next = change.apply(state());
                    next.write();
                    return next;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The pipeline configuration of this stack: default names unless the environment overrides them. */
    public PipelineConfig config() {
        return state().pipelineConfig(System.getenv());
    }

    // ---------------------------------------------------------------------------------------------
    // Component specs
    // ---------------------------------------------------------------------------------------------

    /** Where the build's jars, the broker's classpath and dynalite are. */
    public RepositoryLayout layout() {
        return layout;
    }

    /** How each component of this home is run. */
    public ComponentSpecs specs() {
        return specs;
    }

    /** What the migrator commands of {@code ./pipeline} run with: the stack's environment, as the migrator's principal. */
    public Map<String, String> migratorEnv() {
        return specs.migratorEnv(config());
    }

    /** The recorded spec of a component; processors and APIs not yet recorded get a default one (a free port for extra instances). */
    public ComponentSpec spec(String name) {
        StackState state = state();
        ComponentSpec recorded = state.components().get(name);
        if (recorded != null) {
            return recorded;
        }
        Kind kind = Kind.ofName(name);
        PipelineConfig config = config();
        return switch (kind) {
            case PROCESSOR -> specs.processor(name, config, name.equals(PROCESSOR) ? state.processorHealthPort() : freePort(), Map.of());
            case API -> specs.api(name, config, name.equals(API) ? state.apiPort() : freePort(), Map.of());
            case KAFKA, DYNALITE -> throw new IllegalStateException(name + " is not local in this stack (external service)");
        };
    }

    // ---------------------------------------------------------------------------------------------
    // Operations
    // ---------------------------------------------------------------------------------------------

    /** Starts a component (no-op if it is running); does not wait for readiness. Returns its pid. */
    public long start(String name) {
        return start(spec(name));
    }

    /** Records the spec and starts it (no-op if a process of that name is already running). */
    public long start(ComponentSpec spec) {
        if (processes.isRunning(spec)) {
            return processes.livePid(spec).getAsLong();
        }
        StackState state = update(s -> s.withComponent(spec));
        switch (spec.kind()) {
            case KAFKA -> new BrokerSetup(layout, home, processes).prepare(state);
            case DYNALITE -> DynaliteSetup.prepare(layout, home);
            case PROCESSOR, API -> {
                Path jar = Path.of(spec.command().get(spec.command().indexOf("-jar") + 1));
                if (!Files.isRegularFile(jar)) {
                    throw new IllegalStateException(spec.name() + ": " + jar + " is missing (build it: mvn -B -DskipTests install)");
                }
            }
        }
        int port = spec.port();
        if (port > 0 && Readiness.listening("127.0.0.1", port)) {
            throw new IllegalStateException(spec.name() + ": port " + port + " is already in use by another process"
                    + " (choose another one, e.g. KAFKA_PORT / DYNAMODB_PORT / API_PORT / PROCESSOR_HEALTH_PORT)");
        }
        if (spec.kind() == Kind.KAFKA && Readiness.listening("127.0.0.1", state.controllerPort())) {
            throw new IllegalStateException("kafka: controller port " + state.controllerPort() + " is already in use (set KAFKA_CONTROLLER_PORT)");
        }
        return processes.start(spec);
    }

    /** Starts (if needed) and waits until ready. */
    public void startAndAwait(String name, Duration timeout) {
        start(name);
        awaitReady(name, timeout);
    }

    public boolean stop(String name) {
        StackState state = recordedState();
        ComponentSpec spec = state == null ? null : state.components().get(name);
        return spec != null && processes.stop(spec);
    }

    public boolean kill(String name) {
        StackState state = recordedState();
        ComponentSpec spec = state == null ? null : state.components().get(name);
        return spec != null && processes.kill(spec);
    }

    public boolean isRunning(String name) {
        StackState state = recordedState();
        ComponentSpec spec = state == null ? null : state.components().get(name);
        return spec != null && processes.isRunning(spec);
    }

    public OptionalLong pid(String name) {
        StackState state = recordedState();
        ComponentSpec spec = state == null ? null : state.components().get(name);
        return spec == null ? OptionalLong.empty() : processes.livePid(spec);
    }

    /** Polls the component's readiness check (every 150 ms) until it answers or {@code timeout} passes. */
    public void awaitReady(String name, Duration timeout) {
        StackState state = state();
        ComponentSpec spec = state.components().get(name);
        if (spec == null) {
            throw new IllegalStateException("no component '" + name + "' recorded in " + StackState.file(home));
        }
        processes.awaitReady(spec, timeout, () -> isReady(state, spec));
    }

    /** One readiness check, without waiting. */
    public boolean isReady(StackState state, ComponentSpec spec) {
        return switch (spec.kind()) {
            case KAFKA -> Readiness.kafka(state.kafkaConnection());
            case DYNALITE -> Readiness.dynamo(state.pipelineConfig(Map.of()));
            case PROCESSOR, API -> Readiness.http200(spec.readyUrl());
        };
    }

    /** Starts Kafka and dynalite (those that are local and not running) together and waits for both. */
    public void startInfrastructure(Duration timeout) {
        StackState state = state();
        // dynalite first: it starts in well under a second, while Kafka may first format its storage.
        List<String> local = new ArrayList<>();
        if (state.localDynamo()) {
            local.add(DYNALITE);
        }
        if (state.localKafka()) {
            local.add(KAFKA);
        }
        for (String name : local) {
            start(name);
        }
        for (String name : local) {
            awaitReady(name, timeout);
        }
        if (!state.localKafka()) {
            Await.until("external Kafka " + state.kafkaBootstrapServers() + " answers", timeout,
                    () -> Readiness.kafka(state.kafkaConnection()));
        }
        if (!state.localDynamo()) {
            Await.until("DynamoDB " + (state.dynamoDbEndpoint() == null ? "in " + state.awsRegion() : state.dynamoDbEndpoint())
                    + " answers", timeout, () -> Readiness.dynamo(state.pipelineConfig(Map.of())));
        }
    }

    /** The topics and tables of {@code config} exist (created where missing), the tables ACTIVE. */
    public static void provision(PipelineConfig config, Duration timeout) {
        try (var dynamo = DynamoClients.sync(config, Duration.ofSeconds(10))) {
            new Provisioner(config, KafkaClients.of(config.kafka(), "local-stack")).ensureAll(dynamo, timeout);
        }
    }

    /**
     * What {@code up} does for a namespace: its topics and tables exist, and on a secured broker each
     * component's principal holds its ACLs on them ({@link ComponentAcls}), granted by the stack's admin.
     */
    public void provisionAndGrant(PipelineConfig config, Duration timeout) {
        provision(config, timeout);
        if (state().secured()) {
            try (var admin = Readiness.admin(config.kafka(), (int) Math.min(15_000, timeout.toMillis()))) {
                ComponentAcls.grant(admin, ComponentAcls.plan(config), timeout);
            }
        }
    }

    /** Creates topics that are missing (tests and benchmarks with topics of their own). */
    public static void createTopics(PipelineConfig config, List<NewTopic> topics, Duration timeout) {
        new Provisioner(config, KafkaClients.of(config.kafka(), "local-stack")).ensureTopics(topics, timeout);
    }

    /** Stops everything of this home: APIs and processors first, dynalite, Kafka last. Returns the names stopped. */
    public List<String> down() {
        StackState state = recordedState();
        if (state == null) {
            return List.of();
        }
        List<String> stopped = new ArrayList<>();
        List<ComponentSpec> order = new ArrayList<>(state.components().values());
        order.sort(Comparator.comparingInt(spec -> switch (spec.kind()) {
            case API -> 0;
            case PROCESSOR -> 1;
            case DYNALITE -> 2;
            case KAFKA -> 3;
        }));
        // Apps in parallel (each may take its grace period), then the infrastructure.
        List<Thread> threads = new ArrayList<>();
        for (ComponentSpec spec : order) {
            if (spec.kind() == Kind.API || spec.kind() == Kind.PROCESSOR) {
                threads.add(new Thread(() -> {
                    if (processes.stop(spec)) {
                        synchronized (stopped) {
                            stopped.add(spec.name());
                        }
                    }
                }, "stop-" + spec.name()));
            }
        }
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (ComponentSpec spec : order) {
            if ((spec.kind() == Kind.DYNALITE || spec.kind() == Kind.KAFKA) && processes.stop(spec)) {
                stopped.add(spec.name());
            }
        }
        return stopped;
    }

    /**
     * One line per component: pid, port, and running or stopped; a running processor or API also
     * says what its /health and /ready answer ({@link ComponentHealth}).
     */
    public List<String> status() {
        StackState state = recordedState();
        List<String> lines = new ArrayList<>();
        if (state == null) {
            lines.add("no stack in " + home + " (run ./pipeline up)");
            return lines;
        }
        if (!state.localKafka()) {
            lines.add(String.format("%-12s external  %s", KAFKA, state.kafkaBootstrapServers()));
        }
        if (!state.localDynamo()) {
            lines.add(String.format("%-12s external  %s", "dynamodb",
                    state.dynamoDbEndpoint() == null ? "AWS " + state.awsRegion() : state.dynamoDbEndpoint()));
        }
        for (ComponentSpec spec : state.components().values()) {
            OptionalLong pid = processes.livePid(spec);
            String port = spec.kind() == Kind.KAFKA ? spec.port() + " (controller " + state.controllerPort() + ")"
                    : Integer.toString(spec.port());
            lines.add(String.format("%-12s pid %-8s port %-26s %s", spec.name(),
                    pid.isPresent() ? Long.toString(pid.getAsLong()) : "-", port,
                    pid.isPresent() ? ComponentHealth.describe(spec.kind(), spec.port()) : "stopped"));
        }
        return lines;
    }

    /** The environment of the current process as a map (for {@link #configure}). */
    public static Map<String, String> systemEnvironment() {
        return new HashMap<>(System.getenv());
    }
}
