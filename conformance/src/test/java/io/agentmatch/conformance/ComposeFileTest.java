package io.agentmatch.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.agentmatch.api.ApiConfig;
import io.agentmatch.contract.config.Env;
import io.agentmatch.contract.config.Setting;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code docker-compose.yml} against the code and the images: the services build from the
 * repository's Dockerfiles, listen on every interface inside their containers, publish on 127.0.0.1
 * unless the operator opens them, take API_TOKEN from a git-ignored env file, and get the stop time
 * their shutdown needs.
 */
class ComposeFileTest {
    /** A published port: {@code address:host:container}, the address 127.0.0.1 unless the operator sets another. */
    private static final Pattern PUBLISHED = Pattern.compile("(127\\.0\\.0\\.1|\\$\\{AGENTMATCH_PUBLISH_ADDRESS:-127\\.0\\.0\\.1}):(\\d+):(\\d+)");
    private static JsonNode services;

    @BeforeAll
    static void read() throws IOException {
        services = new YAMLMapper().readTree(ConfigurationTableTest.repo().resolve("docker-compose.yml").toFile()).path("services");
    }

    @Test
    void everyPublishedPortListensOnLoopbackUnlessTheOperatorOpensIt() {
        services.properties().forEach(service -> service.getValue().path("ports").forEach(port ->
                assertTrue(PUBLISHED.matcher(port.asText()).matches(), service.getKey() + " publishes " + port.asText()
                        + " on every interface; publish on 127.0.0.1 (or ${AGENTMATCH_PUBLISH_ADDRESS:-127.0.0.1})")));
    }

    @Test
    void ourServicesBuildTheirImageAndListenOnEveryInterfaceOnThePortTheyPublish() {
        for (DockerfileTest.Image image : DockerfileTest.IMAGES) {
            JsonNode service = service(image);
            assertEquals(".", service.path("build").path("context").asText());
            Map<String, String> env = environment(service);
            Map<String, Setting<?>> declared = image.settings().settings().stream()
                    .collect(Collectors.toMap(Setting::name, s -> s, (a, b) -> a));
            env.forEach((name, value) -> {
                Setting<?> setting = declared.get(name);
                assertTrue(setting != null || ExternalVariables.isExternal(name), image.module() + " sets " + name
                        + ": no setting of " + image.settings().component());
                if (setting != null) {
                    setting.read(new Env(Map.of(name, value)));
                }
            });
            assertEquals("0.0.0.0", image.host().read(new Env(env)), image.module() + ": " + image.host().name());
            int port = image.port().read(new Env(env));
            assertEquals(1, service.path("ports").size(), image.module());
            Matcher published = PUBLISHED.matcher(service.path("ports").get(0).asText());
            assertTrue(published.matches());
            assertEquals(port, Integer.parseInt(published.group(3)), image.module() + ": publishes the port it listens on");
            assertFalse(service.path("mem_limit").isMissingNode(), image.module() + ": a memory limit (docs/DEPLOY.md)");
        }
    }

    @Test
    void theApiTokenComesFromAGitIgnoredEnvFileWithACommittedExample() throws Exception {
        JsonNode api = service(DockerfileTest.IMAGES.get(1));
        assertFalse(environment(api).containsKey(ApiConfig.API_TOKEN.name()), "no token in docker-compose.yml");
        JsonNode envFile = api.path("env_file").get(0);
        String path = envFile.path("path").asText();
        assertFalse(envFile.path("required").asBoolean(true), "a fresh clone has no env file: optional");
        Path repo = ConfigurationTableTest.repo();
        assertTrue(ignoredByGit(repo, path), path + " holds the token: git must ignore it");
        Path example = repo.resolve(path + ".example");
        assertTrue(Files.isRegularFile(example), "the committed template " + example);
        assertFalse(ignoredByGit(repo, path + ".example"));
        assertTrue(Files.readString(example).contains(ApiConfig.API_TOKEN.name() + "="), example.toString());
    }

    @Test
    void stopGracePeriodsCoverTheShutdownBounds() {
        Map<String, Duration> bounds = Map.of("processor", ShutdownBounds.PROCESSOR, "ingest-api", ShutdownBounds.API);
        for (DockerfileTest.Image image : DockerfileTest.IMAGES) {
            String grace = service(image).path("stop_grace_period").asText("10s");
            assertTrue(grace.matches("\\d+s"), grace);
            long seconds = Long.parseLong(grace.substring(0, grace.length() - 1));
            assertTrue(seconds >= bounds.get(image.module()).toSeconds(), image.module() + ": stop_grace_period " + grace);
        }
    }

    private static JsonNode service(DockerfileTest.Image image) {
        for (var service : services.properties()) {
            if (service.getValue().path("build").path("dockerfile").asText().equals(image.module() + "/Dockerfile")) {
                return service.getValue();
            }
        }
        throw new AssertionError("no service builds " + image.module() + "/Dockerfile");
    }

    private static Map<String, String> environment(JsonNode service) {
        Map<String, String> env = new LinkedHashMap<>();
        service.path("environment").properties().forEach(e -> {
            assertFalse(e.getKey().equals("<<"), "YAML merge keys: spell the environment out (tools read it literally)");
            env.put(e.getKey(), e.getValue().asText());
        });
        return env;
    }

    private static boolean ignoredByGit(Path repo, String path) throws Exception {
        Process git = new ProcessBuilder("git", "check-ignore", "-q", path).directory(repo.toFile()).start();
        assertTrue(git.waitFor(30, TimeUnit.SECONDS));
        return git.exitValue() == 0;
    }
}
