package io.agentmatch.contract.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agentmatch.contract.config.Env;
import io.agentmatch.contract.config.PipelineConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ListTablesRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

class OperationLogTest {
    private final PipelineConfig config = PipelineConfig.fromEnv(new Env(Map.of())).isolated("ns-1");
    private final OperationLog log = new OperationLog(java.nio.file.Path.of("unused"), "api", config);

    @Test
    void tablesAreNamedByTheirDefaultNamesIndexesByTableAndIndex() {
        assertEquals(List.of("agent-profiles/index/job-index"),
                log.resources(QueryRequest.builder().tableName("ns-1-agent-profiles").indexName("job-index").build()));
        assertEquals(List.of("agent-conversations"), log.resources(ScanRequest.builder().tableName("ns-1-agent-conversations").build()));
        assertEquals(List.of("someone-elses-table"), log.resources(ScanRequest.builder().tableName("someone-elses-table").build()),
                "a table the component has no business with keeps its name");
    }

    @Test
    void batchesNameEveryTableAndAccountLevelCallsAStar() {
        var batch = BatchWriteItemRequest.builder().requestItems(Map.of("ns-1-agent-profiles", List.of(),
                "ns-1-agent-conversations", List.of())).build();
        assertEquals(List.of("agent-conversations", "agent-profiles"), log.resources(batch).stream().sorted().toList());
        assertEquals(List.of("*"), log.resources(ListTablesRequest.builder().build()));
    }
}
