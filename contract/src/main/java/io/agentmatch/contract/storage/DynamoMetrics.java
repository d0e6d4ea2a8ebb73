package io.agentmatch.contract.storage;

import io.agentmatch.contract.config.PipelineConfig;
import io.agentmatch.contract.metrics.Meters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Every DynamoDB call of a component, as the SDK saw it (retries included): its latency by
 * operation, table and outcome ({@code dynamodb_client_calls_seconds}), and the attempts beyond the
 * first ({@code dynamodb_client_retries_total}). docs/OPERATIONS.md lists them.
 *
 * <p>Every tag has a bounded set of values, whatever the requests: {@code operation} is the SDK's
 * operation name (the client's own calls); {@code table} is the configured profile or conversation
 * table, {@code other}, {@code none} (ListTables) or {@code multiple} (a batch over both);
 * {@code error} is {@code none}, one of the DynamoDB error codes of {@link #KNOWN_ERRORS},
 * {@code OtherServiceError}, or a client-side {@code ApiCallTimeout}, {@code ApiCallAttemptTimeout},
 * {@code ClientError}.
 */
final class DynamoMetrics implements ExecutionInterceptor {
    static final String CALLS = "dynamodb_client_calls";
    static final String RETRIES = "dynamodb_client_retries_total";

    /** DynamoDB's documented error codes (plus the common AWS ones): anything else is OtherServiceError. */
    static final Set<String> KNOWN_ERRORS = Set.of(
            "ConditionalCheckFailedException", "ProvisionedThroughputExceededException", "ThrottlingException",
            "RequestLimitExceeded", "ResourceNotFoundException", "ResourceInUseException", "ValidationException",
            "ItemCollectionSizeLimitExceededException", "TransactionConflictException", "TransactionCanceledException",
            "LimitExceededException", "AccessDeniedException", "UnrecognizedClientException",
            "InvalidSignatureException", "IncompleteSignature", "MissingAuthenticationToken", "ExpiredTokenException",
            "InternalServerError", "InternalFailure", "ServiceUnavailable");

    private static final ExecutionAttribute<Long> STARTED = new ExecutionAttribute<>("agentmatch.dynamo.started");
    private static final ExecutionAttribute<AtomicInteger> ATTEMPTS = new ExecutionAttribute<>("agentmatch.dynamo.attempts");

    private final MeterRegistry registry;
    private final Set<String> tables;

    DynamoMetrics(MeterRegistry registry, PipelineConfig config) {
        this.registry = registry;
        this.tables = Set.of(config.profileTable(), config.conversationTable());
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        attributes.putAttribute(STARTED, System.nanoTime());
        attributes.putAttribute(ATTEMPTS, new AtomicInteger());
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        AtomicInteger attempts = attributes.getAttribute(ATTEMPTS);
        if (attempts != null) {
            attempts.incrementAndGet();
        }
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        record(context.request(), attributes, "none");
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        record(context.request(), attributes, error(context.exception()));
    }

    private void record(SdkRequest request, ExecutionAttributes attributes, String error) {
        Long started = attributes.getAttribute(STARTED);
        if (started == null) {
            return;
        }
        String operation = String.valueOf(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
        String table = table(request);
        Timer.Builder timer = Meters.latency(CALLS, "DynamoDB calls as the SDK made them, retries included")
                .tag("operation", operation).tag("table", table)
                .tag("outcome", error.equals("none") ? "success" : "error").tag("error", error);
        timer.register(registry).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        // Registered with the first call (at 0), so that increase() sees the first retry.
        AtomicInteger attempts = attributes.getAttribute(ATTEMPTS);
        Counter.builder(RETRIES).description("DynamoDB attempts beyond the first of a call (the SDK's retries)")
                .tag("operation", operation).tag("table", table).register(registry)
                .increment(attempts == null ? 0 : Math.max(0, attempts.get() - 1));
    }

    /** The table a request names, as a bounded tag value. */
    String table(SdkRequest request) {
        List<String> named = new ArrayList<>();
        request.getValueForField("TableName", String.class).ifPresent(named::add);
        request.getValueForField("RequestItems", Map.class).ifPresent(items -> items.keySet().forEach(t -> named.add(t.toString())));
        if (named.isEmpty()) {
            return "none";
        }
        if (named.stream().distinct().count() > 1) {
            return "multiple";
        }
        return tables.contains(named.get(0)) ? named.get(0) : "other";
    }

    /** The error of a failed call, as a bounded tag value. */
    static String error(Throwable failure) {
        if (failure instanceof AwsServiceException service) {
            String code = service.awsErrorDetails() == null ? null : service.awsErrorDetails().errorCode();
            return code != null && KNOWN_ERRORS.contains(code) ? code : "OtherServiceError";
        }
        if (failure instanceof ApiCallAttemptTimeoutException) {
            return "ApiCallAttemptTimeout";
        }
        if (failure instanceof ApiCallTimeoutException) {
            return "ApiCallTimeout";
        }
        return "ClientError";
    }
}
