package io.agentmatch.matching;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The k best profiles offered to it by final score: a bounded min-heap, whose root is the score a
 * profile must beat to enter ({@link #threshold}). A search skips every profile whose upper bound
 * does not exceed the threshold, so the threshold must never be above the k-th best score offered
 * so far. One per search, not thread-safe.
 */
final class TopKCollector {
    private final int k;
    private final IndexedProfile[] entries;
    private final float[] scores;
    private final float[] cosines;
    private int n;

    TopKCollector(int k) {
        this.k = k;
        this.entries = new IndexedProfile[k];
        this.scores = new float[k];
        this.cosines = new float[k];
    }

    /** The score to beat: the k-th best so far, or -infinity while fewer than k were offered. */
    float threshold() {
        return n < k ? Float.NEGATIVE_INFINITY : scores[0];
    }

    void offer(IndexedProfile entry, float score, float cosine) {
        if (n < k) {
            int i = n++;
            set(i, entry, score, cosine);
            siftUp(i);
        } else if (score > scores[0]) {
            set(0, entry, score, cosine);
            siftDown(0);
        }
    }

    /** The collected profiles, best first; equal scores by id. */
    List<MatchHit> hits() {
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> {
            int c = Float.compare(scores[b], scores[a]);
            return c != 0 ? c : entries[a].id.compareTo(entries[b].id);
        });
        List<MatchHit> out = new ArrayList<>(n);
        for (int i : order) {
            out.add(entries[i].hit(scores[i], cosines[i]));
        }
        return out;
    }

    private void set(int i, IndexedProfile entry, float score, float cosine) {
        entries[i] = entry;
        scores[i] = score;
        cosines[i] = cosine;
    }

    private void swap(int a, int b) {
        IndexedProfile e = entries[a];
        entries[a] = entries[b];
        entries[b] = e;
        float s = scores[a];
        scores[a] = scores[b];
        scores[b] = s;
        float c = cosines[a];
        cosines[a] = cosines[b];
        cosines[b] = c;
    }

    private void siftUp(int i) {
        while (i > 0) {
            int parent = (i - 1) / 2;
            if (scores[i] >= scores[parent]) {
                return;
            }
            swap(i, parent);
            i = parent;
        }
    }

    private void siftDown(int i) {
        while (true) {
            int l = 2 * i + 1;
            int r = l + 1;
            int smallest = i;
            if (l < n && scores[l] < scores[smallest]) {
                smallest = l;
            }
            if (r < n && scores[r] < scores[smallest]) {
                smallest = r;
            }
            if (smallest == i) {
                return;
            }
            swap(i, smallest);
            i = smallest;
        }
    }
}
