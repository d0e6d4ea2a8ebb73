package io.agentmatch.api.storage;

import java.util.ArrayList;
import java.util.List;

/** Reads pages one after another until a limit or the end. */
public final class Pages {
    private Pages() {
    }

    /** One page of a store: at most {@code max} items after {@code cursor}. */
    @FunctionalInterface
    public interface Fetch<T> {
        Page<T> page(int max, String cursor);
    }

    /** Every item after {@code cursor} when {@code limit} is 0, else up to {@code limit}; the cursor to go on from. */
    public static <T> Page<T> collect(Fetch<T> fetch, int limit, int pageSize, String cursor) {
        List<T> items = new ArrayList<>();
        String next = cursor;
        do {
            int max = limit == 0 ? pageSize : Math.min(pageSize, limit - items.size());
            Page<T> page = fetch.page(max, next);
            items.addAll(page.items());
            next = page.nextCursor();
        } while (next != null && (limit == 0 || items.size() < limit));
        return new Page<>(items, next);
    }
}
