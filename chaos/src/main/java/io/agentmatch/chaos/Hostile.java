package io.agentmatch.chaos;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmatch.contract.events.ConversationMessage;
import io.agentmatch.contract.events.EventEnvelope;
import io.agentmatch.contract.events.EventSource;
import io.agentmatch.contract.events.EventType;
import io.agentmatch.contract.events.JsonCodec;
import io.agentmatch.contract.events.ProfileRecord;
import io.agentmatch.contract.storage.DynamoClients;
import io.agentmatch.contract.storage.ProfileItems;
import io.agentmatch.localstack.Await;
import io.agentmatch.localstack.RunningComponent;
import io.agentmatch.localstack.TestStack;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Bad input rather than faults: the API fuzzer, the broken legacy files, and the security checks
 * (authentication on every route, export path containment, body limits, no internals in answers).
 */
public final class Hostile {
    public static final String TOKEN = "chaos-token-3f9a0c";
    public static final List<String> SCENARIOS = List.of("api-fuzz", "legacy-fuzz", "security");

    private final TestStack stack;
    private final Scale scale;
    private final long seed;

    public Hostile(TestStack stack, Scale scale, long seed) {
        this.stack = stack;
        this.scale = scale;
        this.seed = seed;
    }

    public Summary run(String scenario) {
        return Summary.timed(scenario, () -> switch (scenario) {
            case "api-fuzz" -> apiFuzz();
            case "legacy-fuzz" -> legacyFuzz();
            case "security" -> security();
            default -> throw new IllegalArgumentException("unknown scenario " + scenario);
        });
    }

    /** An API with authentication on, and one stored profile so that PUT/DELETE reach their bodies. */
    private RunningComponent api(Faults faults, String existingId) {
        try (DynamoDbClient dynamo = DynamoClients.sync(faults.config, Duration.ofSeconds(10))) {
            ObjectNode data = JsonNodeFactory.instance.objectNode().put("name", "Existing").put("job", "Plumber");
            dynamo.putItem(b -> b.tableName(faults.config.profileTable()).item(ProfileItems.toItem(
                    new ProfileRecord(existingId, "2024-01-01T00:00:00.000001", data), 0, "api")));
        }
        return faults.api("api", TestStack.freePort(), Map.of("API_TOKEN", TOKEN));
    }

    // ------------------------------------------------------------------ api-fuzz

    private static void publishExisting(Faults faults, String id) throws Exception {
        ObjectNode data = JsonNodeFactory.instance.objectNode().put("name", "Existing").put("job", "Plumber");
        ProfileRecord record = new ProfileRecord(id, "2024-01-01T00:00:00.000001", data);
        try (KafkaProducer<String, byte[]> producer = EventMix.producer(faults.config)) {
            producer.send(new ProducerRecord<>(faults.config.topics().profileEvents(), id, JsonCodec.toBytes(
                    EventEnvelope.of(EventType.PROFILE_IMPORTED, EventSource.MIGRATION, id, null, record.toJson())))).get();
        }
    }

    Summary apiFuzz() throws Exception {
        Summary summary = new Summary("api-fuzz");
        try (Faults faults = new Faults(stack, "api-fuzz")) {
            // The processor runs, so that what the API accepts can be checked as stored; the existing
            // profile comes through the log (a row put straight into the table has no history to update).
            faults.processor("processor", Map.of());
            publishExisting(faults, "existing-1");
            RunningComponent api = faults.api("api", TestStack.freePort(), Map.of("API_TOKEN", TOKEN));
            RawHttp probe = new RawHttp(api.port(), 15_000);
            Await.until("existing-1 stored before the fuzzing", Duration.ofSeconds(60), () -> probe.request("GET",
                    "/retrieve/existing-1", Map.of("Authorization", "Bearer " + TOKEN), null).status() == 200);
            long pid = faults.pid("api");
            long rssBefore = faults.rssKiB("api");
            ApiFuzzer.Result result = new ApiFuzzer(api.port(), TOKEN, "existing-1", seed).run(scale.fuzzPerRoute());
            long rssAfter = faults.rssKiB("api");
            summary.faults = result.total();
            summary.notes.add(result.describe().trim());
            summary.notes.add(String.format("RSS %d -> %d MiB", rssBefore / 1024, rssAfter / 1024));
            if (result.nonJson4xxFromHttpParser > 0) {
                summary.notes.add(result.nonJson4xxFromHttpParser + " raw-HTTP 4xx answered by the HTTP parser without the JSON envelope, e.g. "
                        + result.parserAnswers);
            }
            result.problems.forEach(summary::example);
            if (!result.tally.isEmpty()) {
                summary.notes.add("problems by kind: " + result.tally);
            }
            if (result.problemCount > 0) {
                summary.fail(result.problemCount + " answers broke the rules (5xx, no JSON envelope, internals, no answer); first: "
                        + result.problems.get(0));
            }
            for (String route : ApiFuzzer.ROUTES) {
                if (result.perRoute.getOrDefault(route, new int[1])[0] < scale.fuzzPerRoute()) {
                    summary.fail("fewer than " + scale.fuzzPerRoute() + " requests on " + route);
                }
            }
            if (faults.pid("api") != pid || Scenarios.status(api.url() + "/health") != 200) {
                summary.fail("the API is not the same healthy process after the fuzzing");
            }
            // A 2xx means stored: every accepted write retrievable (and matchable) within 10 s, or deleted.
            StateCheck state = new StateCheck(faults.config);
            AcceptedWrites.Outcome stored = result.accepted.await(new RawHttp(api.port(), 15_000), TOKEN,
                    () -> state.readStored().projections(), ACCEPTED_WITHIN);
            summary.acknowledged = stored.accepted();
            summary.lost = stored.lost();
            summary.notes.add(stored.describe() + " (within " + ACCEPTED_WITHIN.toSeconds() + " s)");
            stored.examples().forEach(example -> summary.fail("a 2xx not stored: " + example));
        }
        return summary;
    }

    /** How long an accepted write may take to be retrievable and matchable (the promise the fuzzers check). */
    static final Duration ACCEPTED_WITHIN = Duration.ofSeconds(10);

    // ------------------------------------------------------------------ legacy-fuzz

    Summary legacyFuzz() throws Exception {
        Summary summary = new Summary("legacy-fuzz");
        try (Faults faults = new Faults(stack, "legacy-fuzz")) {
            Path root = Files.createTempDirectory("chaos-legacy-fuzz-");
            try {
                LegacyFuzzer.Corpus corpus = new LegacyFuzzer(seed).generate(root.resolve("json_storage"), scale.legacyFiles(), 20);
                summary.faults = corpus.broken().size();
                LegacyFuzzer.Outcome dry = LegacyFuzzer.migrate(faults, corpus, true, root.resolve("dry.json"));
                LegacyFuzzer.Outcome real = LegacyFuzzer.migrate(faults, corpus, false, root.resolve("real.json"));
                summary.notes.add("migrate --dry-run: " + dry.seen() + " files, " + dry.skipped() + " skipped with a reason, "
                        + dry.publishedOrValid() + " valid (exit " + dry.exitCode() + ")");
                summary.notes.add("migrate: " + real.seen() + " files, " + real.skipped() + " skipped with a reason, "
                        + real.publishedOrValid() + " published (exit " + real.exitCode() + ")");
                dry.problems().forEach(p -> summary.fail("dry run: " + p));
                real.problems().forEach(p -> summary.fail("migrate: " + p));
                // The processor gets whatever was published: only the controls, and nothing it must dead-letter.
                faults.processor("processor", Map.of());
                Acknowledged acknowledged = new Acknowledged();
                for (String id : corpus.validIds()) {
                    ProfileRecord record = ProfileRecord.fromJson(JsonCodec.readTree(Files.readAllBytes(corpus.dir().resolve(id + ".json"))));
                    acknowledged.profile(id, record.data(), record.timestamp());
                }
                StateCheck check = new StateCheck(faults.config);
                if (!check.awaitConverged(Duration.ofMinutes(3))) {
                    summary.fail("the processor did not catch up with the migration");
                }
                check.check(acknowledged, summary);
                summary.acknowledged = corpus.validIds().size();
            } finally {
                Scenarios.deleteTree(root);
            }
        }
        return summary;
    }

    // ------------------------------------------------------------------ security

    Summary security() throws Exception {
        Summary summary = new Summary("security");
        try (Faults faults = new Faults(stack, "security")) {
            RunningComponent api = api(faults, "existing-1");
            RawHttp http = new RawHttp(api.port(), 15_000);
            List<String> problems = new ArrayList<>();
            problems.addAll(authentication(http));
            problems.addAll(bodyLimits(http, faults));
            problems.addAll(exportContainment(faults));
            summary.faults = problems.size();
            problems.forEach(summary::fail);
            if (Scenarios.status(api.url() + "/health") != 200) {
                summary.fail("the API is not healthy after the security checks");
            }
            summary.notes.add("authentication on " + PROTECTED.size() + " routes, body limits, export containment checked");
        }
        return summary;
    }

    /** Every route but the probes, as (method, path). */
    public static final List<String[]> PROTECTED = List.of(
            new String[] {"POST", "/store"}, new String[] {"GET", "/retrieve/existing-1"}, new String[] {"GET", "/list"},
            new String[] {"POST", "/conversation"}, new String[] {"GET", "/conversation/c-1"},
            new String[] {"GET", "/agent/a-1/conversations"}, new String[] {"POST", "/match"},
            new String[] {"GET", "/profiles?job=Plumber"}, new String[] {"PUT", "/profiles/existing-1"},
            new String[] {"DELETE", "/profiles/existing-1"}, new String[] {"GET", "/metrics"},
            new String[] {"GET", "/openapi.json"},
            // attempts to reach a protected route through the open ones
            new String[] {"POST", "/health/../store"}, new String[] {"POST", "/store;/health"},
            new String[] {"POST", "/store?/health"}, new String[] {"POST", "//store"}, new String[] {"POST", "/STORE"},
            new String[] {"POST", "/store/"}, new String[] {"POST", "/%73tore"});

    /** Without the token (or with a wrong one) every protected route answers 401 (never 2xx); with it, never 401. */
    public static List<String> authentication(RawHttp http) {
        List<String> problems = new ArrayList<>();
        byte[] body = "{\"name\":\"x\",\"description\":\"y\",\"agent_id\":\"a\",\"message\":\"m\",\"sender\":\"s\"}".getBytes(StandardCharsets.UTF_8);
        for (String[] route : PROTECTED) {
            for (String authorization : new String[] {null, "Bearer wrong", "Bearer", "Basic " + TOKEN, TOKEN, "Bearer " + TOKEN.substring(1)}) {
                Map<String, String> headers = new LinkedHashMap<>();
                headers.put("Content-Type", "application/json");
                if (authorization != null) {
                    headers.put("Authorization", authorization);
                }
                RawHttp.Response response = http.request(route[0], route[1], headers, route[0].equals("GET") ? null : body);
                if (response.status() >= 200 && response.status() < 300) {
                    problems.add(route[0] + " " + route[1] + " with Authorization " + authorization + " answered " + response.status());
                } else if (PROTECTED.indexOf(route) < 12 && (response.status() != 401 || !ApiFuzzer.isErrorEnvelope(response.text()))) {
                    problems.add(route[0] + " " + route[1] + " with Authorization " + authorization + " answered "
                            + response.status() + " " + response.text() + " instead of a 401 error");
                }
            }
            if (PROTECTED.indexOf(route) < 12) {
                Map<String, String> headers = new LinkedHashMap<>();
                headers.put("Content-Type", "application/json");
                headers.put("Authorization", "Bearer " + TOKEN);
                RawHttp.Response response = http.request(route[0], route[1], headers, route[0].equals("GET") ? null : body);
                if (response.status() == 401 || response.status() >= 500 || response.status() < 0) {
                    problems.add(route[0] + " " + route[1] + " with the token answered " + response.status() + " " + response.text());
                }
            }
        }
        for (String open : new String[] {"/health", "/ready"}) {
            RawHttp.Response response = http.request("GET", open, Map.of(), null);
            if (response.status() != 200) {
                problems.add("GET " + open + " without a token answered " + response.status());
            }
        }
        return problems;
    }

    /**
     * A deeply nested or huge body is refused with 4xx and the API's memory does not jump; a request
     * declaring 100 MB is refused at once, before its body is sent.
     */
    public static List<String> bodyLimits(RawHttp http, Faults faults) {
        List<String> problems = new ArrayList<>();
        Map<String, String> headers = Map.of("Authorization", "Bearer " + TOKEN, "Content-Type", "application/json");
        long before = faults.rssKiB("api");
        for (int round = 0; round < 20; round++) {
            String deep = "{\"name\":" + "[".repeat(400_000) + "]".repeat(400_000) + "}";
            RawHttp.Response nested = http.request("POST", "/store", headers, deep.getBytes(StandardCharsets.UTF_8));
            if (nested.status() < 400 || nested.status() >= 500 || !ApiFuzzer.isErrorEnvelope(nested.text())) {
                problems.add("an 800 KB deeply nested body answered " + nested.status() + " " + nested.text());
                break;
            }
            String shallowDeep = "{\"name\":" + "{\"a\":".repeat(33) + "1" + "}".repeat(33) + "}";
            RawHttp.Response justOver = http.request("POST", "/store", headers, shallowDeep.getBytes(StandardCharsets.UTF_8));
            if (justOver.status() < 400 || justOver.status() >= 500 || !ApiFuzzer.isErrorEnvelope(justOver.text())) {
                problems.add("a body nested 34 deep answered " + justOver.status() + " " + justOver.text());
                break;
            }
            byte[] huge = new byte[8 * 1024 * 1024];
            java.util.Arrays.fill(huge, (byte) '1');
            huge[0] = '[';
            huge[huge.length - 1] = ']';
            RawHttp.Response big = http.request("POST", "/store", headers, huge);
            if (big.status() != 413 || !ApiFuzzer.isErrorEnvelope(big.text())) {
                problems.add("an 8 MB body answered " + big.status() + " " + big.text());
                break;
            }
        }
        long after = faults.rssKiB("api");
        if (before > 0 && after - before > 150 * 1024) {
            problems.add("the API's memory jumped from " + before / 1024 + " to " + after / 1024 + " MiB on refused bodies");
        }
        // 100 MB declared, no body sent: the answer must come at once.
        String request = "POST /store HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TOKEN
                + "\r\nContent-Type: application/json\r\nContent-Length: 104857600\r\n\r\n";
        RawHttp.Response declared = new RawHttp(portOf(faults), 3000)
                .exchange(request.getBytes(StandardCharsets.ISO_8859_1), false);
        if (declared.status() != 413 || declared.millis() > 2000 || !ApiFuzzer.isErrorEnvelope(declared.text())) {
            problems.add("a request declaring 100 MB (body not sent) answered " + declared.status() + " after "
                    + declared.millis() + " ms: " + declared.text());
        }
        for (String length : new String[] {"9223372036854775807", "99999999999999999999"}) {
            RawHttp.Response absurd = new RawHttp(portOf(faults), 3000).exchange(("POST /store HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                    + TOKEN + "\r\nContent-Type: application/json\r\nContent-Length: " + length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1), false);
            if (absurd.status() < 400 || absurd.status() >= 500 || absurd.millis() > 2000) {
                problems.add("Content-Length " + length + " answered " + absurd.status() + " after " + absurd.millis() + " ms");
            }
        }
        return problems;
    }

    private static int portOf(Faults faults) {
        return faults.stack.pipelineStack().state().components().get(faults.name("api")).port();
    }

    /** Events with hostile ids published straight to the topics: export writes nothing outside its folder. */
    public static List<String> exportContainment(Faults faults) throws Exception {
        List<String> problems = new ArrayList<>();
        Path root = Files.createTempDirectory("chaos-export-");
        String marker = "escaped-" + Long.toHexString(System.nanoTime());
        List<String> hostile = List.of("../" + marker, "../../" + marker, "/tmp/" + marker, "..", ".", "",
                "a/../../" + marker, "..\\" + marker, marker + "/../../x", "\u0000" + marker, "conversations/../../" + marker,
                "x".repeat(300), ".hidden-" + marker, "~/" + marker, "%2e%2e%2f" + marker, "safe-id-1");
        try (KafkaProducer<String, byte[]> producer = EventMix.producer(faults.config)) {
            for (String id : hostile) {
                ObjectNode data = JsonNodeFactory.instance.objectNode().put("name", "hostile");
                ProfileRecord record = new ProfileRecord(id, "2024-01-01T00:00:00.000001", data);
                producer.send(new ProducerRecord<>(faults.config.topics().profileEvents(), id, JsonCodec.toBytes(
                        EventEnvelope.of(EventType.PROFILE_IMPORTED, EventSource.MIGRATION, id, null, record.toJson())))).get();
                var message = new ConversationMessage(id, "m-1", "agent", "hello", "user", "2024-01-01T00:00:00.000001");
                producer.send(new ProducerRecord<>(faults.config.topics().conversationEvents(), id, JsonCodec.toBytes(
                        EventEnvelope.of(EventType.CONVERSATION_MESSAGE_POSTED, EventSource.API, id, null, message.toJson())))).get();
            }
        }
        Path out = root.resolve("out");
        int exit = faults.migrator("export", "--out", out.toString());
        if (exit != 0 && exit != 3) {
            problems.add("export exited with " + exit);
        }
        try (var entries = Files.list(root)) {
            List<String> outside = entries.map(p -> p.getFileName().toString()).filter(n -> !n.equals("out")).toList();
            if (!outside.isEmpty()) {
                problems.add("export wrote outside its folder: " + outside);
            }
        }
        for (Path escaped : List.of(Path.of("/tmp", marker), Path.of("/tmp", marker + ".json"), root.getParent().resolve(marker + ".json"),
                root.resolve(marker + ".json"), Path.of(System.getProperty("user.home"), marker + ".json"))) {
            if (Files.exists(escaped)) {
                problems.add("export wrote " + escaped);
            }
        }
        try (var walk = Files.walk(out)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                Path real = file.toRealPath();
                if (!real.startsWith(out.toRealPath())) {
                    problems.add("export file " + real + " is outside " + out);
                }
            }
        }
        if (!Files.exists(out.resolve("safe-id-1.json")) || !Files.exists(out.resolve("conversations").resolve("safe-id-1.json"))) {
            problems.add("export did not write the one safe profile and conversation");
        }
        Scenarios.deleteTree(root);
        return problems;
    }
}
