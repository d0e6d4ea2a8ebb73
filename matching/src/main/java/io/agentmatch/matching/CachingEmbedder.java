package io.agentmatch.matching;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Remembers the embeddings of the most recent texts (least recently used out), for the API's
 * query embeddings: repeated /match descriptions cost no model time. Returned vectors are shared:
 * callers must not modify them.
 */
public final class CachingEmbedder implements Embedder {
    private final Embedder delegate;
    private final Map<String, float[]> cache;
    private long hits;
    private long misses;

    public CachingEmbedder(Embedder delegate, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1");
        }
        this.delegate = delegate;
        this.cache = new LinkedHashMap<>(Math.min(capacity, 1024) * 2, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, float[]> eldest) {
                return size() > capacity;
            }
        };
    }

    @Override
    public float[] embed(String text) {
        synchronized (cache) {
            float[] cached = cache.get(text);
            if (cached != null) {
                hits++;
                return cached;
            }
            misses++;
        }
        float[] vector = delegate.embed(text); // outside the lock: two misses of one text both compute
        synchronized (cache) {
            cache.put(text, vector);
        }
        return vector;
    }

    @Override
    public List<float[]> embedAll(List<String> texts) {
        return texts.stream().map(this::embed).toList();
    }

    @Override
    public String modelName() {
        return delegate.modelName();
    }

    @Override
    public int dimensions() {
        return delegate.dimensions();
    }

    public long hits() {
        synchronized (cache) {
            return hits;
        }
    }

    public long misses() {
        synchronized (cache) {
            return misses;
        }
    }

    @Override
    public void onEveryWorker(Runnable action) {
        delegate.onEveryWorker(action);
    }
}
