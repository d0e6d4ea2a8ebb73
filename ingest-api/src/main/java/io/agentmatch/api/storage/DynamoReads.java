package io.agentmatch.api.storage;

import io.agentmatch.api.http.ApiError;
import io.agentmatch.contract.metrics.Meters;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/** Runs a DynamoDB call, timing it and turning an unreachable DynamoDB into a 503 that says so. */
public final class DynamoReads {
    private static final Logger LOG = LoggerFactory.getLogger(DynamoReads.class);
    private final Timer latency;
    private volatile boolean down;

    public DynamoReads(MeterRegistry registry) {
        this.latency = Meters.latency("api_dynamodb_call", "the API's successful DynamoDB reads, as a route waited for them")
                .register(registry);
    }

    public <T> T call(String what, Supplier<T> call) {
        long start = System.nanoTime();
        try {
            T result = call.get();
            latency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            if (down) {
                down = false;
                LOG.info("DynamoDB answers again");
            }
            return result;
        } catch (ResourceNotFoundException e) {
            throw ApiError.unavailable("DynamoDB table for " + what + " does not exist (yet); retry later");
        } catch (DynamoDbException e) {
            if (isRefusedRequest(e)) {
                // DynamoDB is up and refused this one request: this request's error, not an outage.
                // (The routes check every input that reaches a key first, cursors included.)
                LOG.info("DynamoDB refused the read of {}: {}", what, e.getMessage());
                throw ApiError.badRequest("request: DynamoDB refused the read of " + what + " as invalid");
            }
            throw markDown(what, e);
        } catch (SdkClientException e) {
            throw markDown(what, e);
        }
    }

    /** A ValidationException (HTTP 400) means this request is wrong; throttling and 5xx are not the request's fault. */
    static boolean isRefusedRequest(DynamoDbException e) {
        return e.statusCode() == 400 && e.awsErrorDetails() != null
                && "ValidationException".equals(e.awsErrorDetails().errorCode());
    }

    private ApiError markDown(String what, RuntimeException e) {
        if (!down) {
            down = true;
            LOG.warn("DynamoDB call for {} failed: {}", what, e.getMessage());
        }
        return ApiError.unavailable("DynamoDB is unavailable; could not read " + what + ", retry later");
    }

    public boolean isAvailable() {
        return !down;
    }
}
