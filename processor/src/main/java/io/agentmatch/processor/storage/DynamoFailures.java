package io.agentmatch.processor.storage;

import java.util.Set;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

/**
 * What a failed DynamoDB write means for the outbox, decided in one place. Whatever the answer,
 * only an item DynamoDB itself calls invalid ever leaves the outbox unwritten (to the dead-letter
 * topic): every other write stays owed and is retried until it succeeds.
 */
public final class DynamoFailures {
    /** The answer for one failure. */
    public enum Kind {
        /** Throttling, timeouts, 5xx, an unreachable endpoint: retrying fixes it, quietly. */
        TRANSIENT,
        /**
         * The table or the identity is wrong (access denied, table not found, a table whose keys
         * differ from the contract, credentials that cannot be found or are refused): retrying
         * cannot fix it, an operator must; it is reported (health, log) while it lasts.
         */
        PERMANENT,
        /** DynamoDB refuses this item (too large, an invalid value): it is dead-lettered, the rest goes on. */
        INVALID_ITEM
    }

    private static final Set<String> PERMANENT_CODES = Set.of(
            "AccessDeniedException", "ResourceNotFoundException", "UnrecognizedClientException",
            "InvalidSignatureException", "MissingAuthenticationTokenException", "ExpiredTokenException",
            "IncompleteSignatureException", "InvalidClientTokenId");
    private static final Set<String> INVALID_CODES = Set.of("ValidationException", "SerializationException");
    /**
     * A ValidationException about the table's keys, not the item's content: our items always carry
     * the contract's keys with the contract's types, so these mean the table does not match the
     * contract (messages of DynamoDB and dynalite).
     */
    private static final Pattern SCHEMA_MISMATCH = Pattern.compile(
            "Missing the key|does not match the schema|Type mismatch for key|Type mismatch for Index Key");

    private DynamoFailures() {
    }

    public static Kind classify(Throwable cause) {
        if (cause instanceof DynamoDbException e && e.awsErrorDetails() != null) {
            String code = e.awsErrorDetails().errorCode();
            if (PERMANENT_CODES.contains(code) || code != null && code.startsWith("KMS")) {
                return Kind.PERMANENT;
            }
            if (INVALID_CODES.contains(code)) {
                String message = e.awsErrorDetails().errorMessage();
                return message != null && SCHEMA_MISMATCH.matcher(message).find() ? Kind.PERMANENT : Kind.INVALID_ITEM;
            }
            return Kind.TRANSIENT;
        }
        if (cause instanceof SdkClientException e && e.getMessage() != null
                && e.getMessage().startsWith("Unable to load credentials")) {
            return Kind.PERMANENT;
        }
        return Kind.TRANSIENT;
    }

    /** For logs and health: the error code and DynamoDB's message, or the exception. */
    public static String describe(Throwable cause) {
        if (cause instanceof AwsServiceException e && e.awsErrorDetails() != null) {
            return e.awsErrorDetails().errorCode() + " (HTTP " + e.statusCode() + "): " + e.awsErrorDetails().errorMessage();
        }
        String message = cause.getMessage();
        if (message != null && message.length() > 300) {
            message = message.substring(0, 300) + "...";
        }
        return cause.getClass().getSimpleName() + ": " + message;
    }
}
