package io.agentmatch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentmatch.api.fakes.TestApi;
import io.agentmatch.api.http.OpsRoutes;
import io.agentmatch.contract.events.JsonCodec;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** openapi.json documents exactly the route table: every route, its methods and its status codes. */
class OpenApiTest {

    @Test
    void theDescriptionAndTheRouteTableCannotDrift() throws Exception {
        Map<String, Set<Integer>> served = new TreeMap<>();
        try (TestApi api = new TestApi(Map.of(), "token")) {
            for (IngestApi.Route route : api.api.routes()) {
                served.put(route.method().name().toLowerCase() + " " + route.path(), new TreeSet<>(route.statuses()));
            }
        }
        Map<String, Set<Integer>> documented = new TreeMap<>();
        JsonNode paths = JsonCodec.readTree(OpsRoutes.openApiDocument()).get("paths");
        for (Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext(); ) {
            var path = it.next();
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
                var operation = ops.next();
                Set<Integer> statuses = new TreeSet<>();
                operation.getValue().get("responses").fieldNames().forEachRemaining(code -> {
                    if (!code.equals("default")) {
                        statuses.add(Integer.parseInt(code));
                    }
                });
                documented.put(operation.getKey() + " " + path.getKey(), statuses);
            }
        }
        assertEquals(served, documented, "routes served (with auth on) vs documented in openapi.json");
    }
}
