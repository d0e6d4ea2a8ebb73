package io.agentmatch.contract.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.net.httpserver.HttpServer;
import io.agentmatch.contract.config.Env;
import io.agentmatch.contract.config.PipelineConfig;
import io.agentmatch.contract.metrics.Meters;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Every DynamoDB call is measured by operation, table and error, with tag values from bounded sets
 * whatever the request names. A local HTTP server answers as DynamoDB would.
 */
class DynamoMetricsTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private HttpServer server;
    private PipelineConfig config;

    @BeforeEach
    void startFakeDynamo() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        server.createContext("/", exchange -> {
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            String operation = target.substring(target.indexOf('.') + 1);
            exchange.getRequestBody().readAllBytes();
            int status;
            String body;
            switch (operation) {
                case "GetItem" -> {
                    status = 200;
                    body = "{}";
                }
                case "PutItem" -> {
                    status = 400;
                    body = "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException\",\"message\":\"no table\"}";
                }
                case "DeleteItem" -> {
                    status = 400;
                    body = "{\"__type\":\"com.amazonaws.dynamodb.v20120810#" + "SomeNewError" + "\",\"message\":\"?\"}";
                }
                default -> {
                    status = 500;
                    body = "{\"__type\":\"com.amazonaws.dynamodb.v20120810#InternalServerError\",\"message\":\"oops\"}";
                }
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.0");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        config = PipelineConfig.fromEnv(new Env(Map.of("DYNAMODB_ENDPOINT", "http://127.0.0.1:" + server.getAddress().getPort(),
                "AWS_REGION", "us-east-1")));
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void callsAreTimedByOperationTableAndErrorCodeAndRetriesCounted() {
        try (DynamoDbClient dynamo = DynamoClients.of(config, "test", registry).sync(Duration.ofSeconds(5))) {
            var key = Map.of("id", AttributeValue.fromS("p-1"));
            dynamo.getItem(b -> b.tableName(config.profileTable()).key(key));
            assertThrows(AwsServiceException.class, () -> dynamo.putItem(b -> b.tableName(config.conversationTable()).item(key)));
            assertThrows(AwsServiceException.class, () -> dynamo.deleteItem(b -> b.tableName(config.profileTable()).key(key)));
            assertThrows(AwsServiceException.class, () -> dynamo.describeTable(b -> b.tableName("someone-elses-table")));
            assertThrows(AwsServiceException.class, () -> dynamo.listTables());
        }
        assertEquals(1, calls("GetItem", config.profileTable(), "success", "none").count());
        assertEquals(1, calls("PutItem", config.conversationTable(), "error", "ResourceNotFoundException").count());
        assertEquals(1, calls("DeleteItem", config.profileTable(), "error", "OtherServiceError").count(),
                "an error code outside the known set is not a tag value of its own");
        assertEquals(1, calls("DescribeTable", "other", "error", "InternalServerError").count(),
                "a table that is not the configuration's is not a tag value of its own");
        assertEquals(1, calls("ListTables", "none", "error", "InternalServerError").count());
        // A 500 is retried: the standard mode's 3 attempts, 2 of them retries.
        assertEquals(2.0, registry.get(DynamoMetrics.RETRIES).tags("operation", "DescribeTable", "table", "other").counter().count());
        assertEquals(0.0, registry.get(DynamoMetrics.RETRIES).tags("operation", "GetItem").counter().count(),
                "no retry: the series exists at 0 (Prometheus' increase() needs it before the first retry)");
        assertEquals(Meters.LATENCY_BUCKETS.size(), calls("GetItem", config.profileTable(), "success", "none")
                .takeSnapshot().histogramCounts().length, "latency buckets, for Prometheus histograms");
    }

    @Test
    void anUnreachableEndpointIsAClientError() {
        PipelineConfig nowhere = config.withDynamoDb("http://127.0.0.1:9");
        try (DynamoDbClient dynamo = DynamoClients.of(nowhere, "test", registry).sync(Duration.ofSeconds(5))) {
            assertThrows(SdkClientException.class, () -> dynamo.listTables());
        }
        assertNotNull(registry.find(DynamoMetrics.CALLS).tags("operation", "ListTables", "table", "none", "outcome", "error",
                "error", "ClientError").timer());
    }

    private Timer calls(String operation, String table, String outcome, String error) {
        return registry.get(DynamoMetrics.CALLS).tags("operation", operation, "table", table, "outcome", outcome, "error", error)
                .timer();
    }
}
