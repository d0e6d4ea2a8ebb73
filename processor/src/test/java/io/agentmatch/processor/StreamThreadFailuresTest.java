package io.agentmatch.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

class StreamThreadFailuresTest {
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final StreamThreadFailures failures = new StreamThreadFailures(now::get);

    private static StreamsException commitFailedAfterABrokerRestart() {
        return new StreamsException("Error encountered trying to commit a transaction",
                new InvalidTxnStateException("The producer attempted a transactional operation in an invalid state."));
    }

    @Test
    void aTransactionABrokerRestartLeftBehindReplacesTheThread() {
        assertEquals(StreamThreadExceptionResponse.REPLACE_THREAD, failures.decide(commitFailedAfterABrokerRestart()).response());
        assertEquals(StreamThreadExceptionResponse.REPLACE_THREAD,
                failures.decide(new StreamsException(new TimeoutException("SendOffsetsToTransaction timed out"))).response());
    }

    @Test
    void aRefusedCredentialOrAnUnknownErrorStopsTheApplication() {
        assertEquals(StreamThreadExceptionResponse.SHUTDOWN_CLIENT,
                failures.decide(new StreamsException(new SaslAuthenticationException("bad password"))).response());
        assertEquals(StreamThreadExceptionResponse.SHUTDOWN_CLIENT,
                failures.decide(new StreamsException(new IllegalStateException("a bug"))).response());
    }

    @Test
    void replacementsAreBoundedPerWindowSoAKafkaThatKeepsFailingIsReported() {
        for (int i = 0; i < StreamThreadFailures.MAX_REPLACEMENTS; i++) {
            assertEquals(StreamThreadExceptionResponse.REPLACE_THREAD, failures.decide(commitFailedAfterABrokerRestart()).response());
        }
        assertEquals(StreamThreadExceptionResponse.SHUTDOWN_CLIENT, failures.decide(commitFailedAfterABrokerRestart()).response());
        now.addAndGet(StreamThreadFailures.WINDOW_MS + 1);
        assertEquals(StreamThreadExceptionResponse.REPLACE_THREAD, failures.decide(commitFailedAfterABrokerRestart()).response());
    }
}
