package io.agentmatch.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;

/**
 * The local broker's files before it starts: {@code server.properties} (KRaft, broker and controller
 * in one JVM, single node), its log4j2 configuration, and, once per home, the formatted storage;
 * on a secured broker ({@link SecureBroker}) also its CA, certificates and SCRAM credentials.
 */
final class BrokerSetup {
    private final RepositoryLayout layout;
    private final Path home;
    private final ProcessSupervisor processes;

    BrokerSetup(RepositoryLayout layout, Path home, ProcessSupervisor processes) {
        this.layout = layout;
        this.home = home;
        this.processes = processes;
    }

    /** Writes the broker's configuration (and on a secured broker its certificates and credentials), formatting new storage. */
    void prepare(StackState state) {
        if (!Files.isDirectory(layout.kafkaLibs())) {
            throw new IllegalStateException(layout.kafkaLibs() + " is missing: build it with "
                    + "`mvn -B -DskipTests -pl local-stack -am install`");
        }
        try {
            Path config = home.resolve("kafka");
            Path data = home.resolve("data").resolve("kafka");
            Files.createDirectories(config);
            Files.createDirectories(data);
            boolean formatted = Files.isRegularFile(data.resolve("meta.properties"));
            SecureBroker secure = state.secured() ? new SecureBroker(home) : null;
            if (secure != null) {
                if (formatted && !SecureBroker.formattedWithCredentials(data)) {
                    throw new IllegalStateException("kafka: the storage in " + data + " was formatted for a plaintext broker, without"
                            + " the SCRAM credentials LOCAL_KAFKA_SECURITY=sasl_ssl needs: use another PIPELINE_HOME, or delete "
                            + data + " (its topics go with it)");
                }
                secure.prepare(state, formatted);
                // It holds the broker's password and keystore password.
                OwnerOnly.write(config.resolve("server.properties"), serverProperties(state, data));
            } else {
                Files.writeString(config.resolve("server.properties"), serverProperties(state, data), StandardCharsets.UTF_8);
            }
            Files.writeString(config.resolve("log4j2.xml"), LOG4J2, StandardCharsets.UTF_8);
            if (!formatted) {
                format(config, data, secure);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Formats the broker's storage; for a secured broker with every principal's SCRAM credential,
     * whose passwords go through an owner-only argument file (never a command line) and whose
     * output (the credentials' salted keys) goes to an owner-only log instead of kafka.log.
     */
    private void format(Path config, Path data, SecureBroker secure) throws IOException {
        List<String> tool = new ArrayList<>(List.of("kafka.tools.StorageTool", "format", "--standalone",
                "-t", Uuid.randomUuid().toString(), "-c", config.resolve("server.properties").toString()));
        List<String> command = new ArrayList<>(List.of(RepositoryLayout.java(), "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-Dlog4j2.configurationFile=" + config.resolve("log4j2.xml"), "-cp", layout.kafkaLibs().resolve("*").toString()));
        Path log = processes.logFile(PipelineStack.KAFKA);
        Path argFile = null;
        if (secure != null) {
            tool.addAll(secure.scramArguments());
            argFile = secure.securityDir().resolve("format.args");
            OwnerOnly.write(argFile, String.join("\n", tool.stream().map(BrokerSetup::argFileQuote).toList()) + "\n");
            command.add("@" + argFile);
            log = secure.securityDir().resolve("format.log");
            OwnerOnly.write(log, "");
        } else {
            command.addAll(tool);
        }
        try {
            runFormat(command, log, data);
        } finally {
            if (argFile != null) {
                Files.deleteIfExists(argFile);
            }
        }
        if (secure != null) {
            SecureBroker.markFormattedWithCredentials(data);
        }
    }

    /** An argument for a java launcher argument file ({@code java @file}): quoted, backslashes and quotes escaped. */
    static String argFileQuote(String arg) {
        return "\"" + arg.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private void runFormat(List<String> command, Path log, Path data) throws IOException {
        Files.createDirectories(log.getParent());
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        try {
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("formatting Kafka storage in " + data + " took over 120 s");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while formatting Kafka storage", e);
        }
        if (process.exitValue() != 0) {
            // The secured format's own log holds the credentials' salted keys: named, not shown.
            throw new IllegalStateException("formatting Kafka storage failed (exit " + process.exitValue() + "); "
                    + (log.equals(processes.logFile(PipelineStack.KAFKA)) ? "end of " + log + ":\n" + processes.tail(PipelineStack.KAFKA, 20) : "see " + log));
        }
    }

    static String serverProperties(StackState state, Path data) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + state.kafkaPort() + ",CONTROLLER://127.0.0.1:" + state.controllerPort());
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + state.kafkaPort());
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("controller.quorum.bootstrap.servers", "127.0.0.1:" + state.controllerPort());
        props.put("log.dirs", data.toString());
        props.put("num.partitions", "6");
        props.put("default.replication.factor", "1");
        props.put("min.insync.replicas", "1");
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "10");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "10");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("auto.create.topics.enable", "false");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("log.segment.bytes", Integer.toString(64 * 1024 * 1024));
        props.put("num.network.threads", "2");
        props.put("num.io.threads", "4");
        props.put("num.recovery.threads.per.data.dir", "1");
        props.put("delete.topic.enable", "true");
        if (state.secured()) {
            props.putAll(new SecureBroker(Path.of(state.home())).brokerProperties(state));
        }
        StringBuilder text = new StringBuilder("# Written by local-stack at every start; edit BrokerSetup.serverProperties instead.\n");
        props.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        return text.toString();
    }

    private static final String LOG4J2 = """
            <?xml version="1.0" encoding="UTF-8"?>
            <!-- Written by local-stack: the broker logs to stdout, which is <home>/logs/kafka.log. -->
            <Configuration status="WARN">
              <Appenders>
                <Console name="stdout" target="SYSTEM_OUT">
                  <PatternLayout pattern="[%d] %p %m (%c)%n"/>
                </Console>
              </Appenders>
              <Loggers>
                <Logger name="kafka" level="INFO"/>
                <Logger name="org.apache.kafka" level="INFO"/>
                <Logger name="kafka.request.logger" level="WARN"/>
                <Logger name="state.change.logger" level="WARN"/>
                <Logger name="kafka.log.LogCleaner" level="WARN"/>
                <Logger name="org.apache.kafka.storage.internals.log.LogCleaner" level="WARN"/>
                <Root level="INFO">
                  <AppenderRef ref="stdout"/>
                </Root>
              </Loggers>
            </Configuration>
            """;
}
