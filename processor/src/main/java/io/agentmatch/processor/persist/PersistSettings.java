package io.agentmatch.processor.persist;

import io.agentmatch.contract.config.Env;
import io.agentmatch.contract.config.Setting;
import java.time.Duration;
import java.util.List;

/**
 * Tuning of the DynamoDB stage.
 *
 * @param maxInFlight   DynamoDB calls in flight per task: a profile write is one conditional
 *                      PutItem, up to 25 messages go in one BatchWriteItem (16: the best rate
 *                      measured on dynalite, 4/8/16 compared in BENCHMARKS.md)
 * @param flushInterval how often owed writes are sent when fewer than a batch are waiting
 * @param maxOwedWrites owed writes per task before processing waits for DynamoDB (backpressure)
 */
public record PersistSettings(int maxInFlight, Duration flushInterval, int maxOwedWrites) {
    public static final Setting<Integer> DYNAMODB_MAX_IN_FLIGHT = Setting.integer("DYNAMODB_MAX_IN_FLIGHT", 16, 1, 1024,
            "DynamoDB write calls in flight per stream task");
    public static final Setting<Duration> DYNAMODB_FLUSH_INTERVAL_MS = Setting.millis("DYNAMODB_FLUSH_INTERVAL_MS", 20, 1,
            "how often owed writes go out when fewer than a batch wait");
    public static final Setting<Integer> DYNAMODB_MAX_OWED_WRITES = Setting.integer("DYNAMODB_MAX_OWED_WRITES", 50_000, 1,
            Integer.MAX_VALUE, "owed writes per task before processing waits for DynamoDB (backpressure)");
    public static final List<Setting<?>> SETTINGS = List.of(DYNAMODB_MAX_IN_FLIGHT, DYNAMODB_FLUSH_INTERVAL_MS,
            DYNAMODB_MAX_OWED_WRITES);

    public static PersistSettings fromEnv(Env env) {
        return new PersistSettings(DYNAMODB_MAX_IN_FLIGHT.read(env), DYNAMODB_FLUSH_INTERVAL_MS.read(env),
                DYNAMODB_MAX_OWED_WRITES.read(env));
    }
}
