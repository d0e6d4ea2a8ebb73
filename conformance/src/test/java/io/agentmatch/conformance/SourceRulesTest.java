package io.agentmatch.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Rules of the architecture that the compiler cannot hold, checked on the sources as text. */
class SourceRulesTest {
    private static final Path REPO = ConfigurationTableTest.repo();

    /**
     * One Kafka client layer (contract's {@code io.agentmatch.contract.kafka}): it alone turns the configuration
     * (KAFKA_CONFIG_FILE, KAFKA_* variables, secrets masked) into client properties. A component that built its
     * own producer, consumer, admin client or Properties would silently drop a user's security settings, so the
     * pipeline would reach a secured cluster everywhere but there.
     */
    @Test
    void noMainSourceOutsideTheKafkaLayerBuildsAKafkaClientOrItsProperties() throws IOException {
        Path layer = Path.of("contract", "src", "main", "java", "io", "agentmatch", "contract", "kafka");
        Pattern ownClient = Pattern.compile("new\\s+Kafka(Producer|Consumer)\\s*<|\\bAdmin(Client)?\\.create\\s*\\(");
        Pattern ownProperties = Pattern.compile("new\\s+Properties\\s*\\(");
        List<String> offenders = offenders(p -> p.toString().contains("src" + File.separator + "main") && !p.startsWith(layer),
                text -> ownClient.matcher(text).find() || (text.contains("import org.apache.kafka") && ownProperties.matcher(text).find()));
        assertEquals(List.of(), offenders, "main sources that build Kafka clients or their Properties outside KafkaClients");
    }

    /**
     * Chaos runs the api, the processor and the migrator as programs, the way an operator does, never as
     * libraries: a fault found through their internals would not be one a user can meet. chaos/pom.xml
     * declares their jars only so that {@code -pl chaos -am} builds them, but Maven has no scope that orders
     * a build without putting the jar on the compile classpath: this rule holds the line.
     */
    @Test
    void noChaosSourceUsesTheComponentsCode() throws IOException {
        Pattern componentCode = Pattern.compile("io\\.agentmatch\\.(api|processor|migrator)\\b");
        List<String> offenders = offenders(p -> p.startsWith("chaos"), text -> componentCode.matcher(text).find());
        assertEquals(List.of(), offenders, "chaos sources that use a component's classes instead of running it");
    }

    /** The repository's Java sources (relative paths) that {@code where} selects and whose text breaks the rule. */
    private static List<String> offenders(Predicate<Path> where, Predicate<String> breaks) throws IOException {
        // Only the modules' src trees: not the build outputs, node_modules or the stacks' data beside them.
        List<Path> sources = new ArrayList<>();
        try (Stream<Path> modules = Files.list(REPO)) {
            for (Path src : modules.map(m -> m.resolve("src")).filter(Files::isDirectory).toList()) {
                try (Stream<Path> files = Files.walk(src)) {
                    files.filter(p -> p.toString().endsWith(".java")).map(REPO::relativize).filter(where).forEach(sources::add);
                }
            }
        }
        assertTrue(sources.size() > 10, "the sources were found: " + sources.size());
        return sources.stream().filter(p -> breaks.test(read(REPO.resolve(p)))).map(Path::toString).toList();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
