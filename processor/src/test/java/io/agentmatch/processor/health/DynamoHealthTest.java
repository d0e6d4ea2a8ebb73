package io.agentmatch.processor.health;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class DynamoHealthTest {
    private final DynamoHealth health = new DynamoHealth();

    @Test
    void aTableIsReportedWithItsErrorWhileFailuresRecurAndNoLongerOnceTheyStop() {
        assertEquals(List.of(), health.problems(0));
        health.permanentFailure("agent-profiles", "ResourceNotFoundException (HTTP 400): Requested resource not found", 1_000);
        assertEquals(List.of("DynamoDB table agent-profiles cannot be written: ResourceNotFoundException (HTTP 400): "
                + "Requested resource not found (writes are kept and retried)"), health.problems(2_000));
        health.permanentFailure("agent-profiles", "ResourceNotFoundException (HTTP 400): Requested resource not found", 6_000);
        assertEquals(1, health.problems(6_000 + DynamoHealth.WINDOW_MS - 1).size());
        assertEquals(List.of(), health.problems(6_000 + DynamoHealth.WINDOW_MS));
    }

    @Test
    void successesBetweenFailuresDoNotHideAPartialGrant() {
        // PutItem denied, BatchWriteItem allowed: failures and successes alternate.
        for (long t = 0; t < 60_000; t += 5_000) {
            health.permanentFailure("agent-profiles", "AccessDeniedException (HTTP 400): not authorized to perform: dynamodb:PutItem", t);
            health.writeSucceeded("agent-profiles", t + 1_000);
            assertEquals(1, health.problems(t + 4_999).size(), "at " + t);
        }
    }

    @Test
    void eachTableIsNamedOnItsOwn() {
        health.permanentFailure("agent-profiles", "AccessDeniedException (HTTP 400): denied", 0);
        health.permanentFailure("agent-conversations", "ResourceNotFoundException (HTTP 400): gone", 0);
        List<String> problems = health.problems(1);
        assertEquals(2, problems.size());
        assertEquals(true, problems.get(0).startsWith("DynamoDB table agent-conversations cannot be written: ResourceNotFound"));
        assertEquals(true, health.isFailing("agent-profiles", 1));
        assertEquals(false, health.isFailing("other", 1));
    }
}
