package io.agentmatch.api;

import io.agentmatch.contract.config.Env;
import io.agentmatch.contract.config.PipelineConfig;
import io.agentmatch.localstack.Await;
import io.agentmatch.localstack.TestStack;
import io.agentmatch.processor.ProcessorApp;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;

/**
 * The end-to-end fixture of the API's integration tests: a real processor and a real API on the
 * shared test stack, in topics and tables of their own ({@code name}), started and ready.
 */
record RunningPipeline(PipelineConfig config, ProcessorApp processor, IngestApi api, Http http) implements AutoCloseable {
    static RunningPipeline start(String name) throws Exception {
        PipelineConfig config = TestStack.shared().isolatedConfig(name);
        ProcessorApp processor = ProcessorApp.start(config, Files.createTempDirectory(name + "-it-processor"));
        IngestApi api = IngestApi.start(config, ApiConfig.fromEnv(new Env(Map.of())).withPort(0));
        Http http = new Http(api.port(), null);
        Await.until("API ready", Duration.ofSeconds(90), () -> http.get("/ready").status() == 200);
        return new RunningPipeline(config, processor, api, http);
    }

    @Override
    public void close() {
        api.close();
        processor.close();
    }
}
