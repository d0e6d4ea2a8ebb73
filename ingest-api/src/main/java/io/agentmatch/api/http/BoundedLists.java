package io.agentmatch.api.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.agentmatch.api.storage.Page;
import io.agentmatch.contract.events.JsonCodec;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists answered with bounded memory per request, whatever the data: store pages are serialized as
 * they arrive and buffered up to {@code bufferBytes}.
 *
 * <p>Invariant: a request holds at most {@code bufferBytes} of serialized items plus the store page
 * being read (DynamoDB: at most 1 MB). A legacy list that fits is answered exactly as before; one
 * that does not is counted first (no item held: "Found N" must come before the items), then
 * streamed to the client page by page, N items. A paged list of ours ({@link #page}) stops at the
 * bound and answers {@code next_cursor} instead.
 */
public final class BoundedLists {
    private static final Logger LOG = LoggerFactory.getLogger(BoundedLists.class);

    /** One legacy list: its message noun, the fields before the array, the array's name, and its pages. */
    public record Legacy(String noun, Map<String, String> head, String arrayName, Fetch fetch,
                         Counter counter) {
    }

    /** One store page of JSON items: at most {@code max}, after {@code cursor}. */
    @FunctionalInterface
    public interface Fetch {
        Page<? extends JsonNode> page(int max, String cursor);
    }

    /** Counts the items after a cursor, at most {@code max}, without holding them. */
    @FunctionalInterface
    public interface Counter {
        long count(String cursor, long max);
    }

    private final int bufferBytes;
    private final int pageSize;
    private final AtomicLong maxBuffered = new AtomicLong();

    public BoundedLists(int bufferBytes, int pageSize) {
        this.bufferBytes = bufferBytes;
        this.pageSize = pageSize;
    }

    /** The most serialized bytes any request has buffered (the invariant's measure, for metrics and tests). */
    public long maxBufferedBytes() {
        return maxBuffered.get();
    }

    /**
     * A legacy list: every item after {@code cursor} when {@code limit} is 0, else up to {@code limit},
     * as {@code {"message": "Found N <noun>", <head>, "<array>": [...], "next_cursor"?, "status": "success"}}.
     */
    public void legacy(Context ctx, Legacy list, int limit, String cursor) {
        List<String> buffered = new ArrayList<>();
        long bytes = 0;
        String next = cursor;
        boolean complete = false;
        while (true) {
            int max = limit == 0 ? pageSize : Math.min(pageSize, limit - buffered.size());
            Page<? extends JsonNode> page = list.fetch().page(max, next);
            for (JsonNode item : page.items()) {
                String json = json(item);
                buffered.add(json);
                bytes += json.length();
            }
            next = page.nextCursor();
            if (next == null || limit > 0 && buffered.size() >= limit) {
                complete = true;
                break;
            }
            if (bytes > bufferBytes) {
                break;
            }
        }
        record(bytes);
        if (complete) {
            long count = buffered.size();
            String nextCursor = next;
            write(ctx, generator -> {
                head(generator, list, count);
                for (String item : buffered) {
                    generator.writeRawValue(item);
                }
                generator.writeEndArray();
                tail(generator, nextCursor);
            });
            return;
        }
        // Too large to buffer: count what is left first (the message precedes the items), then stream.
        long total = buffered.size() + list.counter().count(next, limit == 0 ? Long.MAX_VALUE : limit - buffered.size());
        String resume = next;
        write(ctx, generator -> {
            head(generator, list, total);
            long written = 0;
            for (String item : buffered) {
                generator.writeRawValue(item);
                written++;
            }
            buffered.clear();
            String from = resume;
            while (from != null && written < total) {
                int max = (int) Math.min(pageSize, total - written);
                Page<? extends JsonNode> page = list.fetch().page(max, from);
                for (JsonNode item : page.items()) {
                    if (written == total) {
                        break;
                    }
                    generator.writeRawValue(json(item));
                    written++;
                }
                from = page.nextCursor();
                generator.flush();
            }
            generator.writeEndArray();
            tail(generator, limit > 0 ? from : null);
        });
    }

    /**
     * One page of ours, by bytes: items after {@code cursor} up to {@code limit}, stopping once
     * {@code bufferBytes} are reached; {@code next_cursor} says where to go on. Never empty while
     * items remain (the first page is taken whole).
     */
    public void page(Context ctx, String arrayName, Fetch fetch, int limit, String cursor,
                     String noun) {
        List<String> buffered = new ArrayList<>();
        long bytes = 0;
        String next = cursor;
        do {
            int max = Math.min(pageSize, limit - buffered.size());
            Page<? extends JsonNode> page = fetch.page(max, next);
            for (JsonNode item : page.items()) {
                String json = json(item);
                buffered.add(json);
                bytes += json.length();
            }
            next = page.nextCursor();
        } while (next != null && buffered.size() < limit && bytes < bufferBytes);
        record(bytes);
        long count = buffered.size();
        String nextCursor = next;
        write(ctx, generator -> {
            generator.writeStartObject();
            generator.writeStringField("message", "Found " + count + " " + noun);
            generator.writeArrayFieldStart(arrayName);
            for (String item : buffered) {
                generator.writeRawValue(item);
            }
            generator.writeEndArray();
            generator.writeNumberField("count", count);
            tail(generator, nextCursor);
        });
    }

    private static String json(JsonNode item) {
        try {
            return JsonCodec.MAPPER.writeValueAsString(item);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void record(long bytes) {
        maxBuffered.accumulateAndGet(bytes, Math::max);
    }

    private static void head(JsonGenerator generator, Legacy list, long count) throws IOException {
        generator.writeStartObject();
        generator.writeStringField("message", "Found " + count + " " + list.noun());
        for (Map.Entry<String, String> field : list.head().entrySet()) {
            generator.writeStringField(field.getKey(), field.getValue());
        }
        generator.writeArrayFieldStart(list.arrayName());
    }

    private static void tail(JsonGenerator generator, String nextCursor) throws IOException {
        if (nextCursor != null) {
            generator.writeStringField("next_cursor", nextCursor);
        }
        generator.writeStringField("status", "success");
        generator.writeEndObject();
    }

    private interface Body {
        void write(JsonGenerator generator) throws IOException;
    }

    /**
     * Writes the answer as it is produced. A store failure before the first byte is an ordinary error
     * answer; after it (the status is sent), the body is cut short, so that no client mistakes a
     * partial list for a whole one.
     */
    private static void write(Context ctx, Body body) {
        ctx.status(200).contentType("application/json");
        OutputStream out = ctx.outputStream();
        JsonGenerator generator;
        try {
            generator = JsonCodec.MAPPER.createGenerator(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            body.write(generator);
            generator.flush();
        } catch (com.fasterxml.jackson.core.JsonGenerationException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            LOG.debug("client went away during a list: {}", e.getMessage());
        } catch (ApiError e) {
            if (!ctx.res().isCommitted()) {
                ctx.res().resetBuffer();
                throw e;
            }
            LOG.warn("list cut short after the answer started: {}", e.getMessage());
        }
    }

    static Map<String, String> head(String name, String value) {
        Map<String, String> head = new LinkedHashMap<>();
        head.put(name, value);
        return head;
    }
}
