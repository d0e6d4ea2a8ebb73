package io.agentmatch.contract.storage;

import io.agentmatch.contract.config.PipelineConfig;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Builds DynamoDB clients for real AWS or for a local endpoint (dynalite), with bounded timeouts
 * so that a dead endpoint is an error within seconds, not a hung request.
 */
public final class DynamoClients {
    private DynamoClients() {
    }

    /** For request paths (the API): fail fast, a few retries, answer the client within seconds. */
    public static DynamoDbClient sync(PipelineConfig config, Duration callTimeout) {
        var builder = DynamoDbClient.builder()
                .region(Region.of(config.awsRegion()))
                .credentialsProvider(credentials(config))
                .httpClientBuilder(ApacheHttpClient.builder()
                        .maxConnections(64)
                        .connectionTimeout(Duration.ofSeconds(1))
                        .socketTimeout(callTimeout))
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .apiCallTimeout(callTimeout)
                        .retryStrategy(RetryMode.STANDARD)
                        .build());
        if (config.dynamoDbEndpoint() != null) {
            builder.endpointOverride(URI.create(config.dynamoDbEndpoint()));
        }
        return builder.build();
    }

    /** For the processor: many writes in flight, retries left to the caller (which never gives up). */
    public static DynamoDbAsyncClient async(PipelineConfig config, Duration callTimeout, int maxConcurrency) {
        var builder = DynamoDbAsyncClient.builder()
                .region(Region.of(config.awsRegion()))
                .credentialsProvider(credentials(config))
                .httpClientBuilder(NettyNioAsyncHttpClient.builder()
                        .maxConcurrency(maxConcurrency)
                        .connectionTimeout(Duration.ofSeconds(1))
                        .readTimeout(callTimeout)
                        .writeTimeout(callTimeout))
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .apiCallTimeout(callTimeout)
                        .retryStrategy(RetryMode.STANDARD)
                        .build());
        if (config.dynamoDbEndpoint() != null) {
            builder.endpointOverride(URI.create(config.dynamoDbEndpoint()));
        }
        return builder.build();
    }

    private static AwsCredentialsProvider credentials(PipelineConfig config) {
        boolean local = config.dynamoDbEndpoint() != null;
        boolean hasKeys = System.getenv("AWS_ACCESS_KEY_ID") != null;
        // A local endpoint accepts any credentials; real AWS uses the default chain.
        return local && !hasKeys
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"))
                : DefaultCredentialsProvider.builder().build();
    }
}
