package io.agentmatch.api;

import io.agentmatch.contract.config.Env;
import io.agentmatch.contract.config.LoggingSettings;
import io.agentmatch.contract.config.PipelineConfig;
import io.agentmatch.contract.config.SettingsCatalog;
import io.agentmatch.contract.trace.Tracing;
import io.agentmatch.matching.ModelSettings;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the ingest API until SIGTERM. Configuration: environment variables (see README). */
public final class IngestApiMain {
    private static final Logger LOG = LoggerFactory.getLogger(IngestApiMain.class);

    /** Every setting the API reads: logged at start, checked against the README. */
    public static final SettingsCatalog SETTINGS = SettingsCatalog.of("api", PipelineConfig.SETTINGS,
            ApiConfig.SETTINGS, ModelSettings.SETTINGS, LoggingSettings.SETTINGS, Tracing.SETTINGS);

    private IngestApiMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Env env = Env.system();
        IngestApi api;
        try {
            LOG.info(SETTINGS.describe(env));
            LoggingSettings.LOG_FORMAT.read(env);
            api = IngestApi.start(PipelineConfig.fromEnv(env), ApiConfig.fromEnv(env));
        } catch (RuntimeException e) {
            LOG.error("ingest API failed to start: {}", e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            api.close();
            stopped.countDown();
        }, "shutdown"));
        stopped.await();
    }
}
