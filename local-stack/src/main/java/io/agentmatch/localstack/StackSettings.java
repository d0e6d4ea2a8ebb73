package io.agentmatch.localstack;

import io.agentmatch.contract.config.Setting;
import io.agentmatch.contract.kafka.KafkaConnection;
import java.util.List;

/**
 * The settings of the local stack ({@code ./pipeline} and the tests' {@link TestStack}): where its
 * home is, its ports, how its processes run. Those marked "read by ./pipeline" are read by the
 * shell script itself; they are declared here so that they are documented and checked like the rest.
 */
public final class StackSettings {
    public static final Setting<String> PIPELINE_HOME = Setting.text("PIPELINE_HOME", null,
            "data and logs of one local stack; down/status act on it (default .pipeline, tests .pipeline-test)");
    public static final Setting<Integer> KAFKA_CONTROLLER_PORT = Setting.port("KAFKA_CONTROLLER_PORT", 9093,
            "the local broker's controller port (default KAFKA_PORT+1)");
    public static final Setting<KafkaSecurity> LOCAL_KAFKA_SECURITY = Setting.choice("LOCAL_KAFKA_SECURITY", KafkaSecurity.class,
            KafkaSecurity.PLAINTEXT, "the local broker's client listener: plaintext, or sasl_ssl (SCRAM-SHA-512 over TLS, ACLs,"
                    + " one principal per component, client files in <home>/kafka-clients; docs/LOCAL_STACK.md)");
    public static final Setting<Integer> DYNAMODB_PORT = Setting.port("DYNAMODB_PORT", 8000, "the local dynalite's port");
    public static final Setting<String> PROCESSOR_JAVA_OPTS = Setting.text("PROCESSOR_JAVA_OPTS",
            "-Xmx768m -XX:TieredStopAtLevel=1", "JVM options of the processors the stack starts (C1 only: BENCHMARKS.md,"
                    + " \"Where the processor's CPU goes at 100/s\")");
    public static final Setting<String> API_JAVA_OPTS = Setting.text("API_JAVA_OPTS",
            "-Xmx600m -XX:-G1UseAdaptiveIHOP -XX:InitiatingHeapOccupancyPercent=75",
            "JVM options of the APIs the stack starts");
    public static final Setting<String> NODE_BINARY = Setting.text("NODE_BINARY", "node", "the Node.js that runs dynalite");
    public static final Setting<String> STACK_MODE = Setting.text("STACK_MODE", "local",
            "tests: local (processes) or containers (Testcontainers, needs Docker and -Pcontainers)");
    public static final Setting<Boolean> TEST_STACK_REAL_AWS = Setting.flag("TEST_STACK_REAL_AWS", false,
            "tests: honour a bare AWS_REGION (real AWS DynamoDB) instead of ignoring it");
    public static final Setting<Boolean> PIPELINE_SKIP_BUILD = Setting.flag("PIPELINE_SKIP_BUILD", false,
            "read by ./pipeline: up/start never run mvn");
    public static final Setting<String> MIGRATOR_JAVA_OPTS = Setting.text("MIGRATOR_JAVA_OPTS", "",
            "read by ./pipeline: JVM options of the migrator commands");
    public static final Setting<String> BENCH_HOME = Setting.text("BENCH_HOME", ".pipeline-bench",
            "read by ./pipeline: the benchmark's own stack home (wiped at start)");
    public static final Setting<String> BENCH_JAVA_OPTS = Setting.text("BENCH_JAVA_OPTS", "-Xmx1g",
            "read by ./pipeline: JVM options of the benchmark driver");
    public static final Setting<String> PIPELINE_CHAOS_HOME = Setting.text("PIPELINE_CHAOS_HOME", ".pipeline-chaos",
            "read by ./pipeline: the chaos suite's own stack home");
    public static final Setting<Boolean> PIPELINE_CHAOS_HOME_KEEP = Setting.flag("PIPELINE_CHAOS_HOME_KEEP", false,
            "read by ./pipeline: chaos runs on PIPELINE_HOME even when it is the developer's .pipeline");
    public static final Setting<String> CHAOS_JAVA_OPTS = Setting.text("CHAOS_JAVA_OPTS", "",
            "read by ./pipeline: JVM options of the chaos driver");

    public static final List<Setting<?>> SETTINGS = List.of(PIPELINE_HOME, KafkaConnection.LOCAL_PORT, KAFKA_CONTROLLER_PORT,
            LOCAL_KAFKA_SECURITY, DYNAMODB_PORT, PROCESSOR_JAVA_OPTS, API_JAVA_OPTS, NODE_BINARY, STACK_MODE, TEST_STACK_REAL_AWS,
            PIPELINE_SKIP_BUILD, MIGRATOR_JAVA_OPTS, BENCH_HOME, BENCH_JAVA_OPTS, PIPELINE_CHAOS_HOME, PIPELINE_CHAOS_HOME_KEEP, CHAOS_JAVA_OPTS);

    private StackSettings() {
    }
}
