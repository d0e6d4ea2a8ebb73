package io.agentmatch.migrator;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmatch.contract.events.JsonCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * JSON reports for operators (--report FILE): each command's result record, written by Jackson after
 * {@code command} and {@code finishedAt}; absent values (null) are left out.
 */
public final class Reports {
    private Reports() {
    }

    /** One input that was not (fully) processed, and why. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Entry(String file, String id, String reason) {
    }

    /** Writes {@code result} (a command's result record) as the report of {@code command}, atomically. */
    public static void write(Path file, String command, Object result) throws IOException {
        ObjectNode report = JsonNodeFactory.instance.objectNode();
        report.put("command", command);
        report.put("finishedAt", Instant.now().toString());
        ObjectNode fields = JsonCodec.MAPPER.copy().setSerializationInclusion(JsonInclude.Include.NON_NULL).valueToTree(result);
        report.setAll(fields);
        Path target = file.toAbsolutePath().normalize();
        if (target.getParent() != null) {
            Files.createDirectories(target.getParent());
        }
        byte[] bytes = JsonCodec.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(report);
        SafePaths.writeAtomically(target, bytes);
    }
}
