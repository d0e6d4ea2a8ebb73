package io.agentmatch.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Chaos runs the api, the processor and the migrator as programs, the way an operator does, never as
 * libraries: a fault found through their internals would not be one a user can meet. Their jars are
 * dependencies of this module only so that {@code -pl chaos -am} builds them; Maven has no scope that
 * orders a build without putting the jar on the compile classpath, so this test holds the line.
 */
class ComponentsAsProgramsTest {
    private static final Pattern COMPONENT_CODE = Pattern.compile("io\\.agentmatch\\.(api|processor|migrator)\\b");

    @Test
    void noChaosSourceReferencesTheComponentsCode() throws IOException {
        List<Path> sources;
        try (Stream<Path> files = Files.walk(Path.of("src"))) {
            sources = files.filter(p -> p.toString().endsWith(".java")).toList();
        }
        assertTrue(sources.size() > 10, "the chaos sources were found: " + sources.size());
        List<String> offenders = sources.stream()
                .filter(p -> !p.endsWith("ComponentsAsProgramsTest.java"))
                .filter(p -> COMPONENT_CODE.matcher(read(p)).find())
                .map(Path::toString)
                .toList();
        assertEquals(List.of(), offenders, "chaos sources that use a component's classes instead of running it");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
