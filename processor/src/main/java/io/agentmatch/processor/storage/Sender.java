package io.agentmatch.processor.storage;

import java.util.Queue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Starts an outbox's DynamoDB calls, at most {@code maxInFlight} at a time, in the order they were
 * handed over. A call that finishes starts the next waiting one on its completion thread, so the
 * calls in flight stay busy between the stream thread's visits (a conditional PutItem takes a
 * millisecond or two; the stream thread can be away in a poll for a hundred). After a failed call
 * it starts nothing until the stream thread, which decides on back-off, resumes it. The one part
 * of the outbox that other threads touch: it holds no outbox state, only calls.
 */
final class Sender {
    private record Waiting(Supplier<? extends CompletableFuture<?>> start, CompletableFuture<Object> done) {
    }

    private final int maxInFlight;
    private final Queue<Waiting> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicInteger running = new AtomicInteger();
    private volatile boolean paused;
    private volatile boolean closed;

    Sender(int maxInFlight) {
        this.maxInFlight = maxInFlight;
    }

    /** Hands a call over; the result completes as the call does (cancelled if the sender closes first). */
    @SuppressWarnings("unchecked")
    <T> CompletableFuture<T> submit(Supplier<CompletableFuture<T>> start) {
        CompletableFuture<Object> done = new CompletableFuture<>();
        waiting.add(new Waiting(start, done));
        if (closed) {
            cancelWaiting();
        }
        startWhatFits();
        return (CompletableFuture<T>) done;
    }

    /** Lets calls start again after a failure (the stream thread's back-off has passed). */
    void resume() {
        paused = false;
        startWhatFits();
    }

    /** Starts nothing more; waiting calls are cancelled (their writes stay owed). */
    void close() {
        closed = true;
        cancelWaiting();
    }

    private void startWhatFits() {
        while (!paused && !closed) {
            int now = running.get();
            if (now >= maxInFlight) {
                return;
            }
            if (!running.compareAndSet(now, now + 1)) {
                continue;
            }
            Waiting next = waiting.poll();
            if (next == null) {
                running.decrementAndGet();
                if (waiting.isEmpty()) {
                    return;
                }
                continue; // handed over meanwhile, by a thread that saw the slot taken
            }
            start(next);
        }
    }

    private void start(Waiting call) {
        CompletableFuture<?> result;
        try {
            result = call.start().get();
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        result.whenComplete((value, error) -> {
            running.decrementAndGet();
            if (error != null) {
                paused = true;
                call.done().completeExceptionally(error);
            } else {
                call.done().complete(value);
            }
            startWhatFits();
        });
    }

    private void cancelWaiting() {
        for (Waiting call = waiting.poll(); call != null; call = waiting.poll()) {
            call.done().completeExceptionally(new CancellationException("outbox closed"));
        }
    }
}
