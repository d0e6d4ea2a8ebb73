package io.agentmatch.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * One Kafka client layer (contract's {@code io.agentmatch.contract.kafka}): it alone turns the configuration
 * (KAFKA_CONFIG_FILE, KAFKA_* variables, secrets masked) into client properties. A component that built its
 * own producer, consumer, admin client or Properties would silently drop a user's security settings, so the
 * pipeline would reach a secured cluster everywhere but there.
 */
class OneKafkaClientLayerTest {
    private static final Path LAYER = Path.of("contract", "src", "main", "java", "io", "agentmatch", "contract", "kafka");
    private static final Pattern OWN_CLIENT = Pattern.compile(
            "new\\s+Kafka(Producer|Consumer)\\s*<|\\bAdmin(Client)?\\.create\\s*\\(");
    private static final Pattern OWN_PROPERTIES = Pattern.compile("new\\s+Properties\\s*\\(");

    @Test
    void noMainSourceOutsideTheLayerBuildsAKafkaClientOrItsProperties() throws IOException {
        Path repo = ConfigurationTableTest.repo();
        List<Path> sources;
        try (Stream<Path> files = Files.walk(repo)) {
            sources = files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> repo.relativize(p).toString().contains("src" + java.io.File.separator + "main"))
                    .filter(p -> !repo.relativize(p).toString().contains("target"))
                    .toList();
        }
        assertTrue(sources.size() > 100, "the main sources were found: " + sources.size());
        List<String> offenders = sources.stream()
                .filter(p -> !repo.relativize(p).startsWith(LAYER))
                .filter(p -> {
                    String text = read(p);
                    return OWN_CLIENT.matcher(text).find()
                            || (text.contains("import org.apache.kafka") && OWN_PROPERTIES.matcher(text).find());
                })
                .map(p -> repo.relativize(p).toString())
                .toList();
        assertEquals(List.of(), offenders, "main sources that build Kafka clients or their Properties outside KafkaClients");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
