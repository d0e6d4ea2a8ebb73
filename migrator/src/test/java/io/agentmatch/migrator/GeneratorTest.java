package io.agentmatch.migrator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentmatch.contract.events.JsonCodec;
import io.agentmatch.contract.events.ProfileRecord;
import io.agentmatch.contract.events.Timestamps;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GeneratorTest {
    @TempDir
    Path dir;

    @Test
    void writesCountValidFilesInTheLegacyFormat() throws IOException {
        assertEquals(0, MigratorMain.run("generate", "--out", dir.toString(), "--count", "500", "--seed", "7"));
        Set<String> jobs = new HashSet<>();
        int files = 0;
        try (DirectoryStream<Path> entries = LegacyFiles.list(dir)) {
            for (Path path : entries) {
                files++;
                LegacyFiles.Valid valid = assertInstanceOf(LegacyFiles.Valid.class, LegacyFiles.check(path), path.toString());
                ProfileRecord record = valid.record();
                assertEquals(4, UUID.fromString(record.id()).version());
                assertEquals(record.timestamp(), LocalDateTime.parse(record.timestamp()).format(Timestamps.FORMAT));
                assertEquals(26, record.timestamp().length());
                jobs.add(record.data().get("job").asText());
                byte[] bytes = Files.readAllBytes(path);
                assertArrayEquals(bytes, PythonJson.toBytes(JsonCodec.readTree(bytes)), "pretty-printed like the sample");
            }
        }
        assertEquals(500, files);
        assertTrue(jobs.size() > 22, "the sample's 22 jobs and more: " + jobs.size());
    }

    @Test
    void deterministicForASeed() {
        ProfileGenerator a = new ProfileGenerator(42);
        ProfileGenerator b = new ProfileGenerator(42);
        ProfileGenerator c = new ProfileGenerator(43);
        for (int i = 0; i < 1000; i++) {
            ProfileRecord x = a.next();
            assertArrayEquals(PythonJson.toBytes(x.toJson()), PythonJson.toBytes(b.next().toJson()));
            assertNotEquals(x.id(), c.next().id());
        }
    }

    @Test
    void coversTheSampleJobs() throws IOException {
        SampleData.assumePresent();
        Set<String> generated = new HashSet<>();
        ProfileGenerator.JOBS.forEach(j -> generated.add(j.title()));
        for (String id : SampleData.validIds()) {
            String job = JsonCodec.readTree(Files.readAllBytes(SampleData.DIR.resolve(id + ".json"))).path("data").path("job").asText();
            assertTrue(generated.contains(job), job);
        }
    }
}
