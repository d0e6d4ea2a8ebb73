package io.agentmatch.processor;

import io.agentmatch.contract.config.Env;
import io.agentmatch.processor.persist.PersistSettings;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The processor's own settings (the shared ones are in PipelineConfig).
 *
 * @param stateDir            where Kafka Streams keeps its local stores
 * @param streamThreads       stream threads of the persister
 * @param healthPort          port of /health and /metrics (0 picks a free one; -1 disables)
 * @param embeddingBatchSize  changes embedded together
 * @param projectorCommitInterval how often the projector commits (each commit is a Kafka
 *                            transaction: CPU the model then lacks; projections become matchable at
 *                            the commit)
 */
public record ProcessorSettings(Path stateDir, int streamThreads, int healthPort, PersistSettings persist,
                                int embeddingBatchSize, Duration embeddingFlushInterval, boolean projections,
                                Duration projectorCommitInterval) {

    public static ProcessorSettings fromEnv(Env env) {
        return new ProcessorSettings(
                Path.of(env.get("PROCESSOR_STATE_DIR", System.getProperty("java.io.tmpdir") + "/agentmatch-processor")),
                env.getInt("PROCESSOR_THREADS", 1),
                env.getInt("PROCESSOR_HEALTH_PORT", 8081),
                PersistSettings.fromEnv(env),
                env.getInt("EMBEDDING_BATCH_SIZE", 32),
                Duration.ofMillis(env.getInt("EMBEDDING_FLUSH_INTERVAL_MS", 100)),
                env.getBoolean("PROCESSOR_PROJECTIONS", true),
                Duration.ofMillis(env.getInt("PROJECTOR_COMMIT_INTERVAL_MS", 100)));
    }

    public ProcessorSettings withStateDir(Path dir) {
        return new ProcessorSettings(dir, streamThreads, healthPort, persist, embeddingBatchSize, embeddingFlushInterval,
                projections, projectorCommitInterval);
    }

    public ProcessorSettings withHealthPort(int port) {
        return new ProcessorSettings(stateDir, streamThreads, port, persist, embeddingBatchSize, embeddingFlushInterval,
                projections, projectorCommitInterval);
    }
}
