package io.agentmatch.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentmatch.contract.config.PipelineConfig;
import io.agentmatch.contract.events.JsonCodec;
import io.agentmatch.contract.kafka.KafkaClients;
import io.agentmatch.contract.kafka.KafkaConnection;
import io.agentmatch.localstack.Await;
import io.agentmatch.localstack.ComponentAcls;
import io.agentmatch.localstack.ComponentSpec;
import io.agentmatch.localstack.PipelineStack;
import io.agentmatch.localstack.Readiness;
import io.agentmatch.localstack.SecureBroker;
import io.agentmatch.localstack.StackState;
import io.agentmatch.localstack.TestStack;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline on a secured broker, as {@code LOCAL_KAFKA_SECURITY=sasl_ssl ./pipeline up} runs it:
 * SASL_SSL (SCRAM-SHA-512 over TLS), ACLs enforced, and the real processor, API and migrator jars
 * each as its own principal with exactly the ACLs of docs/SECURITY.md. A stack of its own
 * ({@code .pipeline-test-secure}, free ports), stopped at the end, also when a test fails.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecureStackIT {
    private static final Duration REFUSAL_DEADLINE = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final long STARTED = System.nanoTime();

    @TempDir
    static Path tmp;
    static TestStack stack;
    static StackState state;
    static PipelineConfig config;
    static int apiPort;
    static Refusals refusals;

    @BeforeAll
    static void startSecuredStackWithProcessorAndApi() {
        stack = TestStack.dedicated(PipelineStack.findRepoRoot().resolve(".pipeline-test-secure"),
                Map.of("LOCAL_KAFKA_SECURITY", "sasl_ssl"));
        state = stack.pipelineStack().state();
        assertTrue(state.secured());
        config = stack.config(); // the default names, created by the admin principal, component ACLs granted
        lap("secured Kafka + dynalite up, topics and ACLs in place");
        apiPort = TestStack.freePort();
        // A 6 s group session (Kafka's minimum; the default is 45 s): the replay at the end finds the group of
        // the processor that Kafka refused empty soon after it exits (its leave request is refused too).
        CompletableFuture<?> processor = CompletableFuture.runAsync(() -> stack.startProcessor(config, "processor",
                Map.of("KAFKA_SESSION_TIMEOUT_MS", "6000", "KAFKA_HEARTBEAT_INTERVAL_MS", "2000")));
        CompletableFuture<?> api = CompletableFuture.runAsync(() -> stack.startApi(config, "api", apiPort));
        CompletableFuture.allOf(processor, api).join();
        lap("processor and api ready, as their principals");
        // Refused clients spend most of their time waiting to give up: they do it while the other tests run.
        refusals = Refusals.start();
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.down();
        }
        lap("stack stopped");
    }

    @Test
    @Order(1)
    void componentsRunAsTheirOwnPrincipalsFromOwnerOnlyFiles() throws IOException {
        for (String name : List.of("processor", "api")) {
            ComponentSpec spec = state().components().get(name);
            assertEquals(state.kafkaClientFile(name).toString(), spec.env().get("KAFKA_CONFIG_FILE"), name);
        }
        assertEquals(state.kafkaClientFile(ComponentAcls.MIGRATOR).toString(), stack.pipelineStack().migratorEnv().get("KAFKA_CONFIG_FILE"));
        for (String principal : SecureBroker.CLIENT_PRINCIPALS) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(state.kafkaClientFile(principal))));
        }
        // Secrets never reach a log: no password of secrets.properties in any log of the home.
        Properties secrets = new Properties();
        try (var reader = Files.newBufferedReader(stack.home().resolve("kafka/security/secrets.properties"))) {
            secrets.load(reader);
        }
        assertEquals(7, secrets.size(), "five principals' passwords, the keystore's and the CA's");
        try (Stream<Path> logs = Files.list(stack.home().resolve("logs"))) {
            for (Path log : logs.toList()) {
                String text = Files.readString(log, java.nio.charset.StandardCharsets.ISO_8859_1);
                for (String key : secrets.stringPropertyNames()) {
                    assertFalse(text.contains(secrets.getProperty(key)), key + " appears in " + log);
                }
            }
        }
    }

    @Test
    @Order(2)
    void eachPrincipalHoldsExactlyTheDocumentedAclsAndNoComponentMayCreateOrAlter() throws Exception {
        Set<String> componentKeys;
        try (Admin admin = Readiness.admin(state.kafkaConnection(), 10_000)) {
            List<AclBinding> all = new ArrayList<>(admin.describeAcls(AclBindingFilter.ANY).values().get(30, TimeUnit.SECONDS));
            for (String principal : List.of(ComponentAcls.API, ComponentAcls.PROCESSOR, ComponentAcls.MIGRATOR)) {
                Set<String> held = all.stream().filter(b -> b.entry().principal().equals("User:" + principal))
                        .map(ComponentAcls.Grant::key).collect(Collectors.toSet());
                Set<String> documented = ComponentAcls.of(principal, ComponentAcls.plan(config)).stream()
                        .map(ComponentAcls.Grant::key).collect(Collectors.toSet());
                assertEquals(documented, held, principal);
            }
            componentKeys = all.stream().map(ComponentAcls.Grant::key).collect(Collectors.toSet());
            for (AclBinding binding : all) {
                AclOperation op = binding.entry().operation();
                assertFalse(op == AclOperation.ALTER || op == AclOperation.ALTER_CONFIGS || op == AclOperation.ALL
                        || op == AclOperation.CLUSTER_ACTION, binding.toString());
                assertNotEquals(ResourceType.CLUSTER, binding.pattern().resourceType(), binding.toString());
                if (op == AclOperation.CREATE) {
                    assertEquals("User:processor", binding.entry().principal(), binding.toString());
                    assertEquals(config.groups().internalPrefix(), binding.pattern().name(), "only Streams' internal topics");
                }
            }
        }
        assertFalse(componentKeys.isEmpty());
    }

    @Test
    @Order(3)
    void componentPrincipalsCannotCreateTopicsAndTheFilesWorkWithKafkasOwnTools() throws Exception {
        for (String principal : List.of(ComponentAcls.API, ComponentAcls.PROCESSOR, ComponentAcls.MIGRATOR)) {
            try (Admin admin = Readiness.admin(KafkaConnection.fromFile(state.kafkaClientFile(principal)), 10_000)) {
                ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                        () -> admin.createTopics(List.of(new NewTopic(config.topics().profileEvents() + "-by-" + principal, 1, (short) 1)))
                                .all().get(30, TimeUnit.SECONDS), principal);
                assertTrue(refused.getCause() instanceof TopicAuthorizationException, principal + ": " + refused.getCause());
            }
        }
        // Kafka's own kafka-topics, with the files exactly as ./pipeline up writes them.
        CompletableFuture<Run> creating = CompletableFuture.supplyAsync(() -> run(kafkaTool("org.apache.kafka.tools.TopicCommand",
                "--bootstrap-server", state.kafkaBootstrapServers(), "--command-config", state.kafkaClientFile(ComponentAcls.API).toString(),
                "--create", "--topic", "made-by-api"), Map.of()));
        Run describe = run(kafkaTool("org.apache.kafka.tools.TopicCommand", "--bootstrap-server", state.kafkaBootstrapServers(),
                "--command-config", state.kafkaClientFile(ComponentAcls.MIGRATOR).toString(), "--describe",
                "--topic", config.topics().profileEvents()), Map.of());
        Run create = creating.get(3, TimeUnit.MINUTES);
        assertNotEquals(0, create.exit(), create.output());
        assertTrue(create.output().contains("Authorization failed"), create.output());
        assertEquals(0, describe.exit(), describe.output());
        assertTrue(describe.output().contains("PartitionCount: 6"), describe.output());
        lap("topic creation refused to every component; kafka-topics works with the files");
    }

    @Test
    @Order(4)
    void theEndToEndPathRunsOnTheSecuredBroker() throws Exception {
        JsonNode stored = post("/store", "{\"name\":\"Secure Sam\",\"job\":\"Locksmith\",\"description\":\"I open and fit locks\"}", 201);
        String id = stored.get("id").asText();
        JsonNode retrieved = get("/retrieve/" + id + "?wait=30000", 200);
        assertEquals("Locksmith", retrieved.at("/data/data/job").asText());
        String conversation = post("/conversation", "{\"agent_id\":\"" + id + "\",\"message\":\"my door is stuck\",\"sender\":\"user\"}", 201)
                .get("conversation_id").asText();
        Await.until("the conversation is stored", Duration.ofSeconds(30),
                () -> get("/conversation/" + conversation, -1).path("messages").size() == 1);
        Await.until("the locksmith is matchable", Duration.ofSeconds(60),
                () -> status(HttpRequest.newBuilder(uri("/match")).POST(body("{\"description\":\"locks\",\"job\":\"Locksmith\"}"))) == 200);
        JsonNode match = post("/match", "{\"description\":\"fit a new lock\",\"job\":\"Locksmith\"}", 200);
        assertEquals("Secure Sam", match.at("/matched_uagent/name").asText());
        lap("store, retrieve, conversation, match through the API and processor principals");

        Path source = sharedSample();
        assumeTrue(source != null, "skipped: no ../shared/data/json_storage next to the repository");
        Map<String, String> migratorEnv = stack.pipelineStack().migratorEnv();
        Path report = tmp.resolve("migrate.json");
        Run migrate = run(migrator("migrate", "--source", source.toString(), "--report", report.toString()), migratorEnv);
        assertEquals(3, migrate.exit(), "done, broken sample files skipped: " + migrate.output());
        assertEquals(306, JsonCodec.readTree(Files.readAllBytes(report)).at("/counts/published").asInt());
        Path verifyReport = tmp.resolve("verify.json");
        Run verify = run(migrator("verify", "--source", source.toString(), "--timeout", "120s", "--report", verifyReport.toString()),
                migratorEnv);
        assertEquals(0, verify.exit(), verify.output());
        assertEquals(306, JsonCodec.readTree(Files.readAllBytes(verifyReport)).at("/counts/matching").asInt());
        Path exported = tmp.resolve("export");
        Run export = run(migrator("export", "--out", exported.toString()), migratorEnv);
        assertEquals(0, export.exit(), export.output());
        assertTrue(Files.isRegularFile(exported.resolve(id + ".json")), "the profile stored through the API is exported too");
        try (Stream<Path> files = Files.list(exported)) {
            assertEquals(307, files.filter(f -> f.toString().endsWith(".json")).count());
        }
        lap("migrate, verify, export as the migrator principal");
    }

    @Test
    @Order(5)
    void clientsWithoutCredentialsOrWithAWrongPasswordFailWithin60sNamingAuthentication() throws Exception {
        Refusal api = refusals.api().get(3, TimeUnit.MINUTES);
        assertTrue(api.output().startsWith("503 ") && api.output().contains("Kafka authentication failed"), api.output());
        Refusal noCredentials = refusals.migratorWithoutCredentials().get(3, TimeUnit.MINUTES);
        assertEquals(1, noCredentials.exit(), noCredentials.output());
        assertTrue(noCredentials.output().contains("authentication"), noCredentials.output());
        assertTrue(noCredentials.output().contains("security.protocol=PLAINTEXT"), noCredentials.output());
        Refusal wrongPassword = refusals.migratorWithWrongPassword().get(3, TimeUnit.MINUTES);
        assertEquals(1, wrongPassword.exit(), wrongPassword.output());
        assertTrue(wrongPassword.output().contains("Kafka authentication failed"), wrongPassword.output());
        Refusal processor = refusals.processorWithWrongPassword().get(3, TimeUnit.MINUTES);
        assertEquals(3, processor.exit(), processor.output());
        assertTrue(processor.output().contains("Kafka authentication failed"), processor.output());
        for (Refusal refusal : List.of(api, noCredentials, wrongPassword, processor)) {
            System.out.printf("refused in %4.1f s: %s%n", refusal.took().toMillis() / 1e3, refusal.what());
            assertTrue(refusal.took().compareTo(REFUSAL_DEADLINE) < 0, refusal.what() + " took " + refusal.took());
        }
    }

    /** How one refused client ended: its exit status (-1: still running, for the API), the output that names why, how long it took. */
    record Refusal(String what, int exit, String output, Duration took) {
    }

    /** Four refused clients, started together; each must give up (or say why) on its own, within 60 s. */
    record Refusals(CompletableFuture<Refusal> migratorWithoutCredentials, CompletableFuture<Refusal> migratorWithWrongPassword,
                    CompletableFuture<Refusal> processorWithWrongPassword, CompletableFuture<Refusal> api) {
        static Refusals start() {
            try {
                Path wrong = tmp.resolve("wrong-password.properties");
                String migratorFile = Files.readString(state.kafkaClientFile(ComponentAcls.MIGRATOR));
                Files.writeString(wrong, migratorFile.replaceAll("password=\"[^\"]+\"", "password=\"not-the-password\""));
                Map<String, String> noCredentials = new HashMap<>(stack.pipelineStack().migratorEnv());
                noCredentials.remove("KAFKA_CONFIG_FILE");
                Map<String, String> wrongPassword = new HashMap<>(stack.pipelineStack().migratorEnv());
                wrongPassword.put("KAFKA_CONFIG_FILE", wrong.toString());
                ComponentSpec processor = stack.pipelineStack().specs().processor("processor-refused", config, TestStack.freePort(),
                        Map.of("KAFKA_CONFIG_FILE", wrong.toString()));
                int apiPort = TestStack.freePort();
                ComponentSpec api = stack.pipelineStack().specs().api("api-refused", config, apiPort,
                        Map.of("KAFKA_CONFIG_FILE", wrong.toString(), "API_MATCHING", "false"));
                return new Refusals(
                        CompletableFuture.supplyAsync(() -> refusal("migrator export without credentials (PLAINTEXT)",
                                run(migrator("export", "--out", tmp.resolve("x1").toString()), noCredentials))),
                        CompletableFuture.supplyAsync(() -> refusal("migrator export with a wrong password",
                                run(migrator("export", "--out", tmp.resolve("x2").toString()), wrongPassword))),
                        CompletableFuture.supplyAsync(() -> refusal("processor with a wrong password",
                                run(processor.command(), processor.env()))),
                        CompletableFuture.supplyAsync(() -> readyOfRefusedApi(api, apiPort)));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        /** The process's exit and its error lines (the message an operator reads). */
        private static Refusal refusal(String what, Run run) {
            String errors = run.output().lines().filter(l -> l.contains("ERROR") || l.contains("error"))
                    .collect(Collectors.joining("\n"));
            System.out.println(what + " -> exit " + run.exit() + ":\n" + errors);
            return new Refusal(what, run.exit(), run.output(), run.took());
        }

        /** An API with a wrong password: its /ready must answer 503 naming authentication. */
        private static Refusal readyOfRefusedApi(ComponentSpec spec, int port) {
            long start = System.nanoTime();
            stack.pipelineStack().start(spec);
            try {
                String[] ready = {""};
                Await.until("the API's /ready names the refused credentials", REFUSAL_DEADLINE, () -> {
                    ready[0] = getRaw(port, "/ready");
                    return ready[0].contains("Kafka authentication failed");
                });
                System.out.println("api with a wrong password -> GET /ready " + ready[0]);
                return new Refusal("api /ready with a wrong password", -1, ready[0], Duration.ofNanos(System.nanoTime() - start));
            } finally {
                stack.pipelineStack().stop(spec.name());
            }
        }
    }

    @Test
    @Order(6)
    void theRunnableJarsCarryTheMskIamMechanism() throws IOException {
        for (String module : List.of("processor", "ingest-api", "migrator")) {
            try (ZipFile jar = new ZipFile(stack.pipelineStack().layout().jar(module).toFile())) {
                assertNotNull(jar.getEntry("software/amazon/msk/auth/iam/IAMLoginModule.class"), module);
                assertNotNull(jar.getEntry("software/amazon/msk/auth/iam/IAMClientCallbackHandler.class"), module);
            }
        }
    }

    @Test
    @Order(7)
    void deadLettersListAndRedriveRunAsTheMigrator() throws Exception {
        // A producer of another team writes an event the processor can never apply: it is dead-lettered, and the
        // operator lists and redrives it with the migrator's file (read on the dead letters and the redrive
        // group, write on the event topics: docs/SECURITY.md), as ./pipeline dead-letters does.
        String key = "not-a-uuid-" + System.nanoTime();
        KafkaClients migratorClients = KafkaClients.of(KafkaConnection.fromFile(state.kafkaClientFile(ComponentAcls.MIGRATOR)), "chaos");
        try (KafkaProducer<String, String> producer = migratorClients.producer("poison")
                .newProducer(new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(config.topics().profileEvents(), key, "{\"not\":\"an event\"}"))
                    .get(30, TimeUnit.SECONDS);
        }
        Map<String, String> migratorEnv = stack.pipelineStack().migratorEnv();
        String[] listed = new String[1];
        Await.until("the poisoned event is listed as a dead letter", REFUSAL_DEADLINE, () -> {
            Run list = run(migrator("dead-letters", "list", "--limit", "1000"), migratorEnv);
            assertEquals(0, list.exit(), list.output());
            listed[0] = list.output();
            return list.output().contains(key);
        });
        String entry = listed[0].substring(listed[0].lastIndexOf("offset=", listed[0].indexOf(key)));
        assertTrue(entry.contains("reason: "), entry);
        String offset = entry.substring("offset=".length(), entry.indexOf(' '));
        Run redrive = run(migrator("dead-letters", "redrive", "--offset", offset), migratorEnv);
        assertEquals(0, redrive.exit(), redrive.output());
        assertTrue(redrive.output().contains("redrove dead letter " + offset), redrive.output());
        Run again = run(migrator("dead-letters", "list", "--limit", "1000"), migratorEnv);
        assertTrue(again.output().contains("offset=" + offset + " source=") && again.output().contains("[redriven]"),
                "the redrive's progress is committed in its group: " + again.output());
        lap("dead-letters list and redrive as the migrator principal");
    }

    @Test
    @Order(100)
    void aProcessorWhoseAclIsRevokedWhileRunningExitsNamingAuthorization() throws Exception {
        ComponentAcls.Grant groupRead = ComponentAcls.of(ComponentAcls.PROCESSOR, ComponentAcls.plan(config)).stream()
                .filter(g -> g.resource() == ResourceType.GROUP && g.name().equals(config.groups().persister()))
                .findFirst().orElseThrow();
        try (Admin admin = Readiness.admin(state.kafkaConnection(), 10_000)) {
            admin.deleteAcls(List.of(groupRead.binding().toFilter())).all().get(30, TimeUnit.SECONDS);
            long revoked = System.nanoTime();
            post("/store", "{\"name\":\"After the revocation\"}", 201);
            Await.until("the processor exits", REFUSAL_DEADLINE, () -> !stack.isRunning("processor"));
            System.out.printf("processor exited %.1f s after its group ACL was revoked%n", (System.nanoTime() - revoked) / 1e9);
            String log = Files.readString(stack.logFile("processor"), java.nio.charset.StandardCharsets.ISO_8859_1);
            assertTrue(log.contains("Kafka authorization failed"), "the log names it");
            assertTrue(log.contains("processor exits (3)"), "and the exit");
            ComponentAcls.grant(admin, List.of(groupRead), Duration.ofSeconds(30));
        }
    }

    @Test
    @Order(101)
    void replayAsTheMigratorResetsThePersisterAndCannotTouchTheProjector() throws Exception {
        assertFalse(stack.isRunning("processor"), "stopped by the previous test");
        Run replay = run(migrator("replay", "--yes", "--wait", "60s"), stack.pipelineStack().migratorEnv());
        assertEquals(0, replay.exit(), replay.output());
        String persister = config.groups().internalPrefix();
        String projector = config.groups().projectorInternalPrefix();
        try (Admin admin = Readiness.admin(state.kafkaConnection(), 10_000)) {
            Set<String> topics = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            assertEquals(List.of(), topics.stream().filter(t -> t.startsWith(persister) && !t.startsWith(projector)).toList(),
                    "the persister's internal topics are gone");
            List<String> projectorTopics = topics.stream().filter(t -> t.startsWith(projector)).toList();
            assertFalse(projectorTopics.isEmpty(), "the projector keeps its own: " + topics);
            try (Admin migrator = Readiness.admin(KafkaConnection.fromFile(state.kafkaClientFile(ComponentAcls.MIGRATOR)), 10_000)) {
                ExecutionException denied = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                        () -> migrator.deleteTopics(projectorTopics).all().get(30, TimeUnit.SECONDS));
                assertTrue(denied.getCause() instanceof TopicAuthorizationException, denied.getCause().toString());
            }
        }
        lap("replay as the migrator: the persister reset, the projector untouchable");
    }

    // --- helpers -------------------------------------------------------------------------------------

    private static StackState state() {
        return stack.pipelineStack().state();
    }

    private static void lap(String what) {
        System.out.printf("SecureStackIT %6.1f s: %s%n", (System.nanoTime() - STARTED) / 1e9, what);
    }

    /** {@code ../shared/data/json_storage} next to the repository, or null. */
    private static Path sharedSample() {
        for (Path dir = stack.repo(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("../shared/data/json_storage").normalize();
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static List<String> migrator(String... args) {
        List<String> command = new ArrayList<>(List.of(java(), "-DOPT_OUT_TRACKING=true", "-jar",
                stack.pipelineStack().layout().jar("migrator").toString()));
        command.addAll(List.of(args));
        return command;
    }

    private static List<String> kafkaTool(String mainClass, String... args) {
        List<String> command = new ArrayList<>(List.of(java(), "-cp", stack.pipelineStack().layout().kafkaLibs().resolve("*").toString(), mainClass));
        command.addAll(List.of(args));
        return command;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    record Run(int exit, String output, Duration took) {
    }

    /** Runs a process to its end (at most 3 minutes), output to a file, environment = ours + {@code env}. */
    private static Run run(List<String> command, Map<String, String> env) {
        long start = System.nanoTime();
        try {
            File output = Files.createTempFile(tmp, "run", ".log").toFile();
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            builder.environment().remove("KAFKA_CONFIG_FILE");
            builder.environment().putAll(env);
            Process process = builder.start();
            if (!process.waitFor(3, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError("still running after 3 minutes: " + command);
            }
            return new Run(process.exitValue(), Files.readString(output.toPath(), java.nio.charset.StandardCharsets.ISO_8859_1),
                    Duration.ofNanos(System.nanoTime() - start));
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + apiPort + path);
    }

    private static HttpRequest.BodyPublisher body(String json) {
        return HttpRequest.BodyPublishers.ofString(json);
    }

    private static JsonNode post(String path, String json, int expected) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json").POST(body(json)), expected);
    }

    private static JsonNode get(String path, int expected) {
        return send(HttpRequest.newBuilder(uri(path)).GET(), expected);
    }

    private static int status(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.header("Content-Type", "application/json").timeout(Duration.ofSeconds(40)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** The answer as JSON; {@code expected} -1: any status. */
    private static JsonNode send(HttpRequest.Builder request, int expected) {
        try {
            HttpResponse<String> response = HTTP.send(request.timeout(Duration.ofSeconds(40)).build(), HttpResponse.BodyHandlers.ofString());
            if (expected >= 0) {
                assertEquals(expected, response.statusCode(), response.body());
            }
            return JsonCodec.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("HTTP " + request.build().uri() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** "status body", or "-1 error" when nothing answers. */
    private static String getRaw(int port, String path) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() + " " + response.body();
        } catch (IOException e) {
            return "-1 " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "-1 interrupted";
        }
    }
}
