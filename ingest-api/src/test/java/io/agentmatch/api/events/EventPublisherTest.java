package io.agentmatch.api.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentmatch.api.http.ApiError;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;

/** A failed publication answers what the producer knows: not stored (503), or unknown (504, retry with the same key). */
class EventPublisherTest {

    private static void assertUnknown(ApiError answer) {
        assertEquals(504, answer.status());
        assertTrue(answer.getMessage().contains("may still have been stored") && answer.getMessage().contains("same Idempotency-Key"),
                answer.getMessage());
    }

    private static void assertNotStored(ApiError answer) {
        assertEquals(503, answer.status());
        assertTrue(answer.getMessage().contains("not stored"), answer.getMessage());
    }

    @Test
    void aDeliveryTimeoutOrRetriableFailureMayHaveBeenAppendedSoItsOutcomeIsUnknown() {
        assertUnknown(EventPublisher.afterSend(new TimeoutException("Expiring 1 record(s) for t-0: 4010 ms has passed since batch creation")));
        assertUnknown(EventPublisher.afterSend(new NetworkException("disconnected")));
        assertUnknown(EventPublisher.afterSend(new NotEnoughReplicasException("isr")));
        assertUnknown(EventPublisher.afterSend(new KafkaException("producer fenced")));
    }

    @Test
    void aBrokersDefinitiveRefusalWasNotStored() {
        assertNotStored(EventPublisher.afterSend(new RecordTooLargeException("too large")));
        assertNotStored(EventPublisher.afterSend(new TopicAuthorizationException("denied")));
        assertNotStored(EventPublisher.notStored());
    }
}
