package io.agentmatch.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.agentmatch.api.ApiConfig;
import io.agentmatch.api.ApiParts;
import io.agentmatch.api.IngestApi;
import io.agentmatch.api.IngestApiMain;
import io.agentmatch.contract.config.Env;
import io.agentmatch.contract.config.Setting;
import io.agentmatch.contract.config.SettingsCatalog;
import io.agentmatch.contract.events.Topics;
import io.agentmatch.contract.kafka.KafkaConnection;
import io.agentmatch.contract.trace.Tracing;
import io.agentmatch.processor.ProcessorMain;
import io.agentmatch.processor.ProcessorSettings;
import io.agentmatch.processor.health.HealthServer;
import io.javalin.http.HandlerType;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code deploy/kubernetes} against the code: every variable the manifests set is a setting the
 * component declares (or a documented external one) with a value it accepts; every probe asks a
 * path the component serves, on the port it listens on, without the API token; the grace periods
 * cover the shutdown bounds; the pods run as the images' non-root user; the processor's state is on
 * its volume; the Secrets provide the token and the Kafka client file.
 */
class KubernetesManifestsTest {
    private static final YAMLMapper YAML = new YAMLMapper();

    /** A workload of ours: what it runs and what the code says about it. */
    record Component(String kind, String name, String image, SettingsCatalog settings, Setting<Integer> port,
                     Setting<Duration> shutdownTimeout, Duration exitBound) {
    }

    static final Component PROCESSOR = new Component("StatefulSet", "agentmatch-processor", "processor", ProcessorMain.SETTINGS,
            ProcessorSettings.PROCESSOR_HEALTH_PORT, ProcessorSettings.PROCESSOR_SHUTDOWN_TIMEOUT_MS, ShutdownBounds.PROCESSOR);
    static final Component API = new Component("Deployment", "agentmatch-api", "ingest-api", IngestApiMain.SETTINGS,
            ApiConfig.API_PORT, ApiConfig.API_SHUTDOWN_TIMEOUT_MS, ShutdownBounds.API);

    private static List<JsonNode> objects;
    private static Map<String, JsonNode> configMaps;

    @BeforeAll
    static void read() throws IOException {
        objects = new ArrayList<>();
        for (String resource : resources()) {
            try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(dir().resolve(resource).toFile())) {
                docs.forEachRemaining(doc -> {
                    if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
                        objects.add(doc);
                    }
                });
            }
        }
        configMaps = objects.stream().filter(o -> o.path("kind").asText().equals("ConfigMap"))
                .collect(Collectors.toMap(o -> o.path("metadata").path("name").asText(), o -> o.path("data")));
    }

    @Test
    void theKustomizationListsEveryManifest() throws IOException {
        Set<String> files;
        try (var list = Files.list(dir())) {
            files = list.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml"))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(files, new TreeSet<>(resources()));
        for (Component component : List.of(PROCESSOR, API)) {
            workload(component);
        }
    }

    @Test
    void everyVariableIsADeclaredSettingOfItsComponentWithAValueItAccepts() throws IOException {
        for (Component component : List.of(PROCESSOR, API)) {
            Map<String, Setting<?>> declared = component.settings().settings().stream()
                    .collect(Collectors.toMap(Setting::name, s -> s, (a, b) -> a));
            for (var variable : setVariables(component).entrySet()) {
                String name = variable.getKey();
                Setting<?> setting = declared.get(name);
                assertTrue(setting != null || ExternalVariables.isExternal(name), component.name() + " sets " + name
                        + ": no setting of " + component.settings().component() + ", nor a documented external variable");
                if (setting != null && variable.getValue() != null) {
                    setting.read(new Env(Map.of(name, variable.getValue())));
                }
            }
            component.settings().validate(new Env(effectiveEnv(component)));
        }
    }

    @Test
    void probesAskPathsTheComponentServesOnThePortItListensOn() throws IOException {
        Map<Component, Function<String, Boolean>> served = Map.of(
                PROCESSOR, HealthServer.PATHS::contains,
                API, path -> apiGetRoutes(true).stream().anyMatch(route -> path.matches(route.replaceAll("\\{[^/]+}", "[^/]+"))));
        for (Component component : List.of(PROCESSOR, API)) {
            JsonNode container = container(component);
            int port = component.port().read(new Env(effectiveEnv(component)));
            List<String> probes = List.of("livenessProbe", "readinessProbe", "startupProbe");
            for (String probe : probes) {
                JsonNode get = container.path(probe).path("httpGet");
                assertFalse(get.isMissingNode(), component.name() + " has no " + probe);
                String path = get.path("path").asText();
                assertTrue(served.get(component).apply(path), component.name() + " " + probe + ": " + path + " is not served");
                assertEquals(port, containerPort(container, get.path("port")), component.name() + " " + probe + " port");
            }
            assertEquals("/health", container.path("livenessProbe").path("httpGet").path("path").asText());
            assertEquals("/ready", container.path("readinessProbe").path("httpGet").path("path").asText());
        }
    }

    @Test
    void theApisProbesNeedNoTokenThoughTheManifestsSetOne() {
        assertTrue(setVariables(API).containsKey(ApiConfig.API_TOKEN.name()), "the API runs with a token");
        for (IngestApi.Route route : apiRoutes("a-token")) {
            if (route.method() == HandlerType.GET && Set.of("/health", "/ready").contains(route.path())) {
                assertFalse(route.statuses().contains(401), route.path() + " asks for the token: kubelet sends none");
            }
        }
    }

    @Test
    void servicesTargetTheContainersPortsAndSelectTheirPods() {
        for (Component component : List.of(PROCESSOR, API)) {
            JsonNode workload = workload(component);
            Map<String, String> labels = YAML.convertValue(workload.path("spec").path("template").path("metadata").path("labels"),
                    YAML.getTypeFactory().constructMapType(Map.class, String.class, String.class));
            List<JsonNode> selecting = objects.stream()
                    .filter(o -> Set.of("Service", "PodDisruptionBudget").contains(o.path("kind").asText()))
                    .filter(o -> o.path("metadata").path("name").asText().equals(component.name())).toList();
            assertEquals(2, selecting.size(), component.name() + ": a Service and a PodDisruptionBudget");
            for (JsonNode object : selecting) {
                JsonNode selector = object.path("kind").asText().equals("Service") ? object.path("spec").path("selector")
                        : object.path("spec").path("selector").path("matchLabels");
                selector.properties().forEach(e -> assertEquals(e.getValue().asText(), labels.get(e.getKey()),
                        object.path("kind").asText() + " " + component.name() + " selects " + e.getKey()));
            }
            JsonNode service = selecting.stream().filter(o -> o.path("kind").asText().equals("Service")).findFirst().orElseThrow();
            int port = component.port().read(new Env(effectiveEnv(component)));
            for (JsonNode servicePort : service.path("spec").path("ports")) {
                assertEquals(port, containerPort(container(component), servicePort.path("targetPort")));
            }
        }
    }

    @Test
    void gracePeriodsCoverTheShutdownBounds() {
        for (Component component : List.of(PROCESSOR, API)) {
            JsonNode pod = workload(component).path("spec").path("template").path("spec");
            int grace = pod.path("terminationGracePeriodSeconds").asInt(30);
            JsonNode preStop = container(component).path("lifecycle").path("preStop");
            long preStopSeconds = 0;
            if (!preStop.isMissingNode()) {
                List<String> command = StreamSupport.stream(preStop.path("exec").path("command").spliterator(), false)
                        .map(JsonNode::asText).toList();
                assertEquals("sleep", command.get(0), component.name() + ": preStop");
                preStopSeconds = Long.parseLong(command.get(1));
            }
            assertTrue(grace >= preStopSeconds + component.exitBound().toSeconds(), component.name() + ": grace " + grace
                    + " s < preStop " + preStopSeconds + " s + exit bound " + component.exitBound().toSeconds() + " s");
            Duration timeout = component.shutdownTimeout().read(new Env(effectiveEnv(component)));
            assertTrue(timeout.plus(ShutdownBounds.EXIT_MARGIN).compareTo(component.exitBound()) <= 0, component.name() + ": "
                    + component.shutdownTimeout().name() + "=" + timeout.toMillis() + " ms leaves no room to exit within "
                    + component.exitBound().toSeconds() + " s");
        }
    }

    @Test
    void podsRunAsTheImagesNonRootUserAndCanReadTheirSecrets() throws IOException {
        for (Component component : List.of(PROCESSOR, API)) {
            JsonNode pod = workload(component).path("spec").path("template").path("spec");
            JsonNode security = pod.path("securityContext");
            String user = Dockerfile.read(ConfigurationTableTest.repo().resolve(component.image()).resolve("Dockerfile"))
                    .runtime().last("USER");
            assertTrue(security.path("runAsNonRoot").asBoolean(), component.name());
            assertEquals(DockerfileTest.uid(user), security.path("runAsUser").asInt(), component.name() + ": the image's USER");
            assertTrue(security.has("fsGroup"), component.name() + ": Secret and state volumes readable by the user's group");
            JsonNode container = container(component);
            assertFalse(container.path("securityContext").path("allowPrivilegeEscalation").asBoolean(true), component.name());
        }
    }

    @Test
    void theTokenAndTheKafkaClientFileComeFromSecrets() {
        JsonNode token = env(container(API)).get(ApiConfig.API_TOKEN.name());
        assertNotNull(token);
        assertFalse(token.path("valueFrom").path("secretKeyRef").isMissingNode(), "API_TOKEN from a Secret");
        for (Component component : List.of(PROCESSOR, API)) {
            String file = effectiveEnv(component).get(KafkaConnection.CONFIG_FILE.name());
            assertNotNull(file, component.name() + " sets no " + KafkaConnection.CONFIG_FILE.name());
            JsonNode container = container(component);
            JsonNode mount = StreamSupport.stream(container.path("volumeMounts").spliterator(), false)
                    .filter(m -> file.startsWith(m.path("mountPath").asText() + "/")).findFirst()
                    .orElseThrow(() -> new AssertionError(component.name() + ": nothing mounted at " + file));
            JsonNode volume = volume(component, mount.path("name").asText());
            assertFalse(volume.path("secret").isMissingNode(), component.name() + ": " + file + " comes from a Secret");
            assertEquals(component.name() + "-kafka", volume.path("secret").path("secretName").asText(),
                    component.name() + ": its own Kafka principal's file (docs/SECURITY.md: one principal per component)");
        }
        for (JsonNode data : configMaps.values()) {
            data.propertyStream().map(Map.Entry::getKey).forEach(name -> assertFalse(ApiConfig.API_TOKEN.name().equals(name)
                    || name.contains("PASSWORD") || name.contains("SASL_JAAS"), "a secret in a ConfigMap: " + name));
        }
    }

    @Test
    void theProcessorKeepsItsStateOnItsOwnVolume() {
        JsonNode statefulSet = workload(PROCESSOR);
        String stateDir = ProcessorSettings.PROCESSOR_STATE_DIR.read(new Env(effectiveEnv(PROCESSOR))).toString();
        JsonNode mount = StreamSupport.stream(container(PROCESSOR).path("volumeMounts").spliterator(), false)
                .filter(m -> m.path("mountPath").asText().equals(stateDir)).findFirst()
                .orElseThrow(() -> new AssertionError("nothing mounted at PROCESSOR_STATE_DIR " + stateDir));
        boolean claimed = StreamSupport.stream(statefulSet.path("spec").path("volumeClaimTemplates").spliterator(), false)
                .anyMatch(t -> t.path("metadata").path("name").asText().equals(mount.path("name").asText()));
        assertTrue(claimed, "the state volume is a volumeClaimTemplate (one per instance, kept across restarts)");
    }

    @Test
    void memoryIsRequestedAsMuchAsLimited() {
        for (Component component : List.of(PROCESSOR, API)) {
            JsonNode resources = container(component).path("resources");
            String limit = resources.path("limits").path("memory").asText();
            assertFalse(limit.isEmpty(), component.name() + " has no memory limit");
            // The heap is a share of the limit: a request below it invites an OOM kill when the node is short.
            assertEquals(limit, resources.path("requests").path("memory").asText(), component.name());
            assertFalse(resources.path("requests").path("cpu").isMissingNode(), component.name());
        }
    }

    // ---------------------------------------------------------------------------------------------

    static Path dir() {
        return ConfigurationTableTest.repo().resolve("deploy").resolve("kubernetes");
    }

    static List<String> resources() throws IOException {
        JsonNode kustomization = YAML.readTree(dir().resolve("kustomization.yaml").toFile());
        List<String> resources = new ArrayList<>();
        kustomization.path("resources").forEach(r -> resources.add(r.asText()));
        return resources;
    }

    private static JsonNode workload(Component component) {
        return objects.stream().filter(o -> o.path("kind").asText().equals(component.kind())
                        && o.path("metadata").path("name").asText().equals(component.name())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + component.kind() + " " + component.name()));
    }

    private static JsonNode container(Component component) {
        JsonNode containers = workload(component).path("spec").path("template").path("spec").path("containers");
        assertEquals(1, containers.size(), component.name() + ": one container");
        JsonNode container = containers.get(0);
        assertTrue(container.path("image").asText().startsWith("agentmatch/" + component.image()), container.path("image").asText());
        return container;
    }

    private static JsonNode volume(Component component, String name) {
        for (JsonNode volume : workload(component).path("spec").path("template").path("spec").path("volumes")) {
            if (volume.path("name").asText().equals(name)) {
                return volume;
            }
        }
        throw new AssertionError(component.name() + " has no volume " + name);
    }

    private static Map<String, JsonNode> env(JsonNode container) {
        Map<String, JsonNode> env = new LinkedHashMap<>();
        container.path("env").forEach(e -> env.put(e.path("name").asText(), e));
        return env;
    }

    /** Every variable the manifests give the container: envFrom ConfigMaps, then env (value null: from a Secret). */
    private static Map<String, String> setVariables(Component component) {
        JsonNode container = container(component);
        Map<String, String> variables = new LinkedHashMap<>();
        for (JsonNode from : container.path("envFrom")) {
            String name = from.path("configMapRef").path("name").asText();
            JsonNode data = configMaps.get(name);
            assertNotNull(data, component.name() + " reads ConfigMap " + name + ", which the manifests do not define");
            data.properties().forEach(e -> variables.put(e.getKey(), e.getValue().asText()));
        }
        env(container).forEach((name, e) -> variables.put(name, e.has("value") ? e.path("value").asText() : null));
        return variables;
    }

    /** What the component sees: the image's ENV, then what the manifests set. */
    private static Map<String, String> effectiveEnv(Component component) {
        try {
            Map<String, String> env = new HashMap<>(Dockerfile.read(ConfigurationTableTest.repo().resolve(component.image())
                    .resolve("Dockerfile")).runtime().env());
            setVariables(component).forEach((name, value) -> {
                if (value != null) {
                    env.put(name, value);
                }
            });
            return env;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static int containerPort(JsonNode container, JsonNode port) {
        if (port.isInt()) {
            return port.asInt();
        }
        for (JsonNode declared : container.path("ports")) {
            if (declared.path("name").asText().equals(port.asText())) {
                return declared.path("containerPort").asInt();
            }
        }
        throw new AssertionError("no container port named " + port.asText());
    }

    /** The API's route table (IngestApi's own), with auth on as in the manifests. */
    private static List<IngestApi.Route> apiRoutes(String token) {
        ApiConfig config = ApiConfig.fromEnv(new Env(Map.of("API_PORT", "0", "API_MATCHING", "false"))).withToken(token);
        ApiParts parts = new ApiParts(null, null, null, new Topics(""), null, List.of(),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), List.of(), Tracing.idsOnly());
        try (IngestApi api = IngestApi.start(config, parts)) {
            return api.routes();
        }
    }

    private static List<String> apiGetRoutes(boolean withToken) {
        return apiRoutes(withToken ? "a-token" : null).stream().filter(r -> r.method() == HandlerType.GET)
                .map(IngestApi.Route::path).toList();
    }
}
