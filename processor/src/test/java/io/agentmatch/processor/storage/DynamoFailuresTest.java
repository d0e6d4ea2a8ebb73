package io.agentmatch.processor.storage;

import static io.agentmatch.processor.storage.DynamoFailures.Kind.INVALID_ITEM;
import static io.agentmatch.processor.storage.DynamoFailures.Kind.PERMANENT;
import static io.agentmatch.processor.storage.DynamoFailures.Kind.TRANSIENT;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

class DynamoFailuresTest {
    private static DynamoDbException error(int status, String code, String message) {
        return (DynamoDbException) DynamoDbException.builder().statusCode(status).message(message)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).build()).build();
    }

    @Test
    void whatOnlyAnOperatorCanFixIsPermanent() {
        assertEquals(PERMANENT, DynamoFailures.classify(error(400, "AccessDeniedException",
                "User: arn:aws:sts::1:assumed-role/p is not authorized to perform: dynamodb:BatchWriteItem")));
        assertEquals(PERMANENT, DynamoFailures.classify(error(400, "ResourceNotFoundException", "Requested resource not found")));
        assertEquals(PERMANENT, DynamoFailures.classify(error(400, "UnrecognizedClientException", "The security token is invalid")));
        assertEquals(PERMANENT, DynamoFailures.classify(SdkClientException.create("Unable to load credentials from any of the providers")));
    }

    @Test
    void aKeyTheTableDoesNotHaveIsTheTablesFaultAnInvalidValueTheItems() {
        assertEquals(PERMANENT, DynamoFailures.classify(error(400, "ValidationException",
                "One or more parameter values were invalid: Missing the key id in the item")));
        assertEquals(PERMANENT, DynamoFailures.classify(error(400, "ValidationException", "The provided key element does not match the schema")));
        assertEquals(PERMANENT, DynamoFailures.classify(error(400, "ValidationException",
                "One or more parameter values were invalid: Type mismatch for Index Key job Expected: N Actual: S IndexName: job-index")));
        assertEquals(INVALID_ITEM, DynamoFailures.classify(error(400, "ValidationException", "Item size has exceeded the maximum allowed size")));
    }

    @Test
    void throttlingOutagesAndTimeoutsAreTransient() {
        assertEquals(TRANSIENT, DynamoFailures.classify(error(400, "ProvisionedThroughputExceededException", "slow down")));
        assertEquals(TRANSIENT, DynamoFailures.classify(error(500, "InternalServerError", "oops")));
        assertEquals(TRANSIENT, DynamoFailures.classify(SdkClientException.create("Unable to execute HTTP request: Connection refused")));
        assertEquals(TRANSIENT, DynamoFailures.classify(ApiCallTimeoutException.create(10_000)));
    }

    @Test
    void theDescriptionCarriesTheCodeAndDynamoDbsMessage() {
        assertEquals("ResourceNotFoundException (HTTP 400): Requested resource not found",
                DynamoFailures.describe(error(400, "ResourceNotFoundException", "Requested resource not found")));
    }
}
