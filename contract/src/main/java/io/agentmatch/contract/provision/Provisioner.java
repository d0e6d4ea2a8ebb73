package io.agentmatch.contract.provision;

import io.agentmatch.contract.config.PipelineConfig;
import io.agentmatch.contract.kafka.KafkaClients;
import io.agentmatch.contract.kafka.KafkaFailures;
import io.agentmatch.contract.storage.TableDefinitions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableResponse;
import software.amazon.awssdk.services.dynamodb.model.IndexStatus;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/**
 * The one home of "make the platform's topics and tables exist", for every caller (the local stack,
 * the processor, the migrator, tests and benchmarks).
 *
 * <p>Invariants: it looks before it creates, so it never calls {@code CreateTopics} or
 * {@code CreateTable} for what exists (a least-privilege principal without CREATE runs it against
 * provisioned resources); with creation off ({@code KAFKA_CREATE_TOPICS=false},
 * {@code DYNAMODB_CREATE_TABLES=false}) it creates nothing at all; and it never starts a component
 * on resources that would lose data: a missing table or topic, a table whose keys or GSIs differ
 * from the contract, or an event topic that is compacted, refuses with one message naming every
 * mismatch. Smaller differences (partition count, finite retention) are warnings.
 */
public final class Provisioner {
    private static final Logger LOG = LoggerFactory.getLogger(Provisioner.class);

    private final PipelineConfig config;
    private final KafkaClients clients;

    public Provisioner(PipelineConfig config, KafkaClients clients) {
        this.config = config;
        this.clients = clients;
    }

    /** Every topic and both tables. */
    public void ensureAll(DynamoDbClient dynamo, Duration timeout) {
        ensureTopics(config.topics().all(config.topicPartitions(), config.replicationFactor()), timeout);
        ensureTables(dynamo, timeout);
    }

    // --- topics ----------------------------------------------------------------------------------

    /** The platform topics whose names are in {@code names}. */
    public void ensureTopics(Collection<String> names, Duration timeout) {
        ensureTopics(config.topics().all(config.topicPartitions(), config.replicationFactor()).stream()
                .filter(t -> names.contains(t.name())).toList(), timeout);
    }

    public void ensureTopics(List<NewTopic> wanted, Duration timeout) {
        try (Admin admin = clients.admin("provisioner")
                .tune(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(15_000, timeout.toMillis()))
                .tune(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis())
                .newAdmin()) {
            Set<String> names = wanted.stream().map(NewTopic::name).collect(Collectors.toSet());
            Map<String, TopicDescription> existing = describe(admin, names, timeout);
            List<NewTopic> missing = wanted.stream().filter(t -> !existing.containsKey(t.name())).toList();
            List<String> problems = new ArrayList<>(checkExisting(admin, wanted, existing, timeout));
            if (!missing.isEmpty() && !config.createTopics()) {
                problems.add("topics missing and " + PipelineConfig.KAFKA_CREATE_TOPICS.name() + "=false: "
                        + missing.stream().map(NewTopic::name).toList() + " (create them as docs/EVENTS.md describes)");
            }
            if (!problems.isEmpty()) {
                throw new ProvisioningException("Kafka topics are not as the pipeline needs them: " + String.join("; ", problems));
            }
            if (!missing.isEmpty()) {
                create(admin, missing, timeout);
            }
        }
    }

    private Map<String, TopicDescription> describe(Admin admin, Set<String> names, Duration timeout) {
        Map<String, TopicDescription> found = new java.util.HashMap<>();
        for (var entry : admin.describeTopics(names).topicNameValues().entrySet()) {
            try {
                found.put(entry.getKey(), get(entry.getValue(), timeout, "describing topic " + entry.getKey()));
            } catch (ProvisioningException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
        }
        return found;
    }

    private List<String> checkExisting(Admin admin, List<NewTopic> wanted, Map<String, TopicDescription> existing, Duration timeout) {
        List<String> problems = new ArrayList<>();
        List<NewTopic> present = wanted.stream().filter(t -> existing.containsKey(t.name())).toList();
        if (present.isEmpty()) {
            return problems;
        }
        for (NewTopic topic : present) {
            int partitions = existing.get(topic.name()).partitions().size();
            if (partitions != topic.numPartitions()) {
                LOG.warn("topic {} has {} partitions, the pipeline would create {} (fine, but it bounds the instances that share the work)",
                        topic.name(), partitions, topic.numPartitions());
            }
        }
        Map<ConfigResource, Config> configs;
        try {
            configs = get(admin.describeConfigs(present.stream()
                    .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t.name())).toList()).all(), timeout, "describing topic configs");
        } catch (ProvisioningException e) {
            LOG.warn("cannot check the topics' configuration ({}); going on without that check", e.getMessage());
            return problems;
        }
        for (NewTopic topic : present) {
            Config actual = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic.name()));
            String wantPolicy = topic.configs().get("cleanup.policy");
            String policy = value(actual, "cleanup.policy");
            if (wantPolicy != null && policy != null && !policy.equals(wantPolicy)) {
                problems.add("topic " + topic.name() + " has cleanup.policy=" + policy + ", expected " + wantPolicy
                        + ("delete".equals(wantPolicy) ? " (a compacted event log loses the history replay and rollback read)" : ""));
            }
            if ("-1".equals(topic.configs().get("retention.ms")) && !"-1".equals(value(actual, "retention.ms"))) {
                LOG.warn("topic {} keeps records for retention.ms={} only: replay, verify and rollback read its whole history",
                        topic.name(), value(actual, "retention.ms"));
            }
        }
        return problems;
    }

    private static String value(Config config, String name) {
        return config == null || config.get(name) == null ? null : config.get(name).value();
    }

    private void create(Admin admin, List<NewTopic> missing, Duration timeout) {
        for (var entry : admin.createTopics(missing).values().entrySet()) {
            try {
                entry.getValue().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                LOG.info("created topic {}", entry.getKey());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw failure("creating topic " + entry.getKey(), e.getCause());
                }
            } catch (TimeoutException e) {
                throw new ProvisioningException("creating topic " + entry.getKey() + " took over " + timeout.toSeconds() + " s");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ProvisioningException("interrupted while creating topics");
            }
        }
    }

    private static <T> T get(KafkaFuture<T> future, Duration timeout, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw failure(what, e.getCause());
        } catch (TimeoutException e) {
            throw new ProvisioningException(what + ": no answer from Kafka within " + timeout.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProvisioningException("interrupted while " + what);
        }
    }

    private static ProvisioningException failure(String what, Throwable cause) {
        String message = KafkaFailures.securityProblem(cause).orElse(KafkaFailures.rootMessage(cause));
        return new ProvisioningException(what + ": " + message, cause);
    }

    // --- tables ----------------------------------------------------------------------------------

    /** Both tables: created when missing and allowed, checked against the contract when present. */
    public void ensureTables(DynamoDbClient dynamo, Duration timeout) {
        List<String> problems = new ArrayList<>();
        List<CreateTableRequest> missing = new ArrayList<>();
        for (CreateTableRequest wanted : TableDefinitions.all(config)) {
            TableDescription actual = describeTable(dynamo, wanted.tableName());
            if (actual == null) {
                missing.add(wanted);
            } else {
                problems.addAll(TableSchemaCheck.mismatches(wanted, actual));
            }
        }
        if (!missing.isEmpty() && !config.createTables()) {
            problems.add("tables missing and " + PipelineConfig.DYNAMODB_CREATE_TABLES.name() + "=false: "
                    + missing.stream().map(CreateTableRequest::tableName).toList());
        }
        if (!problems.isEmpty()) {
            throw new ProvisioningException("DynamoDB tables are not as the pipeline needs them: " + String.join("; ", problems));
        }
        for (CreateTableRequest request : missing) {
            try {
                dynamo.createTable(request);
                LOG.info("created table {}", request.tableName());
            } catch (ResourceInUseException beingCreated) {
                LOG.debug("table {} is being created by someone else", request.tableName());
            }
        }
        for (CreateTableRequest request : TableDefinitions.all(config)) {
            awaitActive(dynamo, request.tableName(), timeout);
        }
    }

    /** The table's description, or null when it does not exist. */
    public static TableDescription describeTable(DynamoDbClient dynamo, String table) {
        try {
            return dynamo.describeTable(b -> b.tableName(table)).table();
        } catch (ResourceNotFoundException e) {
            return null;
        }
    }

    /**
     * Polls every 100 ms until the table and its indexes are ACTIVE: the SDK's waiters poll every
     * 20 s, which against dynalite is pure waiting.
     */
    public static void awaitActive(DynamoDbClient dynamo, String table, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            DescribeTableResponse description = dynamo.describeTable(b -> b.tableName(table));
            boolean tableActive = description.table().tableStatus() == TableStatus.ACTIVE;
            boolean indexesActive = description.table().globalSecondaryIndexes().stream()
                    .allMatch(index -> index.indexStatus() == IndexStatus.ACTIVE);
            if (tableActive && indexesActive) {
                return;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new ProvisioningException("table " + table + " not ACTIVE after " + timeout);
            }
            pause(table);
        }
    }

    /** Deletes the table and waits until it is gone (tests and the replay's fresh start). */
    public static void deleteTableIfExists(DynamoDbClient dynamo, String table, Duration timeout) {
        try {
            dynamo.deleteTable(b -> b.tableName(table));
        } catch (ResourceNotFoundException e) {
            return;
        }
        Instant deadline = Instant.now().plus(timeout);
        while (describeTable(dynamo, table) != null) {
            if (Instant.now().isAfter(deadline)) {
                throw new ProvisioningException("table " + table + " still exists after " + timeout);
            }
            pause(table);
        }
        LOG.info("deleted table {}", table);
    }

    private static void pause(String table) {
        try {
            Thread.sleep(100); // polling a remote state with a deadline, not synchronisation
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProvisioningException("interrupted while waiting for table " + table);
        }
    }
}
