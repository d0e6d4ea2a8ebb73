package io.agentmatch.migrator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmatch.contract.events.JsonCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;

/** JSON reports for operators (--report FILE). */
public final class Reports {
    private Reports() {
    }

    /** One input that was not (fully) processed, and why. */
    public record Entry(String file, String id, String reason) {
    }

    public static ObjectNode start(String command) {
        ObjectNode report = JsonNodeFactory.instance.objectNode();
        report.put("command", command);
        report.put("finishedAt", Instant.now().toString());
        return report;
    }

    public static ArrayNode entries(Collection<Entry> entries) {
        ArrayNode array = JsonNodeFactory.instance.arrayNode();
        for (Entry entry : entries) {
            ObjectNode node = array.addObject();
            if (entry.file() != null) {
                node.put("file", entry.file());
            }
            if (entry.id() != null) {
                node.put("id", entry.id());
            }
            node.put("reason", entry.reason());
        }
        return array;
    }

    public static void write(Path file, ObjectNode report) throws IOException {
        Path target = file.toAbsolutePath().normalize();
        if (target.getParent() != null) {
            Files.createDirectories(target.getParent());
        }
        byte[] bytes = JsonCodec.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(report);
        SafePaths.writeAtomically(target, bytes);
    }
}
