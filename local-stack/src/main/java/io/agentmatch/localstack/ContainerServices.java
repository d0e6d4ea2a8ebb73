package io.agentmatch.localstack;

/**
 * Kafka and DynamoDB run by someone else than this module's process supervisor: the Testcontainers
 * backend ({@code STACK_MODE=containers}, built with {@code -Pcontainers}) implements it.
 * Component names are {@code kafka} and {@code dynalite} (the DynamoDB service, whatever runs it).
 */
public interface ContainerServices {
    String IMPLEMENTATION = "io.agentmatch.localstack.containers.TestcontainersServices";

    String kafkaBootstrapServers();

    String dynamoDbEndpoint();

    String awsRegion();

    void stop(String name);

    void start(String name);

    void kill(String name);

    boolean isRunning(String name);
}
