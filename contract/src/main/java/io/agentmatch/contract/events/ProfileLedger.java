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
 *   <li>UPDATED applies to an existing profile whose content differs; it keeps the creation timestamp.</li>
 *   <li>DELETED applies to an existing profile.</li>
 * </ul>
 * Events are applied in log order, so an older event can never overwrite a newer state.
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
        if (event.schemaVersion() != EventEnvelope.CURRENT_SCHEMA_VERSION) {
            throw new InvalidEventException("unknown schema version " + event.schemaVersion());
        }
        ProfileRecord record = event.profile();
        if (record.id() == null || !record.id().equals(event.key())) {
            throw new InvalidEventException("payload id " + record.id() + " does not match event key " + event.key());
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
