package io.agentmatch.processor;

import io.agentmatch.contract.kafka.KafkaFailures;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.LongSupplier;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TransactionAbortedException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;

/**
 * What a Streams application does when one of its stream threads dies, decided in one place.
 *
 * <p>Invariant: a thread is replaced only for what a broker outage leaves behind (a timed-out or
 * aborted transaction, a retriable error): its transaction is aborted, so the new thread resumes from
 * the last committed offsets and exactly-once holds. Anything else, a refused credential or ACL, or
 * more than {@link #MAX_REPLACEMENTS} replacements within {@link #WINDOW_MS}, stops the application
 * and the processor reports it unhealthy: an operator must look.
 */
final class StreamThreadFailures {
    static final int MAX_REPLACEMENTS = 5;
    static final long WINDOW_MS = 10 * 60_000L;

    /** The answer, and why (for the one log line). */
    record Decision(StreamThreadExceptionResponse response, String reason) {
    }

    private final LongSupplier clock;
    private final Deque<Long> replacements = new ArrayDeque<>();

    StreamThreadFailures(LongSupplier clock) {
        this.clock = clock;
    }

    synchronized Decision decide(Throwable error) {
        var refusal = KafkaFailures.securityProblem(error);
        if (refusal.isPresent()) {
            return new Decision(StreamThreadExceptionResponse.SHUTDOWN_CLIENT, refusal.get());
        }
        if (!leftByAnOutage(error)) {
            return new Decision(StreamThreadExceptionResponse.SHUTDOWN_CLIENT, "an error no retry fixes");
        }
        long now = clock.getAsLong();
        while (!replacements.isEmpty() && now - replacements.peekFirst() > WINDOW_MS) {
            replacements.removeFirst();
        }
        if (replacements.size() >= MAX_REPLACEMENTS) {
            return new Decision(StreamThreadExceptionResponse.SHUTDOWN_CLIENT,
                    MAX_REPLACEMENTS + " threads replaced within " + WINDOW_MS / 60_000 + " min: Kafka keeps failing");
        }
        replacements.addLast(now);
        return new Decision(StreamThreadExceptionResponse.REPLACE_THREAD, "a transient Kafka failure (broker restart or outage)");
    }

    static boolean leftByAnOutage(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof TimeoutException || t instanceof InvalidTxnStateException || t instanceof ProducerFencedException
                    || t instanceof TransactionAbortedException || t instanceof RetriableException) {
                return true;
            }
        }
        return false;
    }
}
