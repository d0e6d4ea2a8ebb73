package io.agentmatch.migrator;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentmatch.contract.events.JsonCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/** The shared sample legacy folder (306 valid profiles, 6 broken files, a README) and its manifest. */
final class SampleData {
    static final Path DIR = Path.of(System.getProperty("sample.dir",
            System.getenv().getOrDefault("SAMPLE_DIR", "/work/shared/data/json_storage")));
    static final Path MANIFEST = DIR.resolveSibling(DIR.getFileName() + ".manifest.json");

    private SampleData() {
    }

    static void assumePresent() {
        Assumptions.assumeTrue(Files.isDirectory(DIR) && Files.isRegularFile(MANIFEST), "sample folder " + DIR + " not present");
    }

    static JsonNode manifest() throws IOException {
        return JsonCodec.readTree(Files.readAllBytes(MANIFEST));
    }

    static Set<String> validIds() throws IOException {
        Set<String> ids = new HashSet<>();
        manifest().get("valid").forEach(n -> ids.add(n.asText()));
        return ids;
    }

    static Path copyTo(Path target) throws IOException {
        Files.createDirectories(target);
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path file : files.toList()) {
                Files.copy(file, target.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                target.resolve(file.getFileName()).toFile().setWritable(true);
            }
        }
        return target;
    }
}
