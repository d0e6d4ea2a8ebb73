package io.agentmatch.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentmatch.contract.config.PipelineConfig;
import io.agentmatch.contract.kafka.KafkaClients;
import io.agentmatch.contract.storage.DynamoClients;
import io.agentmatch.contract.storage.TableDefinitions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

class PipelineStackIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    static TestStack stack;

    @BeforeAll
    static void startStack() {
        stack = TestStack.shared();
    }

    @Test
    void produceAndConsumeARecord() throws Exception {
        PipelineConfig config = stack.isolatedConfig("produce-consume");
        String topic = config.topicPrefix() + "roundtrip";
        PipelineStack.createTopics(config, List.of(new NewTopic(topic, 3, (short) 1)), TIMEOUT);

        KafkaClients clients = KafkaClients.of(config.kafka(), "local-stack-it");
        try (var producer = clients.producer("roundtrip").require(ProducerConfig.ACKS_CONFIG, "all")
                .newProducer(new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "key-1", "hello")).get();
        }

        List<ConsumerRecord<String, String>> received = new ArrayList<>();
        try (var consumer = clients.consumer("roundtrip")
                .require(ConsumerConfig.GROUP_ID_CONFIG, config.processorApplicationId())
                .require(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest")
                .newConsumer(new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            Await.until("the record arrives", TIMEOUT, () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
                return !received.isEmpty();
            });
        }
        assertEquals("key-1", received.get(0).key());
        assertEquals("hello", received.get(0).value());

        // The isolated namespace's pipeline topics exist too.
        try (Admin admin = Readiness.admin(config.kafka(), 5000)) {
            Set<String> names = admin.listTopics().names().get();
            assertTrue(names.contains(config.topics().profileEvents()), names.toString());
            assertTrue(names.contains(config.topics().deadLetters()), names.toString());
        }
    }

    @Test
    void tablesHaveTheGuidesKeysAndIndexes() {
        PipelineConfig config = stack.isolatedConfig("tables");
        try (DynamoDbClient dynamo = DynamoClients.sync(config, Duration.ofSeconds(10))) {
            TableDescription profiles = dynamo.describeTable(b -> b.tableName(config.profileTable())).table();
            assertEquals(List.of("id:HASH"), keys(profiles.keySchema()));
            assertEquals(Map.of(TableDefinitions.JOB_INDEX, List.of("job:HASH"),
                    TableDefinitions.LOCATION_INDEX, List.of("location_city:HASH")), indexes(profiles));

            TableDescription conversations = dynamo.describeTable(b -> b.tableName(config.conversationTable())).table();
            assertEquals(List.of("conversation_id:HASH", "timestamp:RANGE"), keys(conversations.keySchema()));
            assertEquals(Map.of(TableDefinitions.AGENT_CONVERSATIONS_INDEX, List.of("agent_id:HASH", "timestamp:RANGE")),
                    indexes(conversations));
        }
    }

    @Test
    void dynaliteKeepsDataOnDiskAcrossARestart() {
        PipelineConfig config = stack.isolatedConfig("persist");
        try (DynamoDbClient dynamo = DynamoClients.sync(config, Duration.ofSeconds(5))) {
            dynamo.putItem(b -> b.tableName(config.profileTable())
                    .item(Map.of("id", AttributeValue.fromS("p-1"), "name", AttributeValue.fromS("Ada"))));
        }
        long before = stack.pipelineStack().pid(PipelineStack.DYNALITE).orElseThrow();

        stack.stop(PipelineStack.DYNALITE);
        assertFalse(stack.isRunning(PipelineStack.DYNALITE));
        stack.start(PipelineStack.DYNALITE);
        assertTrue(stack.isRunning(PipelineStack.DYNALITE));
        assertTrue(before != stack.pipelineStack().pid(PipelineStack.DYNALITE).orElseThrow(), "a new process");

        try (DynamoDbClient dynamo = DynamoClients.sync(config, Duration.ofSeconds(5))) {
            var item = dynamo.getItem(b -> b.tableName(config.profileTable()).key(Map.of("id", AttributeValue.fromS("p-1")))).item();
            assertEquals("Ada", item.get("name").s());
        }
    }

    @Test
    void killedDynaliteComesBackOnTheSamePort() {
        PipelineConfig config = stack.config();
        stack.kill(PipelineStack.DYNALITE);
        Await.until("dynalite is gone", Duration.ofSeconds(10), () -> !stack.isRunning(PipelineStack.DYNALITE));
        assertFalse(Readiness.dynamo(config));
        // shared() brings back what a test left down.
        TestStack.shared();
        assertTrue(Readiness.dynamo(config));
    }

    @Test
    void secondAttachFindsTheSameStack() {
        StackState state = StackState.read(stack.home());
        assertTrue(state.components().containsKey(PipelineStack.KAFKA));
        assertEquals(state.kafkaBootstrapServers(), TestStack.shared().config().kafkaBootstrapServers());
        assertTrue(stack.isRunning(PipelineStack.KAFKA));
    }

    private static List<String> keys(List<KeySchemaElement> schema) {
        return schema.stream().map(k -> k.attributeName() + ":" + k.keyTypeAsString()).collect(Collectors.toList());
    }

    private static Map<String, List<String>> indexes(TableDescription table) {
        return table.globalSecondaryIndexes().stream().collect(Collectors.toMap(
                GlobalSecondaryIndexDescription::indexName, i -> keys(i.keySchema())));
    }
}
