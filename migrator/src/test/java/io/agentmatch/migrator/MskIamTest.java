package io.agentmatch.migrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.agentmatch.contract.config.Env;
import io.agentmatch.contract.kafka.KafkaClients;
import io.agentmatch.contract.kafka.KafkaConnection;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * Amazon MSK's IAM authentication works out of the box: the configuration the README gives builds
 * a client (which loads and configures the login module and the callback handler) without any other
 * jar. Nothing connects: the bootstrap address has no listener.
 */
class MskIamTest {

    @Test
    void theMskIamMechanismLoadsFromTheReadmesConfiguration() throws Exception {
        int unused;
        try (ServerSocket probe = new ServerSocket(0)) {
            unused = probe.getLocalPort();
        }
        KafkaConnection connection = KafkaConnection.fromEnv(new Env(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + unused,
                "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "KAFKA_SASL_MECHANISM", "AWS_MSK_IAM",
                "KAFKA_SASL_JAAS_CONFIG", "software.amazon.msk.auth.iam.IAMLoginModule required;",
                "KAFKA_SASL_CLIENT_CALLBACK_HANDLER_CLASS", "software.amazon.msk.auth.iam.IAMClientCallbackHandler")));
        assertEquals(java.util.List.of(), connection.ignored(), "every variable maps to a client property");
        KafkaClients.Spec producer = KafkaClients.of(connection, "migrator").producer("msk-iam");
        Properties props = producer.properties();
        assertEquals("AWS_MSK_IAM", props.get("sasl.mechanism"));
        try (var client = producer.newProducer(new ByteArraySerializer(), new ByteArraySerializer())) {
            assertNotNull(client.metrics(), "the SASL channel (IAM login module and callback handler) was configured");
            client.close(Duration.ZERO);
        }
        assertNotNull(Class.forName(props.getProperty("sasl.client.callback.handler.class")));
    }
}
