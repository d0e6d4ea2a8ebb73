package io.agentmatch.api.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmatch.api.http.ApiError;
import io.agentmatch.contract.Limits;
import io.agentmatch.contract.events.EventEnvelope;
import io.agentmatch.contract.events.EventSource;
import io.agentmatch.contract.events.EventType;
import io.agentmatch.contract.events.ProfileRecord;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * How a failed send is answered (what the producer knows: not stored 503, unknown 504 with "retry with the
 * same key", the client's own 413), and which failures make the API refuse everyone's writes for a while.
 */
class EventPublisherTest {
    private final MockProducer<String, byte[]> producer =
            new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());
    private final EventPublisher publisher = new EventPublisher(producer, new SimpleMeterRegistry());

    private static EventEnvelope event(String description) {
        ObjectNode data = JsonNodeFactory.instance.objectNode().put("description", description);
        return EventEnvelope.of(EventType.PROFILE_CREATED, EventSource.API, "p1", null,
                new ProfileRecord("p1", "2024-01-01T00:00:00.000001", data).toJson());
    }

    private static ApiError failure(CompletableFuture<RecordMetadata> result) {
        assertTrue(result.isCompletedExceptionally());
        try {
            result.join();
            throw new AssertionError("not failed");
        } catch (CompletionException e) {
            return (ApiError) e.getCause();
        }
    }

    @Test
    void aRecordTooLargeIsA413ForThatRequestAndNeverAnOutage() {
        CompletableFuture<RecordMetadata> large = publisher.publish("t", event("x"));
        producer.errorNext(new RecordTooLargeException("The message is 2000000 bytes when serialized"));
        ApiError error = failure(large);
        assertEquals(413, error.status());
        assertTrue(error.getMessage().startsWith("request body:"), error.getMessage());
        assertTrue(publisher.isAvailable(), "another client's write is not refused for it");

        CompletableFuture<RecordMetadata> next = publisher.publish("t", event("y"));
        assertTrue(producer.completeNext());
        assertFalse(next.isCompletedExceptionally());
    }

    @Test
    void anEventOverTheDerivedLimitIsRefusedBeforeSendingEvenWhileKafkaIsDown() {
        // U+0001 is 6 bytes of JSON: a 1 MiB body of them is an event over the limit.
        CompletableFuture<RecordMetadata> down = publisher.publish("t", event("x"));
        producer.errorNext(new TimeoutException("Expiring 1 record(s)"));
        assertEquals(504, failure(down).status(), "a delivery timeout may hide an appended record");
        assertFalse(publisher.isAvailable());

        ApiError error = failure(publisher.publish("t", event("\u0001".repeat(Limits.MAX_EVENT_BYTES / 6))));
        assertEquals(413, error.status());
        assertTrue(error.getMessage().contains("the limit is " + Limits.MAX_EVENT_BYTES), error.getMessage());
        assertEquals(1, producer.history().size(), "only the first event was sent");
    }

    @Test
    void anEventThatCannotBeWrittenAsJsonIsA400AndNeverAnOutage() {
        // Nested deeper than the JSON writer takes: a bad input, which used to mark Kafka down.
        ObjectNode deep = JsonNodeFactory.instance.objectNode();
        ObjectNode level = deep;
        for (int i = 0; i < 64; i++) {
            level = level.putObject("a");
        }
        ApiError error = failure(publisher.publish("t", EventEnvelope.of(EventType.PROFILE_CREATED, EventSource.API, "p1",
                null, deep)));
        assertEquals(400, error.status());
        assertTrue(error.getMessage().startsWith("request body:"), error.getMessage());
        assertTrue(publisher.isAvailable());
        assertEquals(0, producer.history().size());
    }

    @Test
    void onlyErrorsThatSayTheClusterIsUnreachableMarkKafkaDown() {
        CompletableFuture<RecordMetadata> refused = publisher.publish("t", event("x"));
        producer.errorNext(new TopicAuthorizationException("not authorized"));
        assertEquals(503, failure(refused).status());
        assertTrue(publisher.isAvailable(), "a refusal of one record is no outage");

        CompletableFuture<RecordMetadata> replicas = publisher.publish("t", event("x"));
        producer.errorNext(new NotEnoughReplicasException("1 of 3 in sync"));
        assertEquals(504, failure(replicas).status());
        assertFalse(publisher.isAvailable(), "too few replicas refuses every acks=all write");
        // While down, other writes answer 503 at once without reaching the producer.
        int sent = producer.history().size();
        assertEquals(503, failure(publisher.publish("t", event("y"))).status());
        assertEquals(sent, producer.history().size());
    }

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
        assertEquals(413, EventPublisher.afterSend(new RecordTooLargeException("too large")).status());
        assertNotStored(EventPublisher.afterSend(new TopicAuthorizationException("denied")));
        assertTrue(EventPublisher.afterSend(new TopicAuthorizationException("denied")).getMessage()
                .contains("Kafka authorization failed"));
        assertNotStored(EventPublisher.notStored());
    }

    @Test
    void theTopicsMetadataIsFetchedBeforeTheFirstRequestAndAMissingBrokerNeverStopsTheStart() {
        java.util.List<String> asked = new java.util.ArrayList<>();
        var counting = new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer()) {
            @Override
            public synchronized java.util.List<org.apache.kafka.common.PartitionInfo> partitionsFor(String topic) {
                asked.add(topic);
                return super.partitionsFor(topic);
            }
        };
        EventPublisher warm = new EventPublisher(counting, new SimpleMeterRegistry());
        assertTrue(warm.warmUp(java.util.List.of("profiles", "conversations"), java.time.Duration.ofSeconds(1)));
        assertEquals(java.util.List.of("profiles", "conversations"), asked);

        var unreachable = new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer()) {
            @Override
            public synchronized java.util.List<org.apache.kafka.common.PartitionInfo> partitionsFor(String topic) {
                throw new org.apache.kafka.common.errors.TimeoutException("Topic profiles not present in metadata after 2000 ms.");
            }
        };
        assertFalse(new EventPublisher(unreachable, new SimpleMeterRegistry()).warmUp(java.util.List.of("profiles"), java.time.Duration.ZERO));
    }
}
