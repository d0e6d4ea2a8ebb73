package io.agentmatch.api.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentmatch.api.http.ApiError;
import io.agentmatch.api.storage.ConversationStore.MessageFilter;
import io.agentmatch.api.storage.ProfileStore.ProfileFilter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/** The DynamoDB readers' handling of client input that reaches DynamoDB: cursors, and what DynamoDB refuses. */
class ReadersTest {

    /** A DynamoDB client that counts calls and answers each with {@code answer}. */
    private static final class StubDynamo implements DynamoDbClient {
        final AtomicInteger calls = new AtomicInteger();
        RuntimeException failure;

        @Override
        public ScanResponse scan(Consumer<ScanRequest.Builder> request) {
            calls.incrementAndGet();
            if (failure != null) {
                throw failure;
            }
            return ScanResponse.builder().build();
        }

        @Override
        public QueryResponse query(Consumer<QueryRequest.Builder> request) {
            calls.incrementAndGet();
            if (failure != null) {
                throw failure;
            }
            return QueryResponse.builder().build();
        }

        @Override
        public String serviceName() {
            return "dynamodb";
        }

        @Override
        public void close() {
        }
    }

    private final StubDynamo dynamo = new StubDynamo();
    private final DynamoReads reads = new DynamoReads(new SimpleMeterRegistry());
    private final ProfileReader profiles = new ProfileReader(dynamo, "agent-profiles", reads);
    private final ConversationReader conversations = new ConversationReader(dynamo, "agent-conversations", reads);

    private static String cursor(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static void assertCursorRefused(Runnable read) {
        ApiError e = assertThrows(ApiError.class, read::run);
        assertEquals(400, e.status());
        assertTrue(e.getMessage().startsWith("cursor:"), e.getMessage());
    }

    @Test
    void aCraftedCursorIsA400NamingTheCursorAndNeverReachesDynamoDb() {
        assertCursorRefused(() -> profiles.idPage(10, cursor("{\"foo\":\"bar\"}")));
        assertCursorRefused(() -> profiles.idPage(10, cursor("{\"id\":\"a\",\"job\":\"b\"}")));
        assertCursorRefused(() -> profiles.idPage(10, cursor("{\"id\":\"" + "x".repeat(1025) + "\"}")));
        assertCursorRefused(() -> profiles.profilePage(new ProfileFilter("Plumber", null), 10, cursor("{\"id\":\"a\",\"job\":\"Other\"}")));
        assertCursorRefused(() -> profiles.profilePage(new ProfileFilter(null, "Berlin"), 10, cursor("{\"id\":\"a\",\"job\":\"Berlin\"}")));
        assertCursorRefused(() -> conversations.messagePage(MessageFilter.conversation("c1"), 10,
                cursor("{\"conversation_id\":\"c2\",\"timestamp\":\"2024\"}")));
        assertCursorRefused(() -> conversations.messagePage(MessageFilter.agent("a1"), 10,
                cursor("{\"conversation_id\":\"c2\",\"timestamp\":\"2024\"}")));
        assertCursorRefused(() -> profiles.idPage(10, "!!not-base64!!"));
        assertEquals(0, dynamo.calls.get(), "DynamoDB never saw a crafted cursor");
        assertTrue(reads.isAvailable());

        // The cursors this API issues pass.
        profiles.idPage(10, cursor("{\"id\":\"a\"}"));
        profiles.profilePage(new ProfileFilter("Plumber", null), 10, cursor("{\"id\":\"a\",\"job\":\"Plumber\"}"));
        conversations.messagePage(MessageFilter.agent("a1"), 10,
                cursor("{\"conversation_id\":\"c2\",\"timestamp\":\"2024\",\"agent_id\":\"a1\"}"));
        assertEquals(3, dynamo.calls.get());
    }

    @Test
    void aReadDynamoDbRefusesIsA400AndDoesNotMarkDynamoDbDown() {
        dynamo.failure = DynamoDbException.builder().statusCode(400).message("The provided starting key is invalid")
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ValidationException").build()).build();
        ApiError e = assertThrows(ApiError.class, () -> profiles.idPage(10, null));
        assertEquals(400, e.status());
        assertTrue(reads.isAvailable(), "a refused request is not an outage");
    }

    @Test
    void anUnreachableDynamoDbIsA503AndMarksItDown() {
        dynamo.failure = SdkClientException.create("connection refused");
        assertEquals(503, assertThrows(ApiError.class, () -> profiles.idPage(10, null)).status());
        assertTrue(!reads.isAvailable());
        dynamo.failure = DynamoDbException.builder().statusCode(500).message("internal").build();
        assertEquals(503, assertThrows(ApiError.class, () -> conversations.messagePage(MessageFilter.agent("a"), 10, null)).status());
    }
}
