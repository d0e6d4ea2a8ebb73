package io.agentmatch.localstack;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AwaitTest {
    @Test
    void returnsOnceTheConditionHolds() {
        AtomicInteger calls = new AtomicInteger();
        Await.until("third call", Duration.ofSeconds(5), () -> calls.incrementAndGet() >= 3);
        assertTrue(calls.get() >= 3);
    }

    @Test
    void failureNamesTheCondition() {
        AssertionError error = assertThrows(AssertionError.class,
                () -> Await.until("the moon turns blue", Duration.ofMillis(200), () -> false));
        assertTrue(error.getMessage().contains("the moon turns blue"));
    }

    @Test
    void serverPropertiesAreSingleNodeKraft() {
        StackState state = new StackState("/r", "/h", true, "127.0.0.1:1", 1, 2, true, "http://127.0.0.1:3", 3,
                "us-east-1", 4, 5, null, null);
        String props = BrokerSetup.serverProperties(state, java.nio.file.Path.of("/h/data/kafka"));
        assertTrue(props.contains("process.roles=broker,controller"));
        assertTrue(props.contains("controller.quorum.bootstrap.servers=127.0.0.1:2"));
        assertTrue(props.contains("auto.create.topics.enable=false"));
    }
}
