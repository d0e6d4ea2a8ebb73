package io.agentmatch.contract.config;

import io.agentmatch.contract.events.Groups;
import io.agentmatch.contract.events.Topics;
import io.agentmatch.contract.kafka.KafkaConnection;
import io.agentmatch.contract.storage.DynamoClients;
import java.util.List;

/**
 * The settings every component shares, read once from the environment. Names follow the owners'
 * migration guide where it names them ({@code AWS_REGION}, {@code PROFILE_TABLE_NAME}, ...).
 *
 * @param kafka            how to reach the Kafka cluster, security included ({@link KafkaConnection})
 * @param dynamoDbEndpoint null means the real AWS endpoint for the region
 * @param awsRegion        the configured region ({@code AWS_REGION}, else {@code AWS_DEFAULT_REGION});
 *                         null: not configured, {@code DynamoClients} asks the SDK's region chain (the
 *                         profile, instance metadata) and falls back to {@code us-east-1}
 * @param createTables     false: never call CreateTable; check that the tables exist as expected
 * @param createTopics     false: never call CreateTopics; check that the topics exist
 */
public record PipelineConfig(
        KafkaConnection kafka,
        String dynamoDbEndpoint,
        String awsRegion,
        String profileTable,
        String conversationTable,
        BillingMode billingMode,
        boolean createTables,
        String topicPrefix,
        int topicPartitions,
        short replicationFactor,
        boolean createTopics,
        String processorApplicationId) {

    public enum BillingMode { PAY_PER_REQUEST, PROVISIONED }

    public static final Setting<String> DYNAMODB_ENDPOINT = Setting.text("DYNAMODB_ENDPOINT", null,
            "a DynamoDB-compatible endpoint (dynalite, LocalStack); unset: AWS DynamoDB in the region");
    public static final Setting<String> AWS_REGION = Setting.text("AWS_REGION", null,
            "the AWS region of DynamoDB; unset: AWS_DEFAULT_REGION, the profile's region, instance metadata, else us-east-1");
    /** Read by the AWS CLI and set by EKS next to AWS_REGION; the SDK v2's own region chain ignores it. */
    public static final Setting<String> AWS_DEFAULT_REGION = Setting.text("AWS_DEFAULT_REGION", null,
            "the region when AWS_REGION is unset (the AWS CLI's variable)");
    public static final Setting<String> PROFILE_TABLE_NAME = Setting.text("PROFILE_TABLE_NAME", "agent-profiles",
            "the profile table");
    public static final Setting<String> CONVERSATION_TABLE_NAME = Setting.text("CONVERSATION_TABLE_NAME",
            "agent-conversations", "the conversation table");
    public static final Setting<BillingMode> DYNAMODB_BILLING_MODE = Setting.choice("DYNAMODB_BILLING_MODE",
            BillingMode.class, BillingMode.PAY_PER_REQUEST, "billing mode of tables we create (PROVISIONED: 10/10, GSIs 5/5, as in the guide)");
    public static final Setting<Boolean> DYNAMODB_CREATE_TABLES = Setting.flag("DYNAMODB_CREATE_TABLES", true,
            "create missing tables; false: never call CreateTable, refuse to start unless the tables exist with the expected keys and GSIs");
    public static final Setting<String> TOPIC_PREFIX = Setting.text("TOPIC_PREFIX", "",
            "prefix of every topic name");
    public static final Setting<Integer> TOPIC_PARTITIONS = Setting.integer("TOPIC_PARTITIONS", 6, 1, 100_000,
            "partitions of topics we create");
    public static final Setting<Integer> TOPIC_REPLICATION_FACTOR = Setting.integer("TOPIC_REPLICATION_FACTOR", 1, 1,
            Short.MAX_VALUE, "replication factor of topics we create (3 on a real cluster; min.insync.replicas = RF-1)");
    public static final Setting<Boolean> KAFKA_CREATE_TOPICS = Setting.flag("KAFKA_CREATE_TOPICS", true,
            "create missing topics; false: never call CreateTopics, refuse to start unless the topics exist");
    public static final Setting<String> PROCESSOR_APPLICATION_ID = Setting.text("PROCESSOR_APPLICATION_ID",
            "agentmatch-processor", "Kafka Streams application id of the persister (the projector uses <id>-projector)");

    /** Shared by every component; each component logs them at start with its own. */
    public static final List<Setting<?>> SETTINGS = List.of(KafkaConnection.BOOTSTRAP_SERVERS, KafkaConnection.CONFIG_FILE,
            KAFKA_CREATE_TOPICS, DYNAMODB_ENDPOINT, AWS_REGION, AWS_DEFAULT_REGION, PROFILE_TABLE_NAME, CONVERSATION_TABLE_NAME,
            DYNAMODB_BILLING_MODE, DYNAMODB_CREATE_TABLES, TOPIC_PREFIX, TOPIC_PARTITIONS, TOPIC_REPLICATION_FACTOR,
            PROCESSOR_APPLICATION_ID, DynamoClients.OPERATION_LOG);

    public static PipelineConfig fromEnv(Env env) {
        return new PipelineConfig(
                KafkaConnection.fromEnv(env),
                DYNAMODB_ENDPOINT.read(env),
                AWS_REGION.isSet(env) ? AWS_REGION.read(env) : AWS_DEFAULT_REGION.read(env),
                PROFILE_TABLE_NAME.read(env),
                CONVERSATION_TABLE_NAME.read(env),
                DYNAMODB_BILLING_MODE.read(env),
                DYNAMODB_CREATE_TABLES.read(env),
                TOPIC_PREFIX.read(env),
                TOPIC_PARTITIONS.read(env),
                TOPIC_REPLICATION_FACTOR.read(env).shortValue(),
                KAFKA_CREATE_TOPICS.read(env),
                PROCESSOR_APPLICATION_ID.read(env));
    }

    public static PipelineConfig fromEnv() {
        return fromEnv(Env.system());
    }

    public Topics topics() {
        return new Topics(topicPrefix);
    }

    /** The processor's application ids and the platform's other consumer groups. */
    public Groups groups() {
        return new Groups(processorApplicationId);
    }

    public String kafkaBootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** The same cluster and security at other bootstrap servers. */
    public PipelineConfig withKafka(String bootstrap) {
        return withKafka(kafka.withBootstrapServers(bootstrap));
    }

    public PipelineConfig withKafka(KafkaConnection connection) {
        return new PipelineConfig(connection, dynamoDbEndpoint, awsRegion, profileTable, conversationTable, billingMode,
                createTables, topicPrefix, topicPartitions, replicationFactor, createTopics, processorApplicationId);
    }

    public PipelineConfig withDynamoDb(String endpoint) {
        return new PipelineConfig(kafka, endpoint, awsRegion, profileTable, conversationTable, billingMode,
                createTables, topicPrefix, topicPartitions, replicationFactor, createTopics, processorApplicationId);
    }

    /** Whether components may create what is missing (false: they only check what exists). */
    public PipelineConfig withCreation(boolean topics, boolean tables) {
        return new PipelineConfig(kafka, dynamoDbEndpoint, awsRegion, profileTable, conversationTable, billingMode,
                tables, topicPrefix, topicPartitions, replicationFactor, topics, processorApplicationId);
    }

    /** An isolated namespace on the same cluster: own topics, tables and processor group. Tests use it. */
    public PipelineConfig isolated(String namespace) {
        return new PipelineConfig(kafka, dynamoDbEndpoint, awsRegion,
                namespace + "-agent-profiles", namespace + "-agent-conversations", billingMode, createTables,
                namespace + ".", topicPartitions, replicationFactor, createTopics, namespace + "-processor");
    }
}
