package io.agentmatch.contract.config;

/**
 * The settings every component shares, read once from the environment. Names follow the owners'
 * migration guide where it names them ({@code AWS_REGION}, {@code PROFILE_TABLE_NAME}, ...).
 */
public record PipelineConfig(
        String kafkaBootstrapServers,
        String dynamoDbEndpoint,
        String awsRegion,
        String profileTable,
        String conversationTable,
        BillingMode billingMode,
        int topicPartitions,
        short replicationFactor) {

    public enum BillingMode { PAY_PER_REQUEST, PROVISIONED }

    public static PipelineConfig fromEnv(Env env) {
        return new PipelineConfig(
                env.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + env.get("KAFKA_PORT", "9092")),
                // null means the real AWS endpoint for AWS_REGION.
                env.get("DYNAMODB_ENDPOINT", null),
                env.get("AWS_REGION", "us-east-1"),
                env.get("PROFILE_TABLE_NAME", "agent-profiles"),
                env.get("CONVERSATION_TABLE_NAME", "agent-conversations"),
                BillingMode.valueOf(env.get("DYNAMODB_BILLING_MODE", "PAY_PER_REQUEST").toUpperCase()),
                env.getInt("TOPIC_PARTITIONS", 6),
                (short) env.getInt("TOPIC_REPLICATION_FACTOR", 1));
    }

    public static PipelineConfig fromEnv() {
        return fromEnv(Env.system());
    }

    public PipelineConfig withKafka(String bootstrap) {
        return new PipelineConfig(bootstrap, dynamoDbEndpoint, awsRegion, profileTable, conversationTable,
                billingMode, topicPartitions, replicationFactor);
    }

    public PipelineConfig withDynamoDb(String endpoint) {
        return new PipelineConfig(kafkaBootstrapServers, endpoint, awsRegion, profileTable, conversationTable,
                billingMode, topicPartitions, replicationFactor);
    }

    public PipelineConfig withTables(String profiles, String conversations) {
        return new PipelineConfig(kafkaBootstrapServers, dynamoDbEndpoint, awsRegion, profiles, conversations,
                billingMode, topicPartitions, replicationFactor);
    }
}
