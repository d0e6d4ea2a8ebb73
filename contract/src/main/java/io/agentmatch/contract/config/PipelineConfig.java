package io.agentmatch.contract.config;

import io.agentmatch.contract.events.Topics;

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
        String topicPrefix,
        int topicPartitions,
        short replicationFactor,
        String processorApplicationId) {

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
                env.get("TOPIC_PREFIX", ""),
                env.getInt("TOPIC_PARTITIONS", 6),
                (short) env.getInt("TOPIC_REPLICATION_FACTOR", 1),
                env.get("PROCESSOR_APPLICATION_ID", "agentmatch-processor"));
    }

    public static PipelineConfig fromEnv() {
        return fromEnv(Env.system());
    }

    public Topics topics() {
        return new Topics(topicPrefix);
    }

    public PipelineConfig withKafka(String bootstrap) {
        return new PipelineConfig(bootstrap, dynamoDbEndpoint, awsRegion, profileTable, conversationTable,
                billingMode, topicPrefix, topicPartitions, replicationFactor, processorApplicationId);
    }

    public PipelineConfig withDynamoDb(String endpoint) {
        return new PipelineConfig(kafkaBootstrapServers, endpoint, awsRegion, profileTable, conversationTable,
                billingMode, topicPrefix, topicPartitions, replicationFactor, processorApplicationId);
    }

    /** An isolated namespace on the same cluster: own topics, tables and processor group. Tests use it. */
    public PipelineConfig isolated(String namespace) {
        return new PipelineConfig(kafkaBootstrapServers, dynamoDbEndpoint, awsRegion,
                namespace + "-agent-profiles", namespace + "-agent-conversations", billingMode,
                namespace + ".", topicPartitions, replicationFactor, namespace + "-processor");
    }
}
