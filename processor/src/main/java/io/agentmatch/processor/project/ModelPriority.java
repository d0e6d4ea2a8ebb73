package io.agentmatch.processor.project;

import io.agentmatch.matching.Embedder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedding is the work that can wait: the model's threads run at a higher nice value than the
 * rest of the processor, so that on a busy host the persister (a profile becomes retrievable) goes
 * first and the model takes what is left. Linux schedules threads, and a thread's nice value is its
 * own: each model thread lowers its own priority ({@code renice} on its thread id), which needs no
 * privilege. Since each session is a scheduling group of its own (autogroup) and each container a
 * cgroup, the nice value weighs the model against the other threads of this process, not against
 * other processes.
 */
public final class ModelPriority {
    private static final Logger LOG = LoggerFactory.getLogger(ModelPriority.class);

    private ModelPriority() {
    }

    /** Lowers the priority of {@code embedder}'s threads to {@code nice} (0: leaves them as they are). */
    public static void lower(Embedder embedder, int nice) {
        if (nice == 0) {
            return;
        }
        AtomicReference<String> failure = new AtomicReference<>();
        embedder.onEveryWorker(() -> {
            try {
                reniceCurrentThread(nice);
            } catch (IOException | RuntimeException e) {
                failure.compareAndSet(null, e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure.compareAndSet(null, "interrupted");
            }
        });
        if (failure.get() != null) {
            // The projections are still made, only not behind the persister: said once, no stack trace.
            LOG.warn("cannot lower the priority of the model's threads (PROJECTOR_NICE={}): {}", nice, failure.get());
        } else {
            LOG.info("the model's threads run at nice {}: the persister goes first on a busy host", nice);
        }
    }

    /** The nice value of the calling thread (Linux). */
    static int niceOfCurrentThread() throws IOException {
        String stat = Files.readString(Path.of("/proc/thread-self/stat"));
        return Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[16]);
    }

    static void reniceCurrentThread(int nice) throws IOException, InterruptedException {
        Path self = Path.of("/proc/thread-self");
        if (!Files.exists(self)) {
            throw new IOException("no /proc/thread-self (not Linux?)");
        }
        String tid = Files.readSymbolicLink(self).getFileName().toString();
        Process renice = new ProcessBuilder("renice", "-n", Integer.toString(nice), "-p", tid).redirectErrorStream(true).start();
        String output = new String(renice.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!renice.waitFor(10, TimeUnit.SECONDS)) {
            renice.destroyForcibly();
            throw new IOException("renice did not finish");
        }
        if (renice.exitValue() != 0) {
            throw new IOException("renice exited " + renice.exitValue() + ": " + output);
        }
    }
}
