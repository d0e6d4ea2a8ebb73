package io.agentmatch.processor;

import io.agentmatch.contract.config.Env;
import io.agentmatch.contract.config.LoggingSettings;
import io.agentmatch.contract.config.PipelineConfig;
import java.util.List;
import io.agentmatch.contract.config.SettingsCatalog;
import io.agentmatch.contract.kafka.KafkaFailures;
import io.agentmatch.contract.trace.Tracing;
import io.agentmatch.matching.ModelSettings;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the processor until SIGTERM. Configuration: environment variables (see README). */
public final class ProcessorMain {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessorMain.class);

    /** Every setting the processor reads: logged at start, checked against the README. */
    public static final SettingsCatalog SETTINGS = SettingsCatalog.of("processor", PipelineConfig.SETTINGS,
            ProcessorSettings.SETTINGS, ModelSettings.SETTINGS, List.of(LoggingSettings.LOG_LEVEL, LoggingSettings.LOG_FORMAT),
            Tracing.SETTINGS);

    private ProcessorMain() {
    }

    /** The exit status when Kafka refuses the processor's credentials or ACLs, at start or later. */
    public static final int EXIT_KAFKA_REFUSED = 3;

    public static void main(String[] args) throws InterruptedException {
        Env env = Env.system();
        ProcessorApp app;
        try {
            LOG.info(SETTINGS.describe(env));
            LoggingSettings.LOG_FORMAT.read(env);
            PipelineConfig config = PipelineConfig.fromEnv(env);
            app = ProcessorApp.start(config, ProcessorSettings.fromEnv(env));
        } catch (RuntimeException e) {
            LOG.error("processor failed to start: {}", e.getMessage());
            System.exit(KafkaFailures.isSecurityProblem(e) ? EXIT_KAFKA_REFUSED : 1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close();
            stopped.countDown();
        }, "shutdown"));
        // Not on the stream thread that reports it: exiting runs the shutdown hook, which waits for that thread.
        app.whenKafkaRefuses(message -> new Thread(() -> {
            LOG.error("processor exits ({}): {}; fix the credentials or ACLs (docs/SECURITY.md) and start it again",
                    EXIT_KAFKA_REFUSED, message);
            System.exit(EXIT_KAFKA_REFUSED);
        }, "exit").start());
        stopped.await();
    }
}
