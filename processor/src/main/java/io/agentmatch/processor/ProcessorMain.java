package io.agentmatch.processor;

import io.agentmatch.contract.config.Env;
import io.agentmatch.contract.config.PipelineConfig;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the processor until SIGTERM. Configuration: environment variables (see README). */
public final class ProcessorMain {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessorMain.class);

    private ProcessorMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Env env = Env.system();
        PipelineConfig config = PipelineConfig.fromEnv(env);
        ProcessorApp app;
        try {
            app = ProcessorApp.start(config, ProcessorSettings.fromEnv(env));
        } catch (RuntimeException e) {
            LOG.error("processor failed to start: {}", e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close();
            stopped.countDown();
        }, "shutdown"));
        stopped.await();
    }
}
