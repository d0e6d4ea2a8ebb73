package io.agentmatch.contract.storage;

import io.agentmatch.contract.config.Env;
import io.agentmatch.contract.config.PipelineConfig;
import io.agentmatch.contract.config.Setting;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkSystemSetting;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.core.useragent.BusinessMetricFeatureId;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.AwsProfileRegionProvider;
import software.amazon.awssdk.regions.providers.AwsRegionProvider;
import software.amazon.awssdk.regions.providers.InstanceProfileRegionProvider;
import software.amazon.awssdk.regions.providers.SystemSettingsRegionProvider;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The DynamoDB clients of one component, for real AWS or a local endpoint (dynalite), with bounded
 * timeouts so that a dead endpoint is an error within seconds, not a hung request.
 *
 * <p>Identity and retries are the SDK's own, so the pipeline runs wherever AWS tools run:
 * <ul>
 *   <li>credentials: the SDK's default chain in full (system properties, environment, web identity
 *       token file (EKS IRSA), profiles with SSO, assume-role, {@code credential_process} and
 *       {@code aws login}, container credentials (ECS, EKS Pod Identity), instance metadata); the
 *       modules it loads by reflection (sts, sso, ssooidc, signin) are on the runnable jars' class
 *       path. A local endpoint gets static dummy credentials unless {@code AWS_ACCESS_KEY_ID} is set;</li>
 *   <li>retries: the SDK resolves the mode ({@code AWS_RETRY_MODE}, {@code aws.retryMode}, the
 *       profile's {@code retry_mode}) and the attempts ({@code AWS_MAX_ATTEMPTS}); only when nothing
 *       says otherwise is the mode {@code standard} (3 attempts). Left entirely to itself, the SDK's
 *       DynamoDB client uses its legacy 9-attempt policy and then ignores {@code AWS_MAX_ATTEMPTS}
 *       (measured on 2.57.8), so the fallback mode is given through the SDK's own resolver. The
 *       call timeouts stay ours: retries never outlast them;</li>
 *   <li>region: {@link #resolveRegion}.</li>
 * </ul>
 * With {@code DYNAMODB_OPERATION_LOG} set, every operation is recorded ({@link OperationLog}) under
 * the component's name, for the test that checks the IAM policies in {@code docs/iam}. Given a
 * registry, every call is measured ({@link DynamoMetrics}: latency and errors per operation and table).
 */
public final class DynamoClients {
    public static final Setting<Path> OPERATION_LOG = Setting.path("DYNAMODB_OPERATION_LOG", null,
            "tests: a directory where each component records the DynamoDB operations it issues (docs/iam)");
    /** The region when nothing configures one (the seed's documented default). */
    public static final String FALLBACK_REGION = "us-east-1";
    /** What tests and tools (local stack, chaos, bench) are recorded as: no IAM policy covers them. */
    public static final String TOOLS = "tools";

    /** A region and where it came from, for the start-up log. */
    public record RegionChoice(Region region, String source) {
    }

    /** One link of the SDK's region chain, named for the log. */
    record RegionSource(String name, AwsRegionProvider provider) {
    }

    private final PipelineConfig config;
    private final String component;
    private final RegionChoice region;
    private final AwsCredentialsProvider credentials;
    private final RetryMode retryMode;
    private final Path operationLogDir;
    private final OperationLog operationLog;
    private final DynamoMetrics metrics;

    private DynamoClients(PipelineConfig config, String component, Env env, MeterRegistry registry) {
        this.config = config;
        this.component = component;
        this.region = resolveRegion(config, sdkRegionChain(config));
        this.credentials = localCredentials(config)
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"))
                : DefaultCredentialsProvider.builder().build();
        this.retryMode = RetryMode.resolver().defaultRetryMode(RetryMode.STANDARD).resolve();
        this.operationLogDir = OPERATION_LOG.read(env);
        this.operationLog = operationLogDir == null ? null : new OperationLog(operationLogDir, component, config);
        this.metrics = registry == null ? null : new DynamoMetrics(registry, config);
    }

    /** The clients of {@code component} (api, processor, migrator; {@link #TOOLS} for the rest), unmeasured. */
    public static DynamoClients of(PipelineConfig config, String component) {
        return new DynamoClients(config, component, Env.system(), null);
    }

    /** The clients of a long-running component, every call measured in {@code registry}. */
    public static DynamoClients of(PipelineConfig config, String component, MeterRegistry registry) {
        return new DynamoClients(config, component, Env.system(), registry);
    }

    /** A synchronous client for tests and tools (recorded as {@link #TOOLS}). */
    public static DynamoDbClient sync(PipelineConfig config, Duration callTimeout) {
        return of(config, TOOLS).sync(callTimeout);
    }

    /** For request paths (the API): fail fast, a few retries, answer the client within seconds. */
    public DynamoDbClient sync(Duration callTimeout) {
        return sync(callTimeout, 64);
    }

    /**
     * A synchronous client with up to {@code maxConnections} calls in flight (one per calling thread);
     * the bench compares the processor with it (BENCHMARKS.md, issue 18).
     */
    public DynamoDbClient sync(Duration callTimeout, int maxConnections) {
        var builder = DynamoDbClient.builder()
                .region(region.region())
                .credentialsProvider(credentials)
                .httpClientBuilder(ApacheHttpClient.builder()
                        .maxConnections(maxConnections)
                        .connectionTimeout(Duration.ofSeconds(1))
                        .socketTimeout(callTimeout))
                .overrideConfiguration(overrides(callTimeout));
        if (config.dynamoDbEndpoint() != null) {
            builder.endpointOverride(URI.create(config.dynamoDbEndpoint()));
        }
        return builder.build();
    }

    /** For the processor: many writes in flight, retries left to the caller (which never gives up). */
    public DynamoDbAsyncClient async(Duration callTimeout, int maxConcurrency) {
        var builder = DynamoDbAsyncClient.builder()
                .region(region.region())
                .credentialsProvider(credentials)
                .httpClientBuilder(NettyNioAsyncHttpClient.builder()
                        .maxConcurrency(maxConcurrency)
                        .connectionTimeout(Duration.ofSeconds(1))
                        .readTimeout(callTimeout)
                        .writeTimeout(callTimeout))
                .overrideConfiguration(overrides(callTimeout));
        if (config.dynamoDbEndpoint() != null) {
            builder.endpointOverride(URI.create(config.dynamoDbEndpoint()));
        }
        return builder.build();
    }

    private ClientOverrideConfiguration overrides(Duration callTimeout) {
        var overrides = ClientOverrideConfiguration.builder()
                .apiCallTimeout(callTimeout)
                .retryStrategy(retryMode);
        if (operationLog != null) {
            overrides.addExecutionInterceptor(operationLog);
        }
        if (metrics != null) {
            overrides.addExecutionInterceptor(metrics);
        }
        return overrides.build();
    }

    public RegionChoice region() {
        return region;
    }

    /**
     * One line for the start-up log: endpoint, region and where it came from, the credentials
     * provider that answered (resolving them now, so a missing identity shows at start), retries.
     * Never a secret: credentials are named by their source only.
     */
    public String describe() {
        String endpoint = config.dynamoDbEndpoint() == null ? "AWS DynamoDB" : config.dynamoDbEndpoint();
        String attempts = SdkSystemSetting.AWS_MAX_ATTEMPTS.getIntegerValue().map(n -> n + " attempts (AWS_MAX_ATTEMPTS)")
                .orElse("the mode's attempts");
        return "DynamoDB clients of " + component + ": " + endpoint + ", region " + region.region().id() + " (from "
                + region.source() + "), credentials " + describeCredentials() + ", retry mode "
                + retryMode.name().toLowerCase(Locale.ROOT) + " with " + attempts
                + (operationLog == null ? "" : ", operations recorded in " + operationLogDir);
    }

    private String describeCredentials() {
        if (credentials instanceof StaticCredentialsProvider) {
            return "static dummy ones (a local endpoint and no AWS_ACCESS_KEY_ID)";
        }
        try {
            return "from the SDK's default chain: " + credentialSource(credentials.resolveCredentials().providerName().orElse(""));
        } catch (SdkClientException e) {
            String message = String.valueOf(e.getMessage());
            return "from the SDK's default chain, which found none yet ("
                    + (message.length() > 300 ? message.substring(0, 300) + "..." : message) + ")";
        }
    }

    /** The SDK names the source of credentials with its user-agent codes ("g", "n,r", ...): make them words. */
    static String credentialSource(String codes) {
        Map<String, String> names = Arrays.stream(BusinessMetricFeatureId.values())
                .collect(Collectors.toMap(BusinessMetricFeatureId::value, Enum::name, (a, b) -> a));
        String words = Arrays.stream(codes.split(","))
                .map(String::trim)
                .filter(code -> !code.isEmpty())
                .map(code -> names.getOrDefault(code, code).replaceFirst("^CREDENTIALS_", "").toLowerCase(Locale.ROOT).replace('_', ' '))
                .collect(Collectors.joining(", "));
        return words.isEmpty() ? "an unnamed provider" : words;
    }

    private static boolean localCredentials(PipelineConfig config) {
        // A local endpoint accepts any credentials; keys set explicitly are used as given.
        return config.dynamoDbEndpoint() != null && System.getenv("AWS_ACCESS_KEY_ID") == null
                && System.getProperty("aws.accessKeyId") == null;
    }

    // --- region ----------------------------------------------------------------------------------

    /**
     * The region: the configured one ({@code AWS_REGION}, else {@code AWS_DEFAULT_REGION}: the SDK
     * v2's chain does not read the latter, the AWS CLI does, and EKS sets both), then the SDK's
     * region chain ({@code aws.region} system property, the profile's {@code region}, instance
     * metadata), then {@link #FALLBACK_REGION}. Each link that fails is skipped, as in the SDK's
     * own chain.
     */
    static RegionChoice resolveRegion(PipelineConfig config, List<RegionSource> sdkChain) {
        if (config.awsRegion() != null) {
            return new RegionChoice(Region.of(config.awsRegion()), PipelineConfig.AWS_REGION.name() + " or "
                    + PipelineConfig.AWS_DEFAULT_REGION.name());
        }
        for (RegionSource source : sdkChain) {
            try {
                Region found = source.provider().getRegion();
                if (found != null) {
                    return new RegionChoice(found, source.name());
                }
            } catch (RuntimeException notThere) {
                // next link
            }
        }
        return new RegionChoice(Region.of(FALLBACK_REGION), "the default, nothing configures a region");
    }

    /**
     * The SDK's region chain after the environment variables. Against a local endpoint the region
     * only labels the signature, so instance metadata (seconds of timeouts off EC2) is not asked.
     */
    static List<RegionSource> sdkRegionChain(PipelineConfig config) {
        RegionSource properties = new RegionSource("the aws.region system property", new SystemSettingsRegionProvider());
        RegionSource profile = new RegionSource("the region of profile " + System.getenv().getOrDefault("AWS_PROFILE", "default"),
                new AwsProfileRegionProvider());
        return config.dynamoDbEndpoint() != null
                ? List.of(properties, profile)
                : List.of(properties, profile, new RegionSource("instance metadata", new InstanceProfileRegionProvider()));
    }
}
