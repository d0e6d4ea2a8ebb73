package io.agentmatch.processor;

import io.agentmatch.contract.config.Env;
import io.agentmatch.contract.config.ServicePorts;
import io.agentmatch.contract.config.Setting;
import io.agentmatch.processor.persist.PersistSettings;
import io.agentmatch.processor.state.RocksDbMemory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

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
* @param healthHost          address of /health, /ready and /metrics (127.0.0.1; 0.0.0.0 in the images, for probes)
 * @param rocksDb             the native memory all RocksDB stores share
 * @param shutdownTimeout     how long a stop (SIGTERM) may take to commit and close both applications
 * @param projectorNice       the nice value of the model's threads (0: the same priority as the rest)
 * @param persisterCommitInterval how often the persister commits (each commit is a Kafka transaction
 *                            per task; DynamoDB writes do not wait for it, the projector's
 *                            read_committed view of the changes does)
 */
public record ProcessorSettings(Path stateDir, int streamThreads, int healthPort, PersistSettings persist,
                                int embeddingBatchSize, Duration embeddingFlushInterval, boolean projections,
                                Duration projectorCommitInterval, String healthHost, RocksDbMemory rocksDb,
                                Duration shutdownTimeout, int projectorNice, Duration persisterCommitInterval) {

    public static final Setting<Path> PROCESSOR_STATE_DIR = Setting.path("PROCESSOR_STATE_DIR",
            System.getProperty("java.io.tmpdir") + "/agentmatch-processor", "Kafka Streams state (RocksDB stores) of this instance");
    public static final Setting<Integer> PROCESSOR_THREADS = Setting.integer("PROCESSOR_THREADS", 1, 1, 64,
            "stream threads of the persister");
    public static final Setting<Integer> PROCESSOR_HEALTH_PORT = ServicePorts.PROCESSOR_HEALTH_PORT;
    public static final Setting<String> PROCESSOR_HEALTH_HOST = Setting.text("PROCESSOR_HEALTH_HOST", "127.0.0.1",
            "address of the processor's /health, /ready and /metrics (0.0.0.0: every interface, as in the images)");
    public static final Setting<Duration> PROCESSOR_SHUTDOWN_TIMEOUT_MS = Setting.millis("PROCESSOR_SHUTDOWN_TIMEOUT_MS", 20_000,
            1000, "on SIGTERM, how long committing and closing both Streams applications may take (keep it under the pod's grace period)");
    public static final Setting<Integer> EMBEDDING_BATCH_SIZE = Setting.integer("EMBEDDING_BATCH_SIZE", 32, 1, 4096,
            "profile changes embedded together");
    public static final Setting<Duration> EMBEDDING_FLUSH_INTERVAL_MS = Setting.millis("EMBEDDING_FLUSH_INTERVAL_MS", 100, 1,
            "how long a partial batch waits for more changes before it is embedded");
    public static final Setting<Boolean> PROCESSOR_PROJECTIONS = Setting.flag("PROCESSOR_PROJECTIONS", true,
            "run the projector (the model) in this process; false: persist only");
    public static final Setting<Duration> PROJECTOR_COMMIT_INTERVAL_MS = Setting.millis("PROJECTOR_COMMIT_INTERVAL_MS", 100, 1,
            "how often the projector commits: new projections become matchable at the commit");
    public static final Setting<Duration> PERSISTER_COMMIT_INTERVAL_MS = Setting.millis("PERSISTER_COMMIT_INTERVAL_MS", 100, 1,
            "how often the persister commits: its changes reach the projector at the commit (DynamoDB writes do not wait for it)");
    public static final Setting<Integer> PROJECTOR_NICE = Setting.integer("PROJECTOR_NICE", 10, 0, 19,
            "nice value of the model's threads (Linux): on a busy host the persister goes first; 0: same priority");

    /** The processor's own settings (the model's are in {@code ModelSettings}, the shared ones in {@code PipelineConfig}). */
    public static final List<Setting<?>> SETTINGS = Stream.concat(Stream.<Setting<?>>of(PROCESSOR_STATE_DIR,
            PROCESSOR_THREADS, PROCESSOR_HEALTH_HOST, PROCESSOR_HEALTH_PORT, EMBEDDING_BATCH_SIZE, EMBEDDING_FLUSH_INTERVAL_MS,
            PROCESSOR_PROJECTIONS, PERSISTER_COMMIT_INTERVAL_MS, PROJECTOR_COMMIT_INTERVAL_MS, PROJECTOR_NICE,
            PROCESSOR_SHUTDOWN_TIMEOUT_MS),
            Stream.concat(PersistSettings.SETTINGS.stream(), RocksDbMemory.SETTINGS.stream())).toList();

    /** With the declared defaults for the health address, RocksDB's memory, the stop timeout and the model's priority (tests). */
    public ProcessorSettings(Path stateDir, int streamThreads, int healthPort, PersistSettings persist, int embeddingBatchSize,
                             Duration embeddingFlushInterval, boolean projections, Duration projectorCommitInterval) {
        this(stateDir, streamThreads, healthPort, persist, embeddingBatchSize, embeddingFlushInterval, projections,
                projectorCommitInterval, PROCESSOR_HEALTH_HOST.defaultText(), RocksDbMemory.DEFAULTS,
                PROCESSOR_SHUTDOWN_TIMEOUT_MS.read(new Env(java.util.Map.of())), PROJECTOR_NICE.read(new Env(java.util.Map.of())),
                PERSISTER_COMMIT_INTERVAL_MS.read(new Env(java.util.Map.of())));
    }

    public static ProcessorSettings fromEnv(Env env) {
        return new ProcessorSettings(
                PROCESSOR_STATE_DIR.read(env),
                PROCESSOR_THREADS.read(env),
                PROCESSOR_HEALTH_PORT.read(env),
                PersistSettings.fromEnv(env),
                EMBEDDING_BATCH_SIZE.read(env),
                EMBEDDING_FLUSH_INTERVAL_MS.read(env),
                PROCESSOR_PROJECTIONS.read(env),
                PROJECTOR_COMMIT_INTERVAL_MS.read(env),
                PROCESSOR_HEALTH_HOST.read(env),
                RocksDbMemory.fromEnv(env),
                PROCESSOR_SHUTDOWN_TIMEOUT_MS.read(env),
                PROJECTOR_NICE.read(env),
                PERSISTER_COMMIT_INTERVAL_MS.read(env));
    }

    public ProcessorSettings withStateDir(Path dir) {
        return new ProcessorSettings(dir, streamThreads, healthPort, persist, embeddingBatchSize, embeddingFlushInterval,
                projections, projectorCommitInterval, healthHost, rocksDb, shutdownTimeout, projectorNice, persisterCommitInterval);
    }

    public ProcessorSettings withHealthPort(int port) {
        return new ProcessorSettings(stateDir, streamThreads, port, persist, embeddingBatchSize, embeddingFlushInterval,
                projections, projectorCommitInterval, healthHost, rocksDb, shutdownTimeout, projectorNice, persisterCommitInterval);
    }
}
