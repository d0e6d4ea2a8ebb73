package io.agentmatch.processor.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentmatch.contract.config.PipelineConfig;
import io.agentmatch.contract.provision.Provisioner;
import io.agentmatch.contract.provision.ProvisioningException;
import io.agentmatch.contract.storage.DynamoClients;
import io.agentmatch.contract.storage.TableDefinitions;
import io.agentmatch.localstack.Readiness;
import io.agentmatch.localstack.TestStack;
import io.agentmatch.processor.ProcessorApp;
import io.agentmatch.processor.ProcessorSettings;
import io.agentmatch.processor.persist.PersistSettings;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;

/** Where the user owns the resources, the processor creates nothing and refuses resources it cannot use. */
class ProvisioningIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static TestStack stack;

    @BeforeAll
    static void stack() {
        stack = TestStack.shared();
    }

    private static ProcessorSettings settings() throws Exception {
        return new ProcessorSettings(Files.createTempDirectory("provisioning"), 1, -1,
                new PersistSettings(4, Duration.ofMillis(20), 1000), 32, Duration.ofMillis(100), false, Duration.ofMillis(100));
    }

    @Test
    void withTableCreationOffATableWithoutItsGsiRefusesToStartNamingIt() throws Exception {
        PipelineConfig config = stack.isolatedConfig("provision-gsi").withCreation(true, false);
        try (DynamoDbClient dynamo = DynamoClients.sync(config, Duration.ofSeconds(10))) {
            // The user's table: the right key, but only one of the two GSIs the pipeline queries.
            Provisioner.deleteTableIfExists(dynamo, config.profileTable(), TIMEOUT);
            CreateTableRequest full = TableDefinitions.profiles(config.profileTable(), config.billingMode());
            dynamo.createTable(full.toBuilder().globalSecondaryIndexes(full.globalSecondaryIndexes().stream()
                    .filter(i -> i.indexName().equals(TableDefinitions.JOB_INDEX)).toList()).build());
            Provisioner.awaitActive(dynamo, config.profileTable(), TIMEOUT);

            var refused = assertThrows(ProvisioningException.class, () -> ProcessorApp.start(config, settings()).close());
            assertTrue(refused.getMessage().contains("has no GSI " + TableDefinitions.LOCATION_INDEX), refused.getMessage());
            assertTrue(refused.getMessage().contains(config.profileTable()), refused.getMessage());

            // And nothing was created in its place.
            Provisioner.deleteTableIfExists(dynamo, config.profileTable(), TIMEOUT);
            var missing = assertThrows(ProvisioningException.class, () -> ProcessorApp.start(config, settings()).close());
            assertTrue(missing.getMessage().contains("tables missing and DYNAMODB_CREATE_TABLES=false: [" + config.profileTable() + "]"),
                    missing.getMessage());
            assertEquals(null, Provisioner.describeTable(dynamo, config.profileTable()), "CreateTable was never called");
        }
    }

    @Test
    void withTopicCreationOffMissingTopicsAreNamedAndNotCreated() throws Exception {
        PipelineConfig provisioned = stack.isolatedConfig("provision-topics");
        PipelineConfig fresh = provisioned.isolated("provision-topics-absent" + System.nanoTime()).withCreation(false, true);
        var refused = assertThrows(ProvisioningException.class, () -> ProcessorApp.start(fresh, settings()).close());
        assertTrue(refused.getMessage().contains("topics missing and KAFKA_CREATE_TOPICS=false"), refused.getMessage());
        assertTrue(refused.getMessage().contains(fresh.topics().profileEvents()), refused.getMessage());
        try (Admin admin = Readiness.admin(fresh.kafka(), 5000)) {
            Set<String> names = admin.listTopics().names().get();
            assertTrue(names.stream().noneMatch(n -> n.startsWith(fresh.topicPrefix())), "no topic was created: " + names);
        }
        try (DynamoDbClient dynamo = DynamoClients.sync(fresh, Duration.ofSeconds(10))) {
            for (String table : List.of(fresh.profileTable(), fresh.conversationTable())) {
                Provisioner.deleteTableIfExists(dynamo, table, TIMEOUT);
            }
        }
    }
}
