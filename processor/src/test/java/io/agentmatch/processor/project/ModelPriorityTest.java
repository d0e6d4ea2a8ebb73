package io.agentmatch.processor.project;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.agentmatch.matching.Embedder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class ModelPriorityTest {

    /** An embedder with two threads of its own, as the ONNX one has; it records each thread's nice value after the change. */
    private static final class TwoThreadEmbedder implements Embedder {
        final ExecutorService workers = Executors.newFixedThreadPool(2);
        final Map<String, Integer> niceByThread = new ConcurrentHashMap<>();

        @Override
        public void onEveryWorker(Runnable action) {
            java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(2);
            List<Future<?>> tasks = List.of(workers.submit(() -> hold(started, action)), workers.submit(() -> hold(started, action)));
            for (Future<?> task : tasks) {
                try {
                    task.get();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }

        private Void hold(java.util.concurrent.CountDownLatch started, Runnable action) throws Exception {
            started.countDown();
            started.await();
            action.run();
            niceByThread.put(Thread.currentThread().getName(), ModelPriority.niceOfCurrentThread());
            return null;
        }

        @Override
        public float[] embed(String text) {
            return new float[] {1};
        }

        @Override
        public List<float[]> embedAll(List<String> texts) {
            return texts.stream().map(this::embed).toList();
        }

        @Override
        public String modelName() {
            return "two-threads";
        }

        @Override
        public int dimensions() {
            return 1;
        }
    }

    @Test
    void theModelsThreadsRunAtTheGivenNiceValueAndTheCallerKeepsItsOwn() throws Exception {
        assumeTrue(Files.exists(Path.of("/proc/thread-self")), "Linux only");
        int before = ModelPriority.niceOfCurrentThread();
        TwoThreadEmbedder embedder = new TwoThreadEmbedder();
        try {
            ModelPriority.lower(embedder, 12);
            assertEquals(2, embedder.niceByThread.size());
            embedder.niceByThread.values().forEach(nice -> assertEquals(12, nice));
            assertEquals(before, ModelPriority.niceOfCurrentThread());
        } finally {
            embedder.workers.shutdownNow();
        }
    }
}
