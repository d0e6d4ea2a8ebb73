package io.agentmatch.api.http;

import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmatch.api.events.EventSink;
import io.agentmatch.api.storage.Page;
import io.agentmatch.api.storage.ProfileStore;
import io.agentmatch.api.storage.ProfileStore.ProfileFilter;
import io.agentmatch.api.storage.StoredProfile;
import io.agentmatch.contract.events.EventEnvelope;
import io.agentmatch.contract.events.EventSource;
import io.agentmatch.contract.events.EventType;
import io.agentmatch.contract.events.JsonCodec;
import io.agentmatch.contract.events.ProfileRecord;
import io.agentmatch.contract.events.Timestamps;
import io.agentmatch.contract.validation.ProfileValidator;
import io.agentmatch.contract.validation.ValidationException;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/** The profile routes: the legacy ones (/store, /retrieve, /list) and ours (/profiles). */
public final class ProfileRoutes {
    private static final int DEFAULT_PAGE = 100;
    private static final int MAX_PAGE = 1000;

    private static final String STORE = "POST /store";
    private static final String UPDATE = "PUT /profiles/{id}";
    private static final String DELETE = "DELETE /profiles/{id}";
    private static final String VERSION_HEADER = "X-Profile-Version";

    private final EventSink publisher;
    private final ProfileStore reader;
    private final RequestBodies bodies;
    private final String topic;
    private final Duration maxWait;
    private final Idempotency idempotency;
    private final String tokenScope;
    private final ReadYourWrites waits;
    private final BoundedLists lists;

    public ProfileRoutes(EventSink publisher, ProfileStore reader, RequestBodies bodies, String topic, Duration maxWait,
                         Idempotency idempotency, String tokenScope, ReadYourWrites waits, BoundedLists lists) {
        this.waits = waits;
        this.lists = lists;
        this.idempotency = idempotency;
        this.tokenScope = tokenScope;
        this.publisher = publisher;
        this.reader = reader;
        this.bodies = bodies;
        this.topic = topic;
        this.maxWait = maxWait;
    }

    /**
     * POST /store: 201 once Kafka acknowledged the event. With an Idempotency-Key, the id is derived
     * from the key; a retry with the same body answers as the first time, another body 422.
     */
    public void store(Context ctx) {
        ObjectNode data = validData(bodies.object(ctx));
        Idempotency.Claim claim = idempotency.claim(ctx, STORE, data, tokenScope);
        if (claim instanceof Idempotency.Repeat repeat) {
            Replies.replay(ctx, repeat);
            return;
        }
        Idempotency.First first = (Idempotency.First) claim;
        try {
            String id = first == null ? UUID.randomUUID().toString() : Idempotency.derive("profile", first);
            if (first != null) {
                Optional<StoredProfile> stored = findForRetry(id);
                if (stored.isPresent()) {
                    answerFromStore(ctx, first, stored.get());
                    return;
                }
            }
            ProfileRecord record = new ProfileRecord(id, Timestamps.now(), data);
            checkSize(record);
            EventEnvelope event = EventEnvelope.of(EventType.PROFILE_CREATED, EventSource.API, id,
                    first == null ? null : first.key(), record.toJson())
                    .withRequestFingerprint(first == null ? null : first.fingerprint());
            publish(ctx, event, 201, "Profile stored successfully", first, STORE, null);
        } catch (RuntimeException e) {
            release(first, STORE, e);
            throw e;
        }
    }

    /**
     * A keyed create whose profile is already stored (retried after this instance forgot the key,
     * or on another instance): the stored fingerprint says whether it is the same request.
     * A profile stored before fingerprints were recorded has none: answered as a retry.
     */
    private void answerFromStore(Context ctx, Idempotency.First first, StoredProfile stored) {
        if (stored.requestFingerprint() != null && !stored.requestFingerprint().equals(first.fingerprint())) {
            throw Idempotency.conflict(first.key());
        }
        ObjectNode body = Responses.success("Profile stored successfully");
        body.put("id", stored.record().id());
        body.put("status", "success");
        Idempotency.Answer answer = new Idempotency.Answer(201, JsonCodec.toBytes(body),
                Map.of(VERSION_HEADER, Long.toString(stored.version())));
        idempotency.answered(first, answer);
        answer.send(ctx);
    }

    /** The stored profile for a retry check, or empty when DynamoDB cannot say (the fold is the backstop). */
    private Optional<StoredProfile> findForRetry(String id) {
        try {
            return reader.find(id);
        } catch (ApiError e) {
            return Optional.empty();
        }
    }

    /**
     * GET /retrieve/{id}: the legacy record; {@code wait} (ms) and {@code minVersion} read your own
     * write. A wait is parked ({@link ReadYourWrites}): no request thread is held while it lasts.
     */
    public void retrieve(Context ctx) {
        String id = Params.id(ctx, "id");
        long minVersion = Params.minVersion(ctx);
        Duration wait = Params.await(ctx, maxWait);
        Optional<StoredProfile> item = reader.find(id);
        if (wait.isZero() || ReadYourWrites.isVisible(item, minVersion)) {
            answerRetrieve(ctx, id, item);
            return;
        }
        CompletableFuture<Void> done = waits.await(id, minVersion, wait).handle((later, error) -> {
            if (error != null) {
                ApiError apiError = Replies.apiError(error);
                Responses.error(ctx, apiError.status(), apiError.getMessage());
            } else {
                try {
                    answerRetrieve(ctx, id, later);
                } catch (ApiError notFound) {
                    Responses.error(ctx, notFound.status(), notFound.getMessage());
                }
            }
            return null;
        });
        ctx.future(() -> done);
    }

    private static void answerRetrieve(Context ctx, String id, Optional<StoredProfile> item) {
        if (item.isEmpty()) {
            throw ApiError.notFound("Profile " + id + " not found");
        }
        ObjectNode body = Responses.success("Profile retrieved successfully");
        body.set("data", item.get().record().toJson());
        ctx.header(VERSION_HEADER, Long.toString(item.get().version()));
        Responses.send(ctx, 200, body);
    }

    /** GET /list: every id (all Scan pages), or one page with {@code limit} and {@code cursor}; bounded memory. */
    public void list(Context ctx) {
        int limit = Params.limit(ctx, 0, 100_000);
        String cursor = ctx.queryParam("cursor");
        lists.legacy(ctx, new BoundedLists.Legacy("stored profiles", Map.of(), "ids",
                (max, from) -> {
                    Page<String> page = reader.idPage(max, from);
                    return new Page<>(page.items().stream().map(TextNode::valueOf).toList(), page.nextCursor());
                },
                reader::countIds), limit, cursor);
    }

    /** GET /profiles?job=..|location=..: through the GSIs, paginated by count and by bytes. */
    public void query(Context ctx) {
        String job = blankToNull(ctx.queryParam("job"));
        String location = blankToNull(ctx.queryParam("location"));
        if (job != null && location != null) {
            throw ApiError.badRequest("job and location: give one of them, not both");
        }
        checkKeyValue("job", job);
        checkKeyValue("location", location);
        ProfileFilter filter = new ProfileFilter(job, location);
        lists.page(ctx, "profiles", (max, cursor) -> {
            Page<ProfileRecord> page = reader.profilePage(filter, max, cursor);
            return new Page<>(page.items().stream().map(ProfileRecord::toJson).toList(), page.nextCursor());
        }, Params.limit(ctx, DEFAULT_PAGE, MAX_PAGE), ctx.queryParam("cursor"), "profiles");
    }

    /** PUT /profiles/{id}: replaces the data (the creation timestamp stays); 202 with the version to wait for. */
    public void update(Context ctx) {
        String id = Params.id(ctx, "id");
        ObjectNode data = validData(bodies.object(ctx));
        Idempotency.Claim claim = idempotency.claim(ctx, UPDATE, data, tokenScope);
        if (claim instanceof Idempotency.Repeat repeat) {
            Replies.replay(ctx, repeat);
            return;
        }
        Idempotency.First first = (Idempotency.First) claim;
        try {
            StoredProfile current = reader.find(id).orElseThrow(() -> ApiError.notFound("Profile " + id + " not found"));
            ProfileRecord record = new ProfileRecord(id, current.record().timestamp(), data);
            checkSize(record);
            EventEnvelope event = EventEnvelope.of(EventType.PROFILE_UPDATED, EventSource.API, id,
                    first == null ? null : first.key(), record.toJson());
            // A PUT of what is stored changes nothing: the fold ignores it, so its offset is a version the
            // item never reaches. Answer the version the item has, so that a wait on it returns at once.
            // (The event is still published: should an update not yet visible be ahead of it, ours applies after it.)
            Long unchanged = record.contentHash().equals(current.record().contentHash()) ? current.version() : null;
            publish(ctx, event, 202, "Profile update accepted", first, UPDATE, unchanged);
        } catch (RuntimeException e) {
            release(first, UPDATE, e);
            throw e;
        }
    }

    /** DELETE /profiles/{id}: removes the item and its match projection; 202 with the version. */
    public void delete(Context ctx) {
        String id = Params.id(ctx, "id");
        Idempotency.Claim claim = idempotency.claim(ctx, DELETE, null, tokenScope);
        if (claim instanceof Idempotency.Repeat repeat) {
            Replies.replay(ctx, repeat);
            return;
        }
        Idempotency.First first = (Idempotency.First) claim;
        try {
            if (reader.find(id).isEmpty()) {
                throw ApiError.notFound("Profile " + id + " not found");
            }
            ObjectNode payload = new ProfileRecord(id, null, null).toJson();
            EventEnvelope event = EventEnvelope.of(EventType.PROFILE_DELETED, EventSource.API, id,
                    first == null ? null : first.key(), payload);
            publish(ctx, event, 202, "Profile deletion accepted", first, DELETE, null);
        } catch (RuntimeException e) {
            release(first, DELETE, e);
            throw e;
        }
    }

    private void release(Idempotency.First first, String route, RuntimeException error) {
        if (first != null) {
            idempotency.failed(first, route, error);
        }
    }

    /** Publishes and answers; {@code knownVersion}, when given, is answered instead of the event's offset. */
    private void publish(Context ctx, EventEnvelope event, int status, String message, Idempotency.First first,
                         String route, Long knownVersion) {
        CompletableFuture<Void> done = publisher.publish(topic, event).handle((metadata, error) -> {
            if (error != null) {
                ApiError apiError = Replies.apiError(error);
                release(first, route, apiError);
                Responses.error(ctx, apiError.status(), apiError.getMessage());
                return null;
            }
            long version = knownVersion != null ? knownVersion : metadata.offset();
            ObjectNode body = Responses.success(message);
            body.put("id", event.key());
            if (status == 202) {
                body.put("version", version);
            }
            body.put("status", "success");
            Idempotency.Answer answer = new Idempotency.Answer(status, JsonCodec.toBytes(body),
                    Map.of(VERSION_HEADER, Long.toString(version)));
            if (first != null) {
                idempotency.answered(first, answer);
            }
            answer.send(ctx);
            return null;
        });
        ctx.future(() -> done);
    }

    private static ObjectNode validData(ObjectNode data) {
        try {
            return ProfileValidator.validateData(data, null);
        } catch (ValidationException e) {
            throw ApiError.badRequest(e.getMessage());
        }
    }

    private static void checkSize(ProfileRecord record) {
        try {
            ProfileValidator.checkSizes(record);
        } catch (ValidationException e) {
            throw new ApiError(413, "request body: " + e.getMessage());
        }
    }

    /** A GSI key value DynamoDB would refuse can match nothing: the client's error, named. */
    private static void checkKeyValue(String parameter, String value) {
        if (value != null && value.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 2048) {
            throw ApiError.badRequest(parameter + ": must be at most 2048 bytes (UTF-8)");
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

}
