package io.agentmatch.processor.persist;

import io.agentmatch.contract.config.Env;
import java.time.Duration;

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

    public static PersistSettings fromEnv(Env env) {
        return new PersistSettings(
                env.getInt("DYNAMODB_MAX_IN_FLIGHT", 16),
                Duration.ofMillis(env.getInt("DYNAMODB_FLUSH_INTERVAL_MS", 20)),
                env.getInt("DYNAMODB_MAX_OWED_WRITES", 50_000));
    }
}
