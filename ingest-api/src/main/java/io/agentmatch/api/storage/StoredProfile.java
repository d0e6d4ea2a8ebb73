package io.agentmatch.api.storage;

import io.agentmatch.contract.events.ProfileRecord;

/**
 * A profile as stored: the legacy record, the event-log offset that made it ({@code version}), and
 * the request fingerprint of the Idempotency-Key that created it (null when created without one).
 */
public record StoredProfile(ProfileRecord record, long version, String requestFingerprint) {
}
