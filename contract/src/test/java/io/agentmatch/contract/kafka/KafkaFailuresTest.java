package io.agentmatch.contract.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;

class KafkaFailuresTest {

    @Test
    void authenticationAndAuthorizationAreNamedWhereverTheyAreInTheCauseChain() {
        var wrongPassword = new ExecutionException(new SaslAuthenticationException("invalid credentials"));
        assertEquals(Optional.of("Kafka authentication failed: invalid credentials"), KafkaFailures.securityProblem(wrongPassword));
        var noAcl = new KafkaException("commit failed", new TopicAuthorizationException("Not authorized to access topics: [t]"));
        assertEquals(Optional.of("Kafka authorization failed: Not authorized to access topics: [t]"), KafkaFailures.securityProblem(noAcl));
        assertFalse(KafkaFailures.isSecurityProblem(new KafkaException("broker not available")));
    }

    @Test
    void aSaslClientWithoutCredentialsIsToldSoBeforeItConnects() {
        var built = new KafkaException("Failed to create new KafkaAdminClient", new KafkaException("Failed to create new NetworkClient",
                new IllegalArgumentException("Could not find a 'KafkaClient' entry in the JAAS configuration. System property "
                        + "'java.security.auth.login.config' is not set")));
        String problem = KafkaFailures.securityProblem(built).orElseThrow();
        assertTrue(problem.startsWith("Kafka authentication is not configured"), problem);
        assertTrue(problem.contains("sasl.jaas.config"), problem);
    }

    @Test
    void silenceFromAListeningPortNamesTheClientsProtocolAndAuthentication() throws Exception {
        try (ServerSocket silent = new ServerSocket(0)) {
            String message = KafkaFailures.noAnswer(KafkaConnection.plaintext("127.0.0.1:" + silent.getLocalPort()), Duration.ofSeconds(20));
            assertTrue(message.contains("accepts connections but did not answer within 20 s"), message);
            assertTrue(message.contains("security.protocol=PLAINTEXT"), message);
            assertTrue(message.contains("authentication"), message);
        }
    }

    @Test
    void silenceFromNowhereIsCalledUnreachable() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        String message = KafkaFailures.noAnswer(KafkaConnection.plaintext("127.0.0.1:" + port), Duration.ofSeconds(20));
        assertTrue(message.contains("is unreachable"), message);
        assertFalse(message.contains("authentication"), message);
    }
}
