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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;

/**
 * The local stack of one home directory: the Kafka broker (KRaft, broker+controller in one JVM),
 * dynalite, processors and APIs, each a child process managed by {@link ProcessSupervisor}, with
 * ports and run specs recorded in {@code <home>/run/stack.json}. {@code ./pipeline} (through
 * {@link LocalStackMain}) and {@link TestStack} both use it.
 */
public final class LocalStack {
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

    private final Path repo;
    private final Path home;
    private final ProcessSupervisor processes;

    public LocalStack(Path repo, Path home) {
        this.repo = repo.toAbsolutePath().normalize();
        this.home = home.toAbsolutePath().normalize();
        this.processes = new ProcessSupervisor(this.home);
    }

    /** The repository root: the nearest folder, from the working directory up, holding {@code local-stack/package.json}. */
    public static Path findRepoRoot() {
        String explicit = System.getProperty("pipeline.repo");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit).toAbsolutePath().normalize();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("local-stack").resolve("package.json"))) {
                return dir;
            }
        }
        throw new IllegalStateException("cannot find the repository root (a folder holding local-stack/package.json) above "
                + Path.of("").toAbsolutePath());
    }

    public Path repo() {
        return repo;
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
        StackState state = new StackState(repo.toString(), home.toString(),
                localKafka, localKafka ? "127.0.0.1:" + kafkaPort : externalKafka, kafkaPort, controllerPort,
                localDynamo, localDynamo ? "http://127.0.0.1:" + dynamoPort : externalDynamo, dynamoPort,
                explicitRegion == null ? "us-east-1" : explicitRegion, apiPort, healthPort, Map.of(),
                StackSettings.LOCAL_KAFKA_SECURITY.read(env));
        if (localKafka) {
            state = state.withComponent(kafkaSpec(state));
        }
        if (localDynamo) {
            state = state.withComponent(dynaliteSpec(state));
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

    public Path kafkaLibs() {
        return repo.resolve("local-stack").resolve("target").resolve("kafka-libs");
    }

    public Path dynaliteCli() {
        return repo.resolve("local-stack").resolve("node_modules").resolve("dynalite").resolve("cli.js");
    }

    private String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private List<String> markers(String name) {
        return List.of("-Dpipeline.component=" + name + " ", "-Dpipeline.home=" + home + " ");
    }

    ComponentSpec kafkaSpec(StackState state) {
        Path config = home.resolve("kafka");
        List<String> command = new ArrayList<>(List.of(java(),
                "-Dpipeline.component=" + KAFKA, "-Dpipeline.home=" + home,
                "-Xms128m", "-Xmx512m", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20", "-Djava.awt.headless=true",
                "-Dlog4j2.configurationFile=" + config.resolve("log4j2.xml"),
                "-cp", kafkaLibs().resolve("*").toString(),
                "kafka.Kafka", config.resolve("server.properties").toString()));
        return new ComponentSpec(KAFKA, Kind.KAFKA, command, Map.of(), state.kafkaPort(), markers(KAFKA));
    }

    ComponentSpec dynaliteSpec(StackState state) {
        Path data = home.resolve("data").resolve("dynalite");
        String node = StackSettings.NODE_BINARY.read(Env.system());
        // The preload keeps dynalite up when a client vanishes mid-request (kill -9 of a processor).
        List<String> command = List.of(node, "--require", dynaliteKeepAlive().toString(), dynaliteCli().toString(),
                "--host", "127.0.0.1", "--port", Integer.toString(state.dynamoPort()),
                "--path", data.toString(),
                "--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0");
        return new ComponentSpec(DYNALITE, Kind.DYNALITE, command, Map.of(), state.dynamoPort(),
                List.of("dynalite", "--path " + data + " "));
    }

    /** The runnable jar of a module: {@code <module>/target/<module>-*-all.jar}, or where it would be. */
    public Path jar(String module) {
        Path target = repo.resolve(module).resolve("target");
        if (Files.isDirectory(target)) {
            try (Stream<Path> files = Files.list(target)) {
                var found = files.filter(p -> p.getFileName().toString().startsWith(module + "-")
                        && p.getFileName().toString().endsWith("-all.jar")).sorted(Comparator.reverseOrder()).findFirst();
                if (found.isPresent()) {
                    return found.get();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return target.resolve(module + "-1.0.0-SNAPSHOT-all.jar");
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
        StackState state = state();
        if (!state.secured() || KafkaConnection.CONFIG_FILE.isSet(Env.system())) {
            return Map.of();
        }
        return Map.of(KafkaConnection.CONFIG_FILE.name(), state.kafkaClientFile(principal).toString());
    }

    /** What the migrator commands of {@code ./pipeline} run with: the stack's environment, as the migrator's principal. */
    public Map<String, String> migratorEnv() {
        return migratorEnv(config());
    }

    /** The environment of a migrator run against {@code config} (an isolated test configuration, say), as the migrator's principal. */
    public Map<String, String> migratorEnv(PipelineConfig config) {
        StackState state = state();
        Map<String, String> env = new LinkedHashMap<>(pipelineEnv(config, state.apiPort(), state.processorHealthPort()));
        env.putAll(kafkaClientEnv(ComponentAcls.MIGRATOR));
        return env;
    }

    /**
     * The migrator as a program ({@code java -jar migrator-*-all.jar args}, with {@code MIGRATOR_JAVA_OPTS}),
     * against {@code config}: what the chaos scenarios run, as an operator would. Its output goes to ours.
     */
    public ProcessBuilder migrator(PipelineConfig config, List<String> args) {
        List<String> command = new ArrayList<>(List.of(java(), "-DOPT_OUT_TRACKING=true"));
        command.addAll(javaOpts(StackSettings.MIGRATOR_JAVA_OPTS));
        command.add("-jar");
        command.add(jar("migrator").toString());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        builder.environment().putAll(migratorEnv(config));
        return builder;
    }

    /** A processor instance: {@code PROCESSOR_STATE_DIR=<home>/data/<name>}, health on {@code healthPort}. */
    public ComponentSpec processorSpec(String name, PipelineConfig config, int healthPort, Map<String, String> extraEnv) {
        StackState state = state();
        Map<String, String> env = new LinkedHashMap<>(pipelineEnv(config, state.apiPort(), healthPort));
        env.put("PROCESSOR_STATE_DIR", home.resolve("data").resolve(name).toString());
        env.putAll(kafkaClientEnv(ComponentAcls.PROCESSOR));
        env.putAll(extraEnv);
        return appSpec(name, Kind.PROCESSOR, "processor", javaOpts(StackSettings.PROCESSOR_JAVA_OPTS), env, healthPort);
    }

    /** An API instance on {@code apiPort}. */
    public ComponentSpec apiSpec(String name, PipelineConfig config, int apiPort, Map<String, String> extraEnv) {
        StackState state = state();
        Map<String, String> env = new LinkedHashMap<>(pipelineEnv(config, apiPort, state.processorHealthPort()));
        env.put("PROCESSOR_STATE_DIR", home.resolve("data").resolve(name).toString());
        env.putAll(kafkaClientEnv(ComponentAcls.API));
        env.putAll(extraEnv);
        return appSpec(name, Kind.API, "ingest-api", javaOpts(StackSettings.API_JAVA_OPTS), env, apiPort);
    }

    private ComponentSpec appSpec(String name, Kind kind, String module, List<String> javaOpts, Map<String, String> env, int port) {
        // A JVM out of memory is in an unknown state: exit, and let the supervisor (up, a test, Kubernetes) restart it.
        List<String> command = new ArrayList<>(List.of(java(), "-DOPT_OUT_TRACKING=true", "-XX:+ExitOnOutOfMemoryError",
                "-Dpipeline.component=" + name, "-Dpipeline.home=" + home));
        command.addAll(javaOpts);
        command.add("-jar");
        command.add(jar(module).toString());
        return new ComponentSpec(name, kind, command, env, port, markers(name));
    }

    private static List<String> javaOpts(Setting<String> setting) {
        String value = setting.read(Env.system());
        return value.isBlank() ? List.of() : List.of(value.trim().split("\\s+"));
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
            case PROCESSOR -> processorSpec(name, config, name.equals(PROCESSOR) ? state.processorHealthPort() : freePort(), Map.of());
            case API -> apiSpec(name, config, name.equals(API) ? state.apiPort() : freePort(), Map.of());
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
            case KAFKA -> prepareKafka(state);
            case DYNALITE -> prepareDynalite();
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

    /** One line per component: running/stopped, pid, port. */
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
            lines.add(String.format("%-12s %-9s pid %-8s port %s", spec.name(), pid.isPresent() ? "running" : "stopped",
                    pid.isPresent() ? Long.toString(pid.getAsLong()) : "-", port));
        }
        return lines;
    }

    // ---------------------------------------------------------------------------------------------
    // Kafka and dynalite preparation
    // ---------------------------------------------------------------------------------------------

    /**
     * dynalite rethrows a request's 'error' event: a client that disconnects mid-request (a processor
     * killed with SIGKILL while its writes are in flight) takes the whole server down with
     * "Error: aborted" (ECONNRESET). This preload ignores exactly that; anything else still exits.
     */
    private static final String DYNALITE_KEEP_ALIVE = """
            process.on('uncaughtException', function (err) {
              if (err && (err.code === 'ECONNRESET' || err.message === 'aborted')) {
                console.error('dynalite: a client went away mid-request (' + err.message + '); still serving');
                return;
              }
              console.error(err && err.stack ? err.stack : err);
              process.exit(1);
            });
            """;

    Path dynaliteKeepAlive() {
        return home.resolve("run").resolve("dynalite-keep-alive.js");
    }

    private void prepareDynalite() {
        if (!Files.isRegularFile(dynaliteCli())) {
            throw new IllegalStateException("dynalite is not installed: run `npm ci --prefix "
                    + repo.resolve("local-stack") + "` (./pipeline up and ./pipeline test do it)");
        }
        try {
            Files.createDirectories(home.resolve("run"));
            Files.writeString(dynaliteKeepAlive(), DYNALITE_KEEP_ALIVE);
            Files.createDirectories(home.resolve("data").resolve("dynalite"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void prepareKafka(StackState state) {
        if (!Files.isDirectory(kafkaLibs())) {
            throw new IllegalStateException(kafkaLibs() + " is missing: build it with "
                    + "`mvn -B -DskipTests -pl local-stack -am install`");
        }
        try {
            Path config = home.resolve("kafka");
            Path data = home.resolve("data").resolve("kafka");
            Files.createDirectories(config);
            Files.createDirectories(data);
            boolean formatted = Files.isRegularFile(data.resolve("meta.properties"));
            SecureBroker secure = state.secured() ? new SecureBroker(home) : null;
            if (secure != null) {
                if (formatted && !SecureBroker.formattedWithCredentials(data)) {
                    throw new IllegalStateException("kafka: the storage in " + data + " was formatted for a plaintext broker, without"
                            + " the SCRAM credentials LOCAL_KAFKA_SECURITY=sasl_ssl needs: use another PIPELINE_HOME, or delete "
                            + data + " (its topics go with it)");
                }
                secure.prepare(state, formatted);
                // It holds the broker's password and keystore password.
                OwnerOnly.write(config.resolve("server.properties"), serverProperties(state, data));
            } else {
                Files.writeString(config.resolve("server.properties"), serverProperties(state, data), StandardCharsets.UTF_8);
            }
            Files.writeString(config.resolve("log4j2.xml"), LOG4J2, StandardCharsets.UTF_8);
            if (!formatted) {
                format(config, data, secure);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Formats the broker's storage; for a secured broker with every principal's SCRAM credential,
     * whose passwords go through an owner-only argument file (never a command line) and whose
     * output (the credentials' salted keys) goes to an owner-only log instead of kafka.log.
     */
    private void format(Path config, Path data, SecureBroker secure) throws IOException {
        List<String> tool = new ArrayList<>(List.of("kafka.tools.StorageTool", "format", "--standalone",
                "-t", Uuid.randomUuid().toString(), "-c", config.resolve("server.properties").toString()));
        List<String> command = new ArrayList<>(List.of(java(), "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-Dlog4j2.configurationFile=" + config.resolve("log4j2.xml"), "-cp", kafkaLibs().resolve("*").toString()));
        Path log = processes.logFile(KAFKA);
        Path argFile = null;
        if (secure != null) {
            tool.addAll(secure.scramArguments());
            argFile = secure.securityDir().resolve("format.args");
            OwnerOnly.write(argFile, String.join("\n", tool.stream().map(LocalStack::argFileQuote).toList()) + "\n");
            command.add("@" + argFile);
            log = secure.securityDir().resolve("format.log");
            OwnerOnly.write(log, "");
        } else {
            command.addAll(tool);
        }
        try {
            runFormat(command, log, data);
        } finally {
            if (argFile != null) {
                Files.deleteIfExists(argFile);
            }
        }
        if (secure != null) {
            SecureBroker.markFormattedWithCredentials(data);
        }
    }

    /** An argument for a java launcher argument file ({@code java @file}): quoted, backslashes and quotes escaped. */
    static String argFileQuote(String arg) {
        return "\"" + arg.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private void runFormat(List<String> command, Path log, Path data) throws IOException {
        Files.createDirectories(log.getParent());
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        try {
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("formatting Kafka storage in " + data + " took over 120 s");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while formatting Kafka storage", e);
        }
        if (process.exitValue() != 0) {
            // The secured format's own log holds the credentials' salted keys: named, not shown.
            throw new IllegalStateException("formatting Kafka storage failed (exit " + process.exitValue() + "); "
                    + (log.equals(processes.logFile(KAFKA)) ? "end of " + log + ":\n" + processes.tail(KAFKA, 20) : "see " + log));
        }
    }

    static String serverProperties(StackState state, Path data) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + state.kafkaPort() + ",CONTROLLER://127.0.0.1:" + state.controllerPort());
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + state.kafkaPort());
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("controller.quorum.bootstrap.servers", "127.0.0.1:" + state.controllerPort());
        props.put("log.dirs", data.toString());
        props.put("num.partitions", "6");
        props.put("default.replication.factor", "1");
        props.put("min.insync.replicas", "1");
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "10");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "10");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("auto.create.topics.enable", "false");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("log.segment.bytes", Integer.toString(64 * 1024 * 1024));
        props.put("num.network.threads", "2");
        props.put("num.io.threads", "4");
        props.put("num.recovery.threads.per.data.dir", "1");
        props.put("delete.topic.enable", "true");
        if (state.secured()) {
            props.putAll(new SecureBroker(Path.of(state.home())).brokerProperties(state));
        }
        StringBuilder text = new StringBuilder("# Written by local-stack at every start; edit LocalStack.serverProperties instead.\n");
        props.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        return text.toString();
    }

    private static final String LOG4J2 = """
            <?xml version="1.0" encoding="UTF-8"?>
            <!-- Written by local-stack: the broker logs to stdout, which is <home>/logs/kafka.log. -->
            <Configuration status="WARN">
              <Appenders>
                <Console name="stdout" target="SYSTEM_OUT">
                  <PatternLayout pattern="[%d] %p %m (%c)%n"/>
                </Console>
              </Appenders>
              <Loggers>
                <Logger name="kafka" level="INFO"/>
                <Logger name="org.apache.kafka" level="INFO"/>
                <Logger name="kafka.request.logger" level="WARN"/>
                <Logger name="state.change.logger" level="WARN"/>
                <Logger name="kafka.log.LogCleaner" level="WARN"/>
                <Logger name="org.apache.kafka.storage.internals.log.LogCleaner" level="WARN"/>
                <Root level="INFO">
                  <AppenderRef ref="stdout"/>
                </Root>
              </Loggers>
            </Configuration>
            """;

    /** The environment of the current process as a map (for {@link #configure}). */
    public static Map<String, String> systemEnvironment() {
        return new HashMap<>(System.getenv());
    }
}
