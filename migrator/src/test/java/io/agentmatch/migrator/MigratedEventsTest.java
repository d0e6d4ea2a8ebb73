package io.agentmatch.migrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentmatch.contract.Limits;
import io.agentmatch.contract.events.EventEnvelope;
import io.agentmatch.contract.events.EventSchemas;
import io.agentmatch.contract.events.EventSerde;
import io.agentmatch.contract.events.EventType;
import io.agentmatch.contract.events.EventVersions;
import io.agentmatch.contract.events.JsonCodec;
import io.agentmatch.migrator.LegacyFiles.Valid;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the migrator publishes is what docs/schemas publishes: every valid legacy file's event meets its schema. */
class MigratedEventsTest {
    private static final String ID = "7499318d-14ca-495b-8eb5-f662eab8e54e";

    @TempDir
    Path dir;

    private static Optional<String> schemaFailure(Valid valid) throws IOException {
        EventEnvelope event = MigrateCommand.importEvent(valid.record());
        assertEquals(EventType.PROFILE_IMPORTED, event.type());
        byte[] bytes = new EventSerde().serializer().serialize("agent-profile-events", event);
        return EventSchemas.get().check(JsonCodec.readTree(bytes), event.type(), EventVersions.currentMajor(event.type()));
    }

    @Test
    void everyValidSampleFileBecomesAnEventTheSchemaAccepts() throws IOException {
        SampleData.assumePresent();
        int read = 0;
        try (DirectoryStream<Path> entries = LegacyFiles.list(SampleData.DIR)) {
            for (Path path : entries) {
                if (LegacyFiles.check(path) instanceof Valid valid) {
                    assertEquals(Optional.empty(), schemaFailure(valid), path.toString());
                    read++;
                }
            }
        }
        assertEquals(SampleData.validIds().size(), read);
    }

    @Test
    void aFileAtTheLimitsWithExtraFieldsBecomesAnEventTheSchemaAccepts() throws IOException {
        String deep = "{\"a\":".repeat(Limits.MAX_DATA_DEPTH - 1) + "{}" + "}".repeat(Limits.MAX_DATA_DEPTH - 1);
        String data = "{\"name\": \"\\u00e9l\\u00e8ne\", \"averagePrice\": 1E+100, \"tags\": [], \"location\": [\"Paris\"],"
                + " \"rating\": 4.8, \"nested\": " + deep.substring(5, deep.length() - 1) + ", \"none\": null}";
        Path file = dir.resolve(ID + ".json");
        Files.writeString(file, "{\"id\": \"" + ID + "\", \"timestamp\": \"2024-05-05T10:00:00.123456\", \"data\": " + data + "}");
        assertTrue(LegacyFiles.check(file) instanceof Valid, () -> LegacyFiles.check(file).toString());
        assertEquals(Optional.empty(), schemaFailure((Valid) LegacyFiles.check(file)));
    }
}
