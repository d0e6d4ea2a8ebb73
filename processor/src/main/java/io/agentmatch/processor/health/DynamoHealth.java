package io.agentmatch.processor.health;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tables the processor cannot write for a reason retrying cannot fix (access denied, table not
 * found, a table whose keys differ from the contract), as {@code /ready} and the log report them.
 *
 * <p>Invariant: a table is reported while such a failure was seen within the last {@link #WINDOW_MS}.
 * The outbox keeps every owed write and retries it at least every 5 s, so a lasting cause stays
 * reported, and once the cause is fixed the report ends {@code WINDOW_MS} after the last failure
 * (a success alone does not end it: with a partial grant, say PutItem denied and BatchWriteItem
 * allowed, failures and successes alternate). The log says it once per table per
 * {@link #LOG_INTERVAL_MS}, not once per retry. Thread-safe: the outboxes of every stream thread report here.
 */
public final class DynamoHealth {
    private static final Logger LOG = LoggerFactory.getLogger(DynamoHealth.class);
    static final long WINDOW_MS = 15_000;
    static final long LOG_INTERVAL_MS = 30_000;

    private static final class Table {
        String error;
        long firstFailure;
        long lastFailure;
        long lastErrorLog = -LOG_INTERVAL_MS;
        long lastRecoveryLog = -LOG_INTERVAL_MS;
        boolean failing;

        Table(long nowMs) {
            firstFailure = nowMs;
            lastFailure = nowMs;
        }
    }

    /** Only tables that failed at least once have an entry. */
    private final Map<String, Table> tables = new ConcurrentHashMap<>();

    /** A write to {@code table} failed with {@code error}, which retrying cannot fix. */
    public void permanentFailure(String table, String error, long nowMs) {
        Table state = tables.computeIfAbsent(table, t -> new Table(nowMs));
        synchronized (state) {
            if (nowMs - state.lastFailure >= WINDOW_MS) {
                state.firstFailure = nowMs; // a new episode, not the same cause still there
            }
            state.failing = true;
            state.lastFailure = nowMs;
            state.error = error;
            if (nowMs - state.lastErrorLog >= LOG_INTERVAL_MS) {
                state.lastErrorLog = nowMs;
                LOG.error("DynamoDB table {} cannot be written for {} s: {}. Retrying cannot fix this: the writes stay owed"
                        + " and are retried until an operator fixes it; /ready answers 503 meanwhile", table,
                        (nowMs - state.firstFailure) / 1000, error);
            }
        }
    }

    /** A write to {@code table} succeeded. */
    public void writeSucceeded(String table, long nowMs) {
        Table state = tables.get(table);
        if (state == null) {
            return;
        }
        synchronized (state) {
            if (state.failing) {
                state.failing = false;
                if (nowMs - state.lastRecoveryLog >= LOG_INTERVAL_MS) {
                    state.lastRecoveryLog = nowMs;
                    LOG.info("DynamoDB table {} accepts writes again after {} s of failures ({}); the owed writes drain",
                            table, (nowMs - state.firstFailure) / 1000, state.error);
                }
            }
        }
    }

    /** One line per table that failed within the window: the table, the error and for how long. */
    public List<String> problems(long nowMs) {
        List<String> problems = new ArrayList<>();
        tables.forEach((table, state) -> {
            synchronized (state) {
                if (nowMs - state.lastFailure < WINDOW_MS) {
                    problems.add("DynamoDB table " + table + " cannot be written: " + state.error
                            + " (writes are kept and retried)");
                }
            }
        });
        problems.sort(null);
        return problems;
    }

    /** Whether {@code table} failed within the window (the metrics' gauge). */
    public boolean isFailing(String table, long nowMs) {
        Table state = tables.get(table);
        if (state == null) {
            return false;
        }
        synchronized (state) {
            return nowMs - state.lastFailure < WINDOW_MS;
        }
    }
}
