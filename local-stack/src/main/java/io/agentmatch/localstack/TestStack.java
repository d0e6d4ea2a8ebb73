package io.agentmatch.localstack;

import io.agentmatch.contract.config.PipelineConfig;
import io.agentmatch.localstack.ComponentSpec.Kind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The stack integration tests share: one Kafka broker and one dynalite per test run, started by the
 * first test JVM that needs them and attached to by every later one (of every module), recorded in
 * {@code <home>/run/stack.json}. Home: {@code PIPELINE_HOME} if set, else {@code <repo>/.pipeline-test};
 * ports are free ones, so it runs next to a developer's {@code ./pipeline up}. It is never stopped on
 * JVM exit: {@code ./pipeline test} stops it at the end ({@code ./pipeline down} with that home).
 *
 * <p>Tests isolate themselves with {@link #isolatedConfig(String)} (own topics, tables, consumer
 * group), inject faults with {@link #kill}/{@link #stop}/{@link #start}, and run the real jars with
 * {@link #startProcessor}/{@link #startApi}.
 *
 * <p>{@code STACK_MODE=containers} (env or system property; {@code stack.mode} too) uses Kafka and
 * LocalStack containers from Testcontainers instead (needs Docker and a build with {@code -Pcontainers}).
 * {@code KAFKA_BOOTSTRAP_SERVERS} / {@code DYNAMODB_ENDPOINT} make it use external services; a bare
 * {@code AWS_REGION} is ignored here (tests never touch real AWS unless {@code TEST_STACK_REAL_AWS=true}).
 */
public final class TestStack {
    private static final Duration PROVISION_TIMEOUT = Duration.ofSeconds(60);
    private static TestStack shared;

    private final PipelineStack stack;
    private final ContainerServices containers;
    private final AtomicBoolean defaultsProvisioned = new AtomicBoolean();

    private TestStack(PipelineStack stack, ContainerServices containers) {
        this.stack = stack;
        this.containers = containers;
    }

    /** The shared stack, started (or attached to) on first use; restarts Kafka/dynalite if a test left them down. */
    public static synchronized TestStack shared() {
        if (shared == null) {
            shared = create();
        } else if (shared.containers == null) {
            shared.ensureInfrastructure();
        }
        return shared;
    }

    private static TestStack create() {
        Path repo = PipelineStack.findRepoRoot();
        String homeVar = setting("PIPELINE_HOME");
        String mode = setting("STACK_MODE");
        if (mode == null) {
            mode = System.getProperty("stack.mode");
        }
        boolean containersMode = "containers".equalsIgnoreCase(mode);
        Path home = homeVar != null ? Path.of(homeVar) : repo.resolve(containersMode ? ".pipeline-test-containers" : ".pipeline-test");
        PipelineStack stack = new PipelineStack(repo, home);
        if (containersMode) {
            ContainerServices services = loadContainers();
            Map<String, String> env = new HashMap<>();
            env.put("KAFKA_BOOTSTRAP_SERVERS", services.kafkaBootstrapServers());
            env.put("DYNAMODB_ENDPOINT", services.dynamoDbEndpoint());
            env.put("AWS_REGION", services.awsRegion());
            withStartLock(home, () -> {
                if (!stack.anyRunning()) {
                    stack.configure(env, PipelineStack.PortPolicy.FREE);
                }
            });
            return new TestStack(stack, services);
        }
        TestStack testStack = new TestStack(stack, null);
        testStack.ensureInfrastructure();
        return testStack;
    }

    private volatile boolean attached;

    private void ensureInfrastructure() {
        if (attached && infrastructureRunning()) {
            return; // verified ready before, and the processes are still there
        }
        withStartLock(stack.home(), () -> {
            StackState state = stack.recordedState();
            boolean kafkaUp = state != null && (!state.localKafka() || stack.isRunning(PipelineStack.KAFKA));
            boolean dynamoUp = state != null && (!state.localDynamo() || stack.isRunning(PipelineStack.DYNALITE));
            if (state != null && (kafkaUp || dynamoUp)) {
                // Attach; bring back whatever a test (or a crash) left stopped, on the recorded ports.
                stack.startInfrastructure(PipelineStack.INFRA_TIMEOUT);
                return;
            }
            if (state == null || !stack.anyRunning()) {
                checkDynaliteInstalled();
                startFresh(testEnvironment());
                return;
            }
            stack.startInfrastructure(PipelineStack.INFRA_TIMEOUT);
        });
        attached = true;
    }

    /** A fresh stack in this home: whatever ran there stopped, new ports, empty data (an old Kafka log knows old ports). */
    private void startFresh(Map<String, String> environment) {
        stack.down();
        FileTrees.delete(stack.home().resolve("data"));
        FileTrees.delete(stack.home().resolve("kafka"));
        FileTrees.delete(SecureBroker.clientsDir(stack.home()));
        stack.configure(environment, PipelineStack.PortPolicy.FREE);
        stack.startInfrastructure(PipelineStack.INFRA_TIMEOUT);
    }

    /**
     * A stack of its own for one test class, in {@code home} (e.g. {@code <repo>/.pipeline-test-secure}),
     * on free ports, started afresh (whatever an interrupted run left there is stopped and wiped),
     * configured by {@code environment} (e.g. {@code LOCAL_KAFKA_SECURITY=sasl_ssl}) instead of the
     * process's. Not shared: the test class stops it with {@link #down()}, also when it fails.
     */
    public static TestStack dedicated(Path home, Map<String, String> environment) {
        TestStack testStack = new TestStack(new PipelineStack(PipelineStack.findRepoRoot(), home), null);
        withStartLock(home, () -> {
            testStack.checkDynaliteInstalled();
            testStack.startFresh(environment);
        });
        testStack.attached = true;
        return testStack;
    }

    /** Stops everything of this stack's home (for {@link #dedicated} stacks; the shared one is stopped by ./pipeline test). */
    public void down() {
        stack.down();
    }

    private boolean infrastructureRunning() {
        StackState state = stack.recordedState();
        return state != null
                && (!state.localKafka() || stack.isRunning(PipelineStack.KAFKA))
                && (!state.localDynamo() || stack.isRunning(PipelineStack.DYNALITE));
    }

    private void checkDynaliteInstalled() {
        Map<String, String> env = testEnvironment();
        boolean local = !env.containsKey("DYNAMODB_ENDPOINT") && !env.containsKey("AWS_REGION");
        if (local && !Files.isRegularFile(stack.layout().dynaliteCli())) {
            throw new IllegalStateException("dynalite is not installed: run `npm ci --prefix "
                    + stack.repo().resolve("local-stack") + "` (./pipeline test does it)");
        }
    }

    private static Map<String, String> testEnvironment() {
        Map<String, String> env = new HashMap<>();
        for (String name : new String[] {"KAFKA_BOOTSTRAP_SERVERS", "DYNAMODB_ENDPOINT", "AWS_REGION", "KAFKA_PORT",
                "KAFKA_CONTROLLER_PORT", "DYNAMODB_PORT", "LOCAL_KAFKA_SECURITY"}) {
            String value = setting(name);
            if (value != null) {
                env.put(name, value);
            }
        }
        if (env.containsKey("AWS_REGION") && !env.containsKey("DYNAMODB_ENDPOINT")
                && !"true".equalsIgnoreCase(setting("TEST_STACK_REAL_AWS"))) {
            env.remove("AWS_REGION");
        }
        return env;
    }

    private static String setting(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            value = System.getenv(name);
        }
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static ContainerServices loadContainers() {
        try {
            return (ContainerServices) Class.forName(ContainerServices.IMPLEMENTATION).getDeclaredConstructor().newInstance();
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("STACK_MODE=containers needs local-stack built with -Pcontainers (Testcontainers)", e);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot start the Testcontainers stack: " + e.getCause(), e);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Configuration
    // ---------------------------------------------------------------------------------------------

    /** The default namespace (default topic and table names) on this stack; its topics and tables exist. */
    public PipelineConfig config() {
        PipelineConfig config = stack.state().pipelineConfig(Map.of());
        if (defaultsProvisioned.compareAndSet(false, true)) {
            stack.provisionAndGrant(config, PROVISION_TIMEOUT);
        }
        return config;
    }

    /**
     * A namespace of its own for one test: topics {@code <ns>.agent-profile-events}..., tables
     * {@code <ns>-agent-profiles}..., processor application id {@code <ns>-processor}; all created
     * before this returns (by the stack's admin), and on a secured broker each component principal
     * holds its ACLs on the namespace ({@link ComponentAcls}, granted per namespace, like {@code up}
     * grants them on the default names). {@code <ns>} is {@code testName} (lower-cased, made safe)
     * plus a random suffix. The returned configuration connects as the admin, for in-process use.
     */
    public PipelineConfig isolatedConfig(String testName) {
        String safe = testName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-").replaceAll("(^-+|-+$)", "");
        if (safe.length() > 40) {
            safe = safe.substring(0, 40);
        }
        if (safe.isEmpty()) {
            safe = "test";
        }
        String namespace = safe + "-" + Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36 * 36, 36L * 36 * 36 * 36 * 36 * 36), 36);
        PipelineConfig config = stack.state().pipelineConfig(Map.of()).isolated(namespace);
        stack.provisionAndGrant(config, PROVISION_TIMEOUT);
        return config;
    }

    public Path home() {
        return stack.home();
    }

    public Path repo() {
        return stack.repo();
    }

    /** The underlying process stack (ports, specs, logs). */
    public PipelineStack pipelineStack() {
        return stack;
    }

    /** The log file of a component (kafka, dynalite, or an instance a test started). */
    public Path logFile(String name) {
        return stack.processes().logFile(name);
    }

    public static int freePort() {
        return PipelineStack.freePort();
    }

    // ---------------------------------------------------------------------------------------------
    // Fault injection
    // ---------------------------------------------------------------------------------------------

    /** Graceful stop (SIGTERM, then SIGKILL after 15 s) of kafka, dynalite or an instance started by a test. */
    public void stop(String name) {
        if (containers != null && isInfrastructure(name)) {
            containers.stop(name);
        } else {
            stack.stop(name);
        }
    }

    /** SIGKILL. */
    public void kill(String name) {
        if (containers != null && isInfrastructure(name)) {
            containers.kill(name);
        } else {
            stack.kill(name);
        }
    }

    /** Starts it again (same ports, same data) and returns once it is ready. */
    public void start(String name) {
        if (containers != null && isInfrastructure(name)) {
            containers.start(name);
            return;
        }
        Kind kind = stack.state().components().containsKey(name) ? stack.state().components().get(name).kind() : Kind.ofName(name);
        stack.startAndAwait(name, kind == Kind.KAFKA || kind == Kind.DYNALITE ? PipelineStack.INFRA_TIMEOUT : PipelineStack.APP_TIMEOUT);
    }

    public boolean isRunning(String name) {
        if (containers != null && isInfrastructure(name)) {
            return containers.isRunning(name);
        }
        return stack.isRunning(name);
    }

    private static boolean isInfrastructure(String name) {
        return name.equals(PipelineStack.KAFKA) || name.equals(PipelineStack.DYNALITE);
    }

    // ---------------------------------------------------------------------------------------------
    // The real jars
    // ---------------------------------------------------------------------------------------------

    /** Runs {@code processor/target/processor-*-all.jar} for {@code config} as process {@code instanceName}; returns once /health answers 200. */
    public RunningComponent startProcessor(PipelineConfig config, String instanceName) {
        return startProcessor(config, instanceName, Map.of());
    }

    public RunningComponent startProcessor(PipelineConfig config, String instanceName, Map<String, String> extraEnv) {
        int port = PipelineStack.freePort();
        return run(stack.specs().processor(instanceName, config, port, extraEnv), port);
    }

    /** Runs {@code ingest-api/target/ingest-api-*-all.jar} for {@code config} on {@code port}; returns once /ready answers 200. */
    public RunningComponent startApi(PipelineConfig config, String instanceName, int port) {
        return startApi(config, instanceName, port, Map.of());
    }

    public RunningComponent startApi(PipelineConfig config, String instanceName, int port, Map<String, String> extraEnv) {
        return run(stack.specs().api(instanceName, config, port, extraEnv), port);
    }

    private RunningComponent run(ComponentSpec spec, int port) {
        if (isInfrastructure(spec.name())) {
            throw new IllegalArgumentException("instance name " + spec.name() + " is reserved");
        }
        // An instance of that name left by an earlier test runs another configuration: replace it.
        stack.stop(spec.name());
        stack.start(spec);
        stack.awaitReady(spec.name(), PipelineStack.APP_TIMEOUT);
        return new RunningComponent(spec.name(), stack.pid(spec.name()).orElse(-1), port, "http://127.0.0.1:" + port);
    }

    // ---------------------------------------------------------------------------------------------

    private static final Object JVM_START_LOCK = new Object();

    /** Runs {@code action} holding {@code <home>/run/start.lock}, so two JVMs never start two stacks in one home. */
    private static void withStartLock(Path home, Runnable action) {
        synchronized (JVM_START_LOCK) {
            try {
                Files.createDirectories(home.resolve("run"));
                try (FileChannel channel = FileChannel.open(home.resolve("run").resolve("start.lock"),
                        StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                     FileLock ignored = channel.lock()) {
                    action.run();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
