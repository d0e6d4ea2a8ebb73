package io.agentmatch.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.agentmatch.contract.config.PipelineConfig;
import io.agentmatch.localstack.Await;
import io.agentmatch.localstack.ComponentSpec;
import io.agentmatch.localstack.TestStack;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The address rules of the images, without Docker: the API and the processor run with their
 * Dockerfile's ENV (read from the Dockerfiles, so this cannot drift from them) inside a network
 * namespace of the test's own, as in a container, and their {@code /health}, {@code /ready} and
 * {@code /metrics} answer from outside it, at the namespace's address: what a Kubernetes probe, a
 * Prometheus scrape or a published compose port does.
 *
 * <p>Kafka and dynalite stay the shared test stack's, on the host's loopback; the namespace reaches
 * them through forwarding, so that the programs inside use the very addresses the broker advertises
 * (127.0.0.1:port): a forwarder in the namespace takes 127.0.0.1:port there to the veth's outer address,
 * where the test JVM forwards it to the host's 127.0.0.1:port. Binding the infrastructure to the veth
 * instead would change the broker's listeners for this one test. Traffic stays on loopback and on the
 * test's veth pair. Needs root and {@code ip} (CI has both); skipped, saying why, elsewhere.
 */
class ContainerAddressesIT {
    private static final Duration READY = Duration.ofMinutes(4);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    @Test
    void theImagesEnvironmentAnswersProbesFromOutsideTheNetworkNamespace() throws Exception {
        Optional<String> unavailable = NetworkNamespace.unavailable();
        assumeTrue(unavailable.isEmpty(), () -> "skipped: " + unavailable.orElse(""));
        TestStack stack = TestStack.shared();
        PipelineConfig config = stack.isolatedConfig("container-addresses");
        List<Integer> ports = loopbackPorts(config);
        Map<String, String> processorImage = Dockerfile.read(DockerfileTest.IMAGES.get(0).dockerfile()).runtime().env();
        Map<String, String> apiImage = Dockerfile.read(DockerfileTest.IMAGES.get(1).dockerfile()).runtime().env();
        String token = UUID.randomUUID().toString();
        Path logs = stack.home().resolve("logs");

        try (NetworkNamespace namespace = NetworkNamespace.create();
             PortForwarder hostSide = PortForwarder.start(namespace.outsideAddress(), "127.0.0.1", ports);
             ChildProcess namespaceSide = ChildProcess.start(namespace.exec(forwarderCommand(namespace, ports)), Map.of(),
                     logs.resolve("netns-forwarder.log"))) {
            Await.until("the forwarder in the namespace listens", Duration.ofSeconds(60),
                    () -> namespaceSide.logText().contains("forwarding"));

            ComponentSpec processorSpec = stack.pipelineStack().specs().processor("processor-netns", config, 0, Map.of());
            Map<String, String> processorEnv = environment(processorSpec, processorImage);
            // The image's state volume is not here: the stack's folder for this instance, removed with the stack.
            processorEnv.put("PROCESSOR_STATE_DIR", processorSpec.env().get("PROCESSOR_STATE_DIR"));
            ComponentSpec apiSpec = stack.pipelineStack().specs().api("api-netns", config, 0, Map.of());
            Map<String, String> apiEnv = environment(apiSpec, apiImage);
            apiEnv.put("API_TOKEN", token);

            try (ChildProcess processor = ChildProcess.start(namespace.exec(processorSpec.command()), processorEnv,
                    logs.resolve("processor-netns.log"));
                 ChildProcess api = ChildProcess.start(namespace.exec(apiSpec.command()), apiEnv, logs.resolve("api-netns.log"))) {
                String processorBase = "http://" + namespace.insideAddress() + ":" + processorImage.get("PROCESSOR_HEALTH_PORT");
                String apiBase = "http://" + namespace.insideAddress() + ":" + apiImage.get("API_PORT");
                for (String path : List.of("/health", "/ready", "/metrics")) {
                    awaitOk(processorBase + path, null, processor);
                }
                awaitOk(apiBase + "/health", null, api);
                awaitOk(apiBase + "/ready", null, api);
                awaitOk(apiBase + "/metrics", token, api);
                assertEquals(401, status(apiBase + "/metrics", null), "the token still guards /metrics from outside");
                // Once they answer (`ip netns exec` joins the namespace after the fork, before the exec: not at once).
                assertNotEquals(networkNamespace(ProcessHandle.current().pid()), networkNamespace(processor.pid()),
                        "the processor runs in the test's namespace, not the host's");
                assertNotEquals(networkNamespace(ProcessHandle.current().pid()), networkNamespace(api.pid()),
                        "the API runs in the test's namespace, not the host's");
            }
        }
    }

    /** The stack's environment for this component, then the image's ENV over it (as the image's ENV is what runs). */
    private static Map<String, String> environment(ComponentSpec spec, Map<String, String> image) {
        Map<String, String> env = new HashMap<>(spec.env());
        env.putAll(image);
        return env;
    }

    private static List<String> forwarderCommand(NetworkNamespace namespace, List<Integer> ports) throws Exception {
        // The test classes alone: the forwarder uses the JDK only.
        String classes = Path.of(PortForwarder.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx32m", "-cp", classes, PortForwarder.class.getName(),
                "127.0.0.1", namespace.outsideAddress()));
        ports.forEach(port -> command.add(Integer.toString(port)));
        return command;
    }

    /** Kafka's and DynamoDB's ports, which must be on the host's loopback (the local test stack). */
    private static List<Integer> loopbackPorts(PipelineConfig config) {
        List<Integer> ports = new ArrayList<>();
        for (String server : config.kafkaBootstrapServers().split(",")) {
            URI kafka = URI.create("kafka://" + server.strip());
            assumeTrue(List.of("127.0.0.1", "localhost").contains(kafka.getHost()), "needs the local test stack's broker");
            ports.add(kafka.getPort());
        }
        URI dynamo = URI.create(config.dynamoDbEndpoint() == null ? "https://aws" : config.dynamoDbEndpoint());
        assumeTrue(List.of("127.0.0.1", "localhost").contains(dynamo.getHost()), "needs the local test stack's dynalite");
        ports.add(dynamo.getPort());
        return ports;
    }

    private void awaitOk(String url, String token, ChildProcess process) {
        Await.until(url + " answers 200 from outside the namespace", READY, () -> {
            if (!process.isAlive()) {
                throw new AssertionError(url + ": the process exited; see " + process.log());
            }
            return status(url, token) == 200;
        });
    }

    private int status(String url, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static String networkNamespace(long pid) throws IOException {
        return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "ns", "net")).toString();
    }
}
