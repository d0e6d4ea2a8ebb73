package io.agentmatch.contract.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentmatch.contract.config.Env;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaConnectionTest {
    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required "
            + "username=\"api\" password=\"very-secret\";";

    @Test
    void environmentVariablesMapToClientPropertiesByTheDocumentedRule() {
        KafkaConnection connection = KafkaConnection.fromEnv(new Env(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "b1:9094,b2:9094",
                "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                "KAFKA_SASL_JAAS_CONFIG", JAAS,
                "KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/kafka/truststore.p12")));
        assertEquals(Map.of("bootstrap.servers", "b1:9094,b2:9094", "security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512", "sasl.jaas.config", JAAS,
                "ssl.truststore.location", "/etc/kafka/truststore.p12"), connection.properties());
        assertEquals("security.protocol", KafkaConnection.propertyOf("KAFKA_SECURITY_PROTOCOL"));
        assertEquals("KAFKA_SSL_KEYSTORE_PASSWORD", KafkaConnection.variableOf("ssl.keystore.password"));
    }

    @Test
    void theEnvironmentOverridesTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("client.properties");
        Files.writeString(file, """
                bootstrap.servers=from-file:9092
                security.protocol=SASL_SSL
                sasl.mechanism=PLAIN
                client.id=team-a
                """);
        KafkaConnection connection = KafkaConnection.fromEnv(new Env(Map.of(
                "KAFKA_CONFIG_FILE", file.toString(), "KAFKA_SASL_MECHANISM", "SCRAM-SHA-256")));
        assertEquals("from-file:9092", connection.bootstrapServers());
        assertEquals("SCRAM-SHA-256", connection.properties().get("sasl.mechanism"));
        assertEquals("team-a", connection.properties().get("client.id"));
        assertTrue(connection.describe().contains("file " + file), connection.describe());
    }

    @Test
    void ourOwnAndKafkaScriptVariablesAreNotClientProperties() {
        KafkaConnection connection = KafkaConnection.fromEnv(new Env(Map.of(
                "KAFKA_PORT", "19092", "KAFKA_CONTROLLER_PORT", "19093", "KAFKA_CREATE_TOPICS", "false",
                "KAFKA_HEAP_OPTS", "-Xmx1g", "KAFKA_SECURTY_PROTOCOL", "SSL")));
        assertEquals(Map.of("bootstrap.servers", "127.0.0.1:19092"), connection.properties(),
                "no bootstrap servers given: the local broker on KAFKA_PORT");
        assertEquals(1, connection.ignored().size(), connection.ignored().toString());
        assertTrue(connection.ignored().get(0).startsWith("KAFKA_SECURTY_PROTOCOL"), "a typo is reported, not used");
    }

    @Test
    void secretsAreMaskedInTheDescription() {
        KafkaConnection connection = KafkaConnection.fromEnv(new Env(Map.of(
                "KAFKA_SASL_JAAS_CONFIG", JAAS, "KAFKA_SSL_KEYSTORE_PASSWORD", "kspass", "KAFKA_SSL_KEY_PASSWORD", "kpass",
                "KAFKA_SECURITY_PROTOCOL", "SASL_SSL")));
        String shown = connection.describe();
        assertFalse(shown.contains("very-secret") || shown.contains("kspass") || shown.contains("kpass"), shown);
        assertTrue(shown.contains("sasl.jaas.config=[hidden]"), shown);
        assertTrue(shown.contains("security.protocol=SASL_SSL"), shown);
    }

    @Test
    void anUnreadableFileNamesTheVariable() {
        var error = assertThrows(IllegalArgumentException.class,
                () -> KafkaConnection.fromEnv(new Env(Map.of("KAFKA_CONFIG_FILE", "/nonexistent/client.properties"))));
        assertTrue(error.getMessage().startsWith("KAFKA_CONFIG_FILE=/nonexistent/client.properties cannot be read"),
                error.getMessage());
    }
}
