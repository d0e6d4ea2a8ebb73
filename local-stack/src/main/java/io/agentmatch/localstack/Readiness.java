package io.agentmatch.localstack;

import io.agentmatch.contract.config.PipelineConfig;
import io.agentmatch.contract.kafka.KafkaClients;
import io.agentmatch.contract.kafka.KafkaConnection;
import io.agentmatch.contract.storage.DynamoClients;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/** One-shot readiness checks; callers poll them until a deadline. Each answers within a few seconds. */
public final class Readiness {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private Readiness() {
    }

    /** Something accepts TCP connections on host:port. */
    public static boolean listening(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** An Admin client can describe the cluster (a broker is up) and list topics. */
    public static boolean kafka(KafkaConnection connection) {
        String first = connection.bootstrapServers().split(",")[0].trim();
        int colon = first.lastIndexOf(':');
        if (colon > 0 && !listening(first.substring(0, colon), Integer.parseInt(first.substring(colon + 1)))) {
            return false;
        }
        try (Admin admin = admin(connection, 3000)) {
            boolean hasBroker = !admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty();
            admin.listTopics().names().get(3, TimeUnit.SECONDS);
            return hasBroker;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return false;
        }
    }

    /** DynamoDB (dynalite, LocalStack or AWS) answers {@code ListTables}. */
    public static boolean dynamo(PipelineConfig config) {
        if (config.dynamoDbEndpoint() != null) {
            URI uri = URI.create(config.dynamoDbEndpoint());
            int port = uri.getPort() > 0 ? uri.getPort() : ("https".equals(uri.getScheme()) ? 443 : 80);
            if (!listening(uri.getHost(), port)) {
                return false;
            }
        }
        try (var client = DynamoClients.sync(config, Duration.ofSeconds(3))) {
            client.listTables(b -> b.limit(1));
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** GET url answers 200. */
    public static boolean http200(String url) {
        try {
            HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2))
                    .GET().build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** An Admin client of the local stack's tools, failing within a few multiples of {@code requestTimeoutMs}. */
    public static Admin admin(KafkaConnection connection, int requestTimeoutMs) {
        return KafkaClients.of(connection, "local-stack").admin("admin")
                .tune(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, requestTimeoutMs)
                .tune(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Math.max(requestTimeoutMs, 3000) * 2)
                .tune(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500)
                .newAdmin();
    }
}
