package io.agentmatch.matching;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * all-MiniLM-L6-v2 in process through ONNX Runtime, with langchain4j's tokenizer, mean pooling and
 * long-text handling ({@link OnnxBertBiEncoder}), but with our own session options: on a small
 * machine one intra-op thread per inference and {@code parallelism} inferences side by side beats
 * ONNX Runtime's default (one inference spread over all cores) clearly, see {@code ModelThroughput}.
 *
 * <p>{@link #embed} runs on the caller's thread (the API embeds one query per request thread);
 * {@link #embedAll} spreads the texts over {@code parallelism} worker threads, and
 * {@link #embedAllAsync} queues them there without waiting.
 */
public final class OnnxEmbedder implements Embedder, AutoCloseable {

    /** ONNX Runtime's own choice (one thread per physical core) for the intra-op pool. */
    public static final int DEFAULT_ORT_THREADS = 0;

    private final ModelVariant variant;
    private final OrtSession session;
    private final AbstractInProcessEmbeddingModel model;
    private final ExecutorService workers;
    private final int parallelism;

    public OnnxEmbedder(ModelVariant variant, int intraOpThreads, int parallelism) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be >= 1");
        }
        this.variant = variant;
        this.parallelism = parallelism;
        try {
            OrtEnvironment environment = OrtEnvironment.getEnvironment();
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
                if (intraOpThreads > 0) {
                    options.setIntraOpNumThreads(intraOpThreads);
                    options.setInterOpNumThreads(1);
                }
                this.session = environment.createSession(readResource(variant.modelResource()), options);
            }
            OnnxBertBiEncoder encoder;
            try (InputStream tokenizer = resource(variant.tokenizerResource())) {
                encoder = new OnnxBertBiEncoder(environment, session, tokenizer, PoolingMode.MEAN);
            }
            this.model = new AbstractInProcessEmbeddingModel(Runnable::run) {
                @Override
                protected OnnxBertBiEncoder model() {
                    return encoder;
                }

                @Override
                protected Integer knownDimension() {
                    return ModelVariant.DIMENSIONS;
                }
            };
        } catch (OrtException e) {
            throw new IllegalStateException("cannot load " + variant.modelName(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        AtomicInteger counter = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(parallelism, runnable -> {
            Thread thread = new Thread(runnable, "embedder-" + variant.modelName() + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public float[] embed(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("cannot embed blank text");
        }
        Embedding embedding = model.embed(TextSegment.from(text)).content();
        return Vectors.normalize(embedding.vector());
    }

    @Override
    public List<float[]> embedAll(List<String> texts) {
        int n = texts.size();
        if (n == 0) {
            return List.of();
        }
        if (n == 1 || parallelism == 1) {
            List<float[]> out = new ArrayList<>(n);
            for (String text : texts) {
                out.add(embed(text));
            }
            return out;
        }
        float[][] out = new float[n][];
        AtomicInteger next = new AtomicInteger();
        Runnable drain = () -> {
            for (int i; (i = next.getAndIncrement()) < n; ) {
                out[i] = embed(texts.get(i));
            }
        };
        List<Future<?>> running = new ArrayList<>();
        for (int t = 0; t < Math.min(parallelism, n); t++) {
            running.add(workers.submit(drain));
        }
        try {
            for (Future<?> future : running) {
                future.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.forEach(f -> f.cancel(true));
            throw new IllegalStateException("interrupted while embedding", e);
        } catch (ExecutionException e) {
            running.forEach(f -> f.cancel(true));
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
        return List.of(out);
    }

    /** Each text is its own task on the {@code parallelism} workers, queued behind earlier ones. */
    @Override
    public CompletableFuture<List<float[]>> embedAllAsync(List<String> texts) {
        List<CompletableFuture<float[]>> vectors = new ArrayList<>(texts.size());
        for (String text : texts) {
            vectors.add(CompletableFuture.supplyAsync(() -> embed(text), workers));
        }
        return CompletableFuture.allOf(vectors.toArray(CompletableFuture[]::new))
                .thenApply(done -> vectors.stream().map(CompletableFuture::join).toList());
    }

    /**
     * One task per worker, each holding its worker until all have started: a fixed pool of
     * {@code parallelism} threads then runs exactly one on each.
     */
    @Override
    public void onEveryWorker(Runnable action) {
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(parallelism);
        List<Future<?>> tasks = new ArrayList<>();
        for (int i = 0; i < parallelism; i++) {
            tasks.add(workers.submit(() -> {
                started.countDown();
                started.await();
                action.run();
                return null;
            }));
        }
        try {
            for (Future<?> task : tasks) {
                task.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while configuring the model's threads", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        }
    }

    @Override
    public String modelName() {
        return variant.modelName();
    }

    @Override
    public int dimensions() {
        return ModelVariant.DIMENSIONS;
    }

    public int parallelism() {
        return parallelism;
    }

    @Override
    public void close() {
        workers.shutdownNow();
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }

    private static InputStream resource(String name) {
        InputStream in = OnnxEmbedder.class.getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException("model resource " + name + " is not on the class path");
        }
        return in;
    }

    private static byte[] readResource(String name) throws IOException {
        try (InputStream in = resource(name)) {
            return in.readAllBytes();
        }
    }
}
