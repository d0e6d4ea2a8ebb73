package io.agentmatch.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentmatch.api.ApiConfig;
import io.agentmatch.api.IngestApiMain;
import io.agentmatch.contract.config.Env;
import io.agentmatch.contract.config.Setting;
import io.agentmatch.contract.config.SettingsCatalog;
import io.agentmatch.processor.ProcessorMain;
import io.agentmatch.processor.ProcessorSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The images' Dockerfiles against the code: each builds its module from the repository in a Maven
 * stage and copies the jar that build produces; it runs as a numeric non-root user, listens on all
 * interfaces, and sets only settings its component declares (or documented external variables),
 * with values they accept. {@code ImageBuildIT} runs the build stage's command on the build context.
 */
class DockerfileTest {
    /** Each image: its module, the component's settings, the address setting and the port setting. */
    record Image(String module, SettingsCatalog settings, Setting<String> host, Setting<Integer> port) {
        Path dockerfile() {
            return ConfigurationTableTest.repo().resolve(module).resolve("Dockerfile");
        }
    }

    static final List<Image> IMAGES = List.of(
            new Image("processor", ProcessorMain.SETTINGS, ProcessorSettings.PROCESSOR_HEALTH_HOST, ProcessorSettings.PROCESSOR_HEALTH_PORT),
            new Image("ingest-api", IngestApiMain.SETTINGS, ApiConfig.API_HOST, ApiConfig.API_PORT));

    static final Pattern MVN = Pattern.compile("^mvn (.*)\\bpackage$");

    @Test
    void everyDockerfileInTheRepositoryIsOneOfTheImages() throws IOException {
        Path repo = ConfigurationTableTest.repo();
        Set<String> found;
        try (var dirs = Files.list(repo)) {
            found = dirs.filter(d -> Files.isRegularFile(d.resolve("Dockerfile"))).map(d -> d.getFileName().toString())
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(IMAGES.stream().map(Image::module).collect(Collectors.toCollection(TreeSet::new)), found);
    }

    @Test
    void aMavenStageBuildsTheModuleAndTheImageCopiesTheJarItProduces() throws IOException {
        String version = projectVersion();
        for (Image image : IMAGES) {
            Dockerfile file = Dockerfile.read(image.dockerfile());
            assertEquals(2, file.stages().size(), image.module() + ": a build stage and the image");
            Dockerfile.Stage build = file.stage("build");
            assertTrue(build.image().startsWith("maven:") && build.image().contains("-17"), build.image());
            assertEquals(List.of(". ."), build.arguments("COPY"), image.module() + ": the whole context, as a fresh clone has it");
            String workdir = build.last("WORKDIR");
            List<String> runs = build.runs();
            assertEquals(1, runs.size(), image.module() + ": one RUN, the Maven build");
            Matcher mvn = MVN.matcher(runs.get(0));
            assertTrue(mvn.matches(), runs.get(0));
            assertTrue(runs.get(0).contains("-pl " + image.module() + " -am "), "builds its module and what it needs: " + runs.get(0));

            Dockerfile.Stage runtime = file.runtime();
            assertEquals("eclipse-temurin:17-jre", runtime.image());
            List<Dockerfile.Copy> copies = runtime.copies();
            assertEquals(1, copies.size(), image.module() + ": the jar only");
            Dockerfile.Copy jar = copies.get(0);
            assertEquals("build", jar.from());
            assertEquals(List.of(workdir + "/" + image.module() + "/target/" + image.module() + "-" + version + "-all.jar"),
                    jar.sources(), "the shaded jar of this version (the shade plugin's 'all' classifier)");
            String entrypoint = runtime.last("ENTRYPOINT");
            assertEquals("[\"java\", \"-jar\", \"" + jar.destination() + "\"]", entrypoint);
        }
    }

    @Test
    void theImagesRunAsANumericNonRootUser() throws IOException {
        for (Image image : IMAGES) {
            String user = Dockerfile.read(image.dockerfile()).runtime().last("USER");
            assertNotNull(user, image.module() + " sets no USER");
            // Numeric, so that Kubernetes' runAsNonRoot can verify it.
            assertTrue(user.matches("[0-9]+(:[0-9]+)?") && uid(user) > 0, image.module() + ": USER " + user);
        }
    }

    @Test
    void theImagesListenOnEveryInterfaceAndExposeTheirPort() throws IOException {
        for (Image image : IMAGES) {
            Dockerfile.Stage runtime = Dockerfile.read(image.dockerfile()).runtime();
            Env env = new Env(runtime.env());
            assertEquals("0.0.0.0", image.host().read(env), image.module() + ": " + image.host().name());
            int port = image.port().read(env);
            assertEquals(String.valueOf(port), runtime.last("EXPOSE"), image.module());
            String healthcheck = runtime.last("HEALTHCHECK");
            assertTrue(healthcheck.contains("http://127.0.0.1:${" + image.port().name() + "}/"), healthcheck);
        }
    }

    @Test
    void theImagesSetOnlyDeclaredSettingsWithValuesTheyAccept() throws IOException {
        for (Image image : IMAGES) {
            Map<String, String> env = Dockerfile.read(image.dockerfile()).runtime().env();
            Map<String, Setting<?>> declared = image.settings().settings().stream()
                    .collect(Collectors.toMap(Setting::name, s -> s, (a, b) -> a));
            for (var variable : env.entrySet()) {
                Setting<?> setting = declared.get(variable.getKey());
                if (setting == null) {
                    assertTrue(ExternalVariables.isExternal(variable.getKey()), image.module() + " sets " + variable.getKey()
                            + ", which its component does not declare (nor is it a documented external variable)");
                } else {
                    setting.read(new Env(Map.of(variable.getKey(), variable.getValue())));
                }
            }
            image.settings().validate(new Env(env));
            String jvm = env.get("JAVA_TOOL_OPTIONS");
            assertTrue(jvm.contains("-XX:MaxRAMPercentage=") && jvm.contains("-XX:+ExitOnOutOfMemoryError"), jvm);
            // The processor runs C1 only, as the local stack does (BENCHMARKS.md, "Where the processor's CPU goes").
            assertEquals(image.module().equals("processor"), jvm.contains("-XX:TieredStopAtLevel=1"), image.module() + ": " + jvm);
        }
    }

    @Test
    void theBuildContextIsTheSourcesWithoutBuildOutputsOrSecrets() throws IOException {
        Path repo = ConfigurationTableTest.repo();
        List<String> context = BuildContext.files(repo);
        assertTrue(context.contains("pom.xml"));
        for (String module : modules(repo)) {
            assertTrue(context.contains(module + "/pom.xml"), module + "/pom.xml is left out of the build context");
            assertTrue(context.stream().anyMatch(f -> f.startsWith(module + "/src/")), module + "/src is left out");
        }
        List<String> unwanted = context.stream().filter(f -> f.contains("/target/") || f.startsWith("target/")
                || f.startsWith(".git/") || f.contains("node_modules/") || f.startsWith(".pipeline") || f.endsWith(".env")
                || f.equals(".mvn/maven.config")).toList();
        assertEquals(List.of(), unwanted);
        DockerIgnore ignore = DockerIgnore.read(repo.resolve(".dockerignore"));
        assertTrue(ignore.excludes("processor/target/processor-1.0.0-SNAPSHOT-all.jar"), "built jars come from the build stage");
        assertTrue(ignore.excludes("deploy/compose/api.env"), "the compose env file holds API_TOKEN");
        assertFalse(ignore.excludes("deploy/compose/api.env.example"));
    }

    /** The user id of a {@code USER uid[:gid]}. */
    static int uid(String user) {
        return Integer.parseInt(user.split(":")[0]);
    }

    static List<String> modules(Path repo) throws IOException {
        String pom = Files.readString(repo.resolve("pom.xml"));
        Matcher m = Pattern.compile("<module>([^<]+)</module>").matcher(pom);
        List<String> modules = new java.util.ArrayList<>();
        while (m.find()) {
            modules.add(m.group(1));
        }
        return modules;
    }

    static String projectVersion() throws IOException {
        String pom = Files.readString(ConfigurationTableTest.repo().resolve("pom.xml"));
        Matcher m = Pattern.compile("<artifactId>agentmatch-parent</artifactId>\\s*<version>([^<]+)</version>").matcher(pom);
        assertTrue(m.find(), "the parent pom's version");
        return m.group(1);
    }
}
