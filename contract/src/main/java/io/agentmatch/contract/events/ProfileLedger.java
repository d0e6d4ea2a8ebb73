package io.agentmatch.contract.events;

import io.agentmatch.contract.validation.ProfileValidator;
import io.agentmatch.contract.validation.ValidationException;

/**
 * The fold of profile events into profile state, as one pure function. The processor (against its
 * state store) and the rollback export (replaying the topic) both use it, so the tables and the
 * exported files cannot disagree about which event won.
 *
 * <p>Rules, per event type:
 * <ul>
 *   <li>CREATED applies only to an id never seen: a retried {@code POST /store} with the same
 *       Idempotency-Key derives the same id and is a no-op. A create whose request fingerprint
 *       differs from the one that created the profile reused the key with another body (two API
 *       instances, within the processing delay): it is refused as invalid (dead-lettered with the
 *       reason), never silently dropped.</li>
 *   <li>IMPORTED applies to an id never seen, or to one still as a migration left it and whose
 *       content differs; never over a profile changed or deleted through the API.</li>
 *   <li>UPDATED applies to an existing profile whose content differs; it keeps the creation timestamp.
 *       With an {@code expectedVersion} (schema version 2) only while the profile is at that version:
 *       otherwise it is refused as a version conflict (dead-lettered with both versions).</li>
 *   <li>DELETED applies to an existing profile.</li>
 * </ul>
 * Events are applied in log order. {@code version} is the event's position: its offset, or, for an
 * event redriven from the dead-letter topic, its original offset ({@link EventPosition}). An event
 * whose position is not after the state's was superseded and changes nothing, so a redriven old
 * event never overwrites a newer state (and a redriven copy of an event already folded is a no-op).
 * Older schema versions are upcast first ({@link EventVersions}); an unknown one is refused with
 * {@link UnknownSchemaVersionException}.
 */
public final class ProfileLedger {

    /** The outcome of one event. */
    public sealed interface Decision permits Apply, Ignore {
    }

    /** The event changes the state: {@code record} is the new profile, or null for a delete. */
    public record Apply(ProfileState next, ProfileRecord record) implements Decision {
        public boolean isDelete() {
            return record == null;
        }
    }

    /** The event changes nothing, for the given reason. */
    public record Ignore(String reason) implements Decision {
    }

    private ProfileLedger() {
    }

    public static Decision decide(ProfileState current, EventEnvelope event, long version) throws InvalidEventException {
        if (!event.type().isProfileEvent()) {
            throw new InvalidEventException("event type " + event.type() + " does not belong on the profile topic");
        }
        event = EventVersions.toCurrent(event);
        ProfileRecord record = event.profile();
        if (record.id() == null || !record.id().equals(event.key())) {
            throw new InvalidEventException("payload id " + record.id() + " does not match event key " + event.key());
        }
        if (current != null && version <= current.version()) {
            return new Ignore("superseded: the profile's state was made at version " + current.version()
                    + ", after this event's position " + version);
        }
        boolean exists = current != null && !current.deleted();
        return switch (event.type()) {
            case PROFILE_CREATED -> {
                if (current == null) {
                    yield apply(validated(record), EventSource.API, version, event.requestFingerprint());
                }
                if (event.requestFingerprint() != null && current.requestFingerprint() != null
                        && !event.requestFingerprint().equals(current.requestFingerprint())) {
                    throw new InvalidEventException("idempotency conflict: Idempotency-Key " + event.idempotencyKey()
                            + " was first used with another request body; this create was not applied");
                }
                yield new Ignore("profile already exists (retried create)");
            }
            case PROFILE_IMPORTED -> decideImport(current, validated(record), version);
            case PROFILE_UPDATED -> {
                checkExpectedVersion(current, event);
                if (!exists) {
                    yield new Ignore("no such profile to update");
                }
                ProfileRecord updated = validated(new ProfileRecord(record.id(), current.timestamp(), record.data()));
                yield updated.contentHash().equals(current.contentHash())
                        ? new Ignore("update changes nothing")
                        : apply(updated, EventSource.API, version, current.requestFingerprint());
            }
            case PROFILE_DELETED -> exists
                    ? new Apply(new ProfileState(current.timestamp(), null, EventSource.API, true, version,
                            current.requestFingerprint()), null)
                    : new Ignore("no such profile to delete");
            default -> throw new InvalidEventException("event type " + event.type() + " is not a profile event");
        };
    }

    /** Version 2's optimistic concurrency: an update made against another version than the current one is refused. */
    private static void checkExpectedVersion(ProfileState current, EventEnvelope event) throws InvalidEventException {
        com.fasterxml.jackson.databind.JsonNode expected = event.payload().get("expectedVersion");
        if (expected == null || expected.isNull()) {
            return;
        }
        if (!expected.canConvertToExactIntegral() || !expected.canConvertToLong()) {
            throw new InvalidEventException("expectedVersion " + expected + " is not a version (an integer)");
        }
        long wanted = expected.longValue();
        if (current == null || current.deleted() || current.version() != wanted) {
            throw new InvalidEventException("version conflict: the update expected version " + wanted + ", the profile "
                    + (current == null ? "does not exist" : current.deleted() ? "was deleted at version " + current.version()
                    : "is at version " + current.version()) + "; not applied (read the profile again and retry)");
        }
    }

    private static Decision decideImport(ProfileState current, ProfileRecord record, long version) {
        if (current == null) {
            return apply(record, EventSource.MIGRATION, version, null);
        }
        if (current.origin() != EventSource.MIGRATION) {
            return new Ignore(current.deleted()
                    ? "deleted through the API since the migration; not restored"
                    : "changed through the API since the migration; kept");
        }
        return record.contentHash().equals(current.contentHash())
                ? new Ignore("unchanged since the last migration")
                : apply(record, EventSource.MIGRATION, version, current.requestFingerprint());
    }

    private static Apply apply(ProfileRecord record, EventSource origin, long version, String requestFingerprint) {
        return new Apply(new ProfileState(record.timestamp(), record.contentHash(), origin, false, version,
                requestFingerprint), record);
    }

    private static ProfileRecord validated(ProfileRecord record) throws InvalidEventException {
        try {
            ProfileValidator.validateRecord(record);
            return record;
        } catch (ValidationException e) {
            throw new InvalidEventException(e.getMessage());
        }
    }
}
