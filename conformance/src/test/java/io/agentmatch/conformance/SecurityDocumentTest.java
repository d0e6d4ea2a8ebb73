package io.agentmatch.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agentmatch.contract.config.Env;
import io.agentmatch.contract.config.PipelineConfig;
import io.agentmatch.localstack.ComponentAcls;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** docs/SECURITY.md's ACL table is exactly what the secured stack grants (ComponentAcls), row for row. */
class SecurityDocumentTest {

    @Test
    void theAclTableListsExactlyTheGrantsOfEveryComponent() throws IOException {
        List<String> granted = ComponentAcls.plan(PipelineConfig.fromEnv(new Env(Map.of()))).stream()
                .map(ComponentAcls.Grant::key).sorted().toList();
        assertEquals(granted, documented().stream().sorted().toList());
    }

    /** The first six columns of each row of the table under "## Kafka ACLs", as {@link ComponentAcls.Grant#key()}. */
    static List<String> documented() throws IOException {
        String doc = Files.readString(ConfigurationTableTest.repo().resolve("docs").resolve("SECURITY.md"));
        int start = doc.indexOf("\n## Kafka ACLs");
        int end = doc.indexOf("\n### ", start + 1);
        List<String> rows = new ArrayList<>();
        for (String line : doc.substring(start, end).split("\n")) {
            String[] cells = line.split("\\|");
            if (!line.startsWith("| ") || cells.length < 8 || cells[1].trim().equals("principal")) {
                continue;
            }
            List<String> key = new ArrayList<>();
            for (int i = 1; i <= 6; i++) {
                key.add(cells[i].trim().replace("`", ""));
            }
            rows.add(String.join("|", key));
        }
        return rows;
    }
}
