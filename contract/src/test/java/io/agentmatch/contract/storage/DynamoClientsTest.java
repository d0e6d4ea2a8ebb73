package io.agentmatch.contract.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentmatch.contract.config.Env;
import io.agentmatch.contract.config.PipelineConfig;
import io.agentmatch.contract.storage.DynamoClients.RegionSource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.AdaptiveRetryStrategy;
import software.amazon.awssdk.retries.StandardRetryStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Region, credentials and retries of the DynamoDB clients: the SDK's resolution, never a hard-coded choice. */
class DynamoClientsTest {
    private static final PipelineConfig LOCAL = PipelineConfig.fromEnv(new Env(Map.of("DYNAMODB_ENDPOINT", "http://127.0.0.1:9")));
    private static final PipelineConfig AWS = PipelineConfig.fromEnv(new Env(Map.of()));

    private static RegionSource answers(String name, String region) {
        return new RegionSource(name, () -> Region.of(region));
    }

    private static RegionSource fails(String name) {
        return new RegionSource(name, () -> {
            throw SdkClientException.create(name + " has no region");
        });
    }

    @Test
    void awsDefaultRegionCountsWhenAwsRegionIsUnsetAndAwsRegionWins() {
        assertEquals("eu-west-1", PipelineConfig.fromEnv(new Env(Map.of("AWS_DEFAULT_REGION", "eu-west-1"))).awsRegion());
        assertEquals("eu-central-1", PipelineConfig.fromEnv(new Env(Map.of("AWS_DEFAULT_REGION", "eu-west-1",
                "AWS_REGION", "eu-central-1"))).awsRegion());
        assertNull(AWS.awsRegion(), "unset: the SDK's chain decides");
    }

    @Test
    void theRegionIsTheConfiguredOneThenTheSdkChainThenUsEast1() {
        PipelineConfig configured = AWS.withDynamoDb(null);
        var chain = List.of(fails("the aws.region system property"), answers("the profile", "ap-south-1"), answers("instance metadata", "sa-east-1"));

        var fromProfile = DynamoClients.resolveRegion(configured, chain);
        assertEquals(Region.AP_SOUTH_1, fromProfile.region());
        assertEquals("the profile", fromProfile.source());

        var fromMetadata = DynamoClients.resolveRegion(configured, List.of(fails("the profile"), answers("instance metadata", "sa-east-1")));
        assertEquals(Region.SA_EAST_1, fromMetadata.region());

        var fallback = DynamoClients.resolveRegion(configured, List.of(fails("the profile"), fails("instance metadata")));
        assertEquals(Region.US_EAST_1, fallback.region());

        var explicit = DynamoClients.resolveRegion(PipelineConfig.fromEnv(new Env(Map.of("AWS_DEFAULT_REGION", "eu-west-1"))), chain);
        assertEquals(Region.EU_WEST_1, explicit.region(), "a configured region never asks the chain");
    }

    @Test
    void aLocalEndpointNeverAsksInstanceMetadataRealAwsDoes() {
        assertFalse(DynamoClients.sdkRegionChain(LOCAL).stream().anyMatch(s -> s.name().contains("instance metadata")));
        assertTrue(DynamoClients.sdkRegionChain(AWS).stream().anyMatch(s -> s.name().contains("instance metadata")));
    }

    @Test
    void aLocalEndpointGetsStaticCredentialsAndTheLogNamesNoSecret() {
        PipelineConfig local = PipelineConfig.fromEnv(new Env(Map.of("DYNAMODB_ENDPOINT", "http://127.0.0.1:9", "AWS_REGION", "eu-west-3")));
        String line = DynamoClients.of(local, "processor").describe();
        assertTrue(line.startsWith("DynamoDB clients of processor: http://127.0.0.1:9, region eu-west-3 (from AWS_REGION"), line);
        assertTrue(line.contains("credentials static dummy ones"), line);
        assertTrue(line.contains("retry mode standard"), line);
    }

    @Test
    void retryModeAndAttemptsFollowTheSdkSettingsWithStandardWhenNothingSaysOtherwise() {
        assertEquals(3, strategy(Map.of()).maxAttempts());
        assertInstanceOf(StandardRetryStrategy.class, strategy(Map.of()));
        // The SDK reads aws.retryMode / AWS_RETRY_MODE and aws.maxAttempts / AWS_MAX_ATTEMPTS; system properties here.
        assertInstanceOf(AdaptiveRetryStrategy.class, strategy(Map.of("aws.retryMode", "adaptive")));
        assertEquals(2, strategy(Map.of("aws.maxAttempts", "2")).maxAttempts());
        assertEquals(7, strategy(Map.of("aws.retryMode", "legacy", "aws.maxAttempts", "7")).maxAttempts());
    }

    private static RetryStrategy strategy(Map<String, String> properties) {
        properties.forEach(System::setProperty);
        try (DynamoDbClient client = DynamoClients.of(LOCAL, "test").sync(Duration.ofSeconds(1))) {
            return client.serviceClientConfiguration().overrideConfiguration().retryStrategy().orElseThrow();
        } finally {
            properties.keySet().forEach(System::clearProperty);
        }
    }

    @Test
    void credentialSourcesAreNamedInWords() {
        assertEquals("env vars", DynamoClients.credentialSource("g"));
        assertEquals("profile sso, sso", DynamoClients.credentialSource("r,s"));
        assertEquals("an unnamed provider", DynamoClients.credentialSource(""));
    }
}
