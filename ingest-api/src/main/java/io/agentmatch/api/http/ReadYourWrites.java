package io.agentmatch.api.http;

import io.agentmatch.api.storage.ProfileStore;
import io.agentmatch.api.storage.StoredProfile;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Parked read-your-write waits ({@code GET /retrieve/<id>?wait=}): no request thread is held while
 * a profile is not yet visible. Each parked wait polls the store from a small scheduler with
 * exponential back-off (25 ms doubling to 400 ms), and completes when the profile is visible at the
 * asked version or at its deadline, whichever comes first.
 *
 * <p>Invariant: at most {@code maxParked} waits are parked at once; one more is refused with 429
 * at once, so that waits cannot exhaust memory or the store's capacity. On a stop ({@link #drain})
 * no wait is parked any more, and those parked get a grace period to see their write, then answer
 * 503 (retry elsewhere): never a connection cut, never a premature 404.
 */
public final class ReadYourWrites implements AutoCloseable {
    private static final long FIRST_POLL_MS = 25;
    private static final long MAX_POLL_MS = 400;

    private final ProfileStore store;
    private final int maxParked;
    private final Semaphore permits;
    private final AtomicInteger parked = new AtomicInteger();
    private final ScheduledExecutorService pollers;
    private final Set<CompletableFuture<Optional<StoredProfile>>> open = ConcurrentHashMap.newKeySet();
    private boolean draining;

    public ReadYourWrites(ProfileStore store, int maxParked, int pollThreads) {
        this.store = store;
        this.maxParked = maxParked;
        this.permits = new Semaphore(maxParked);
        AtomicInteger threads = new AtomicInteger();
        this.pollers = Executors.newScheduledThreadPool(pollThreads, runnable -> {
            Thread thread = new Thread(runnable, "read-your-write-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Completes with the profile once it is visible with a version of at least {@code minVersion},
     * or with what is stored at the deadline (possibly nothing); exceptionally with the store's
     * {@link ApiError}. A 429 {@link ApiError} when {@code maxParked} waits are already parked.
     */
    public CompletableFuture<Optional<StoredProfile>> await(String id, long minVersion, Duration wait) {
        if (!permits.tryAcquire()) {
            throw new ApiError(429, "wait: " + maxParked + " read-your-write waits are already parked (API_MAX_PARKED_WAITS);"
                    + " retry shortly, or read without wait");
        }
        parked.incrementAndGet();
        CompletableFuture<Optional<StoredProfile>> result = new CompletableFuture<>();
        result.whenComplete((item, error) -> {
            open.remove(result);
            parked.decrementAndGet();
            permits.release();
        });
        synchronized (this) {
            if (draining) {
                result.completeExceptionally(shuttingDown());
                return result;
            }
            open.add(result);
        }
        long deadline = System.nanoTime() + wait.toNanos();
        schedule(id, minVersion, deadline, FIRST_POLL_MS, result);
        return result;
    }

    private void schedule(String id, long minVersion, long deadline, long delayMs,
                          CompletableFuture<Optional<StoredProfile>> result) {
        long remainingMs = Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        try {
            pollers.schedule(() -> poll(id, minVersion, deadline, delayMs, result), Math.min(delayMs, remainingMs),
                    TimeUnit.MILLISECONDS);
        } catch (RuntimeException rejected) {
            result.completeExceptionally(shuttingDown());
        }
    }

    private void poll(String id, long minVersion, long deadline, long delayMs,
                      CompletableFuture<Optional<StoredProfile>> result) {
        if (result.isDone()) {
            return; // answered by the stop
        }
        try {
            Optional<StoredProfile> item = store.find(id);
            if (isVisible(item, minVersion) || System.nanoTime() >= deadline) {
                result.complete(item);
            } else {
                schedule(id, minVersion, deadline, Math.min(delayMs * 2, MAX_POLL_MS), result);
            }
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
        }
    }

    public static boolean isVisible(Optional<StoredProfile> item, long minVersion) {
        return item.isPresent() && item.get().version() >= minVersion;
    }

    /**
     * The stop: no new wait is parked (503), and the parked ones keep polling for up to {@code grace},
     * then answer 503, so that the server's graceful stop finds them finished.
     */
    public void drain(Duration grace) {
        synchronized (this) {
            draining = true;
        }
        try {
            pollers.schedule(this::expireAll, grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RuntimeException rejected) {
            expireAll();
        }
    }

    private void expireAll() {
        open.forEach(wait -> wait.completeExceptionally(shuttingDown()));
    }

    private static ApiError shuttingDown() {
        return ApiError.unavailable("the API is shutting down; retry");
    }

    /** How many waits are parked now. */
    public int parked() {
        return parked.get();
    }

    @Override
    public void close() {
        expireAll();
        pollers.shutdownNow();
    }
}
