package io.agentmatch.localstack.containers;

import io.agentmatch.localstack.ContainerServices;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * {@code STACK_MODE=containers}: Kafka ({@code apache/kafka}, KRaft) and LocalStack (DynamoDB) in
 * containers, one pair per test JVM (Testcontainers' Ryuk removes them when the JVM exits). Only
 * compiled with {@code -Pcontainers}; {@link io.agentmatch.localstack.TestStack} loads it by name.
 *
 * <p>Fault injection: {@code stop}/{@code start} pause and unpause the container (ports stay);
 * {@code kill} kills it, and a later {@code start} starts it again, when Docker may assign new host ports.
 */
public final class TestcontainersServices implements ContainerServices {
    private static final String KAFKA_IMAGE = System.getProperty("kafka.image", "apache/kafka:4.0.0");
    private static final String LOCALSTACK_IMAGE = System.getProperty("localstack.image", "localstack/localstack:4.4");

    private final KafkaContainer kafka;
    private final LocalStackContainer localstack;

    public TestcontainersServices() {
        kafka = new KafkaContainer(DockerImageName.parse(KAFKA_IMAGE))
                .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
                .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0")
                .withEnv("KAFKA_NUM_PARTITIONS", "6");
        localstack = new LocalStackContainer(DockerImageName.parse(LOCALSTACK_IMAGE)).withServices("dynamodb");
        kafka.start();
        localstack.start();
    }

    @Override
    public String kafkaBootstrapServers() {
        return kafka.getBootstrapServers();
    }

    @Override
    public String dynamoDbEndpoint() {
        return localstack.getEndpoint().toString();
    }

    @Override
    public String awsRegion() {
        return localstack.getRegion();
    }

    @Override
    public void stop(String name) {
        GenericContainer<?> container = container(name);
        container.getDockerClient().pauseContainerCmd(container.getContainerId()).exec();
    }

    @Override
    public void start(String name) {
        GenericContainer<?> container = container(name);
        var state = container.getDockerClient().inspectContainerCmd(container.getContainerId()).exec().getState();
        if (Boolean.TRUE.equals(state.getPaused())) {
            container.getDockerClient().unpauseContainerCmd(container.getContainerId()).exec();
        } else if (!Boolean.TRUE.equals(state.getRunning())) {
            container.getDockerClient().startContainerCmd(container.getContainerId()).exec();
        }
    }

    @Override
    public void kill(String name) {
        GenericContainer<?> container = container(name);
        container.getDockerClient().killContainerCmd(container.getContainerId()).exec();
    }

    @Override
    public boolean isRunning(String name) {
        GenericContainer<?> container = container(name);
        var state = container.getDockerClient().inspectContainerCmd(container.getContainerId()).exec().getState();
        return Boolean.TRUE.equals(state.getRunning()) && !Boolean.TRUE.equals(state.getPaused());
    }

    private GenericContainer<?> container(String name) {
        return switch (name) {
            case "kafka" -> kafka;
            case "dynalite", "dynamodb", "localstack" -> localstack;
            default -> throw new IllegalArgumentException("no container " + name + " (kafka, dynalite)");
        };
    }
}
