package io.agentmatch.contract.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.agentmatch.contract.config.Env;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

class KafkaClientsTest {
    private final KafkaClients clients = KafkaClients.of(KafkaConnection.fromEnv(new Env(Map.of(
            "KAFKA_BOOTSTRAP_SERVERS", "b:9094",
            "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
            "KAFKA_LINGER_MS", "50",
            "KAFKA_ACKS", "1",
            "KAFKA_ISOLATION_LEVEL", "read_uncommitted"))), "api");

    @Test
    void tuningYieldsToTheOperatorAndRequirementsDoNot() {
        Properties props = clients.producer("events")
                .tune(ProducerConfig.LINGER_MS_CONFIG, 2)
                .tune(ProducerConfig.BATCH_SIZE_CONFIG, 1024)
                .require(ProducerConfig.ACKS_CONFIG, "all")
                .properties();
        assertEquals("50", props.get(ProducerConfig.LINGER_MS_CONFIG), "the operator may tune");
        assertEquals(1024, props.get(ProducerConfig.BATCH_SIZE_CONFIG));
        assertEquals("all", props.get(ProducerConfig.ACKS_CONFIG), "but not weaken what a 2xx rests on");
        assertEquals("SASL_SSL", props.get("security.protocol"));
        assertEquals("b:9094", props.get("bootstrap.servers"));
    }

    @Test
    void eachClientGetsOnlyThePropertiesItsKindKnows() {
        Properties producer = clients.producer("events").properties();
        Properties consumer = clients.consumer("follower")
                .require(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed").properties();
        assertFalse(producer.containsKey(ConsumerConfig.ISOLATION_LEVEL_CONFIG));
        assertFalse(consumer.containsKey(ProducerConfig.LINGER_MS_CONFIG));
        assertFalse(consumer.containsKey(ProducerConfig.ACKS_CONFIG));
        assertEquals("read_committed", consumer.get(ConsumerConfig.ISOLATION_LEVEL_CONFIG));
    }

    @Test
    void everyClientIdNamesTheComponentAndRole() {
        assertEquals("agentmatch-api-events", clients.producer("events").properties().get("client.id"));
        KafkaClients team = KafkaClients.of(KafkaConnection.plaintext("b:9092").with("client.id", "team-a"), "processor");
        assertEquals("team-a-processor-persister", team.streams("persister").properties().get("client.id"));
    }
}
