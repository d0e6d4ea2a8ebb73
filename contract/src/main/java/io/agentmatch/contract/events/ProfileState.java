package io.agentmatch.contract.events;

/**
 * What the fold remembers of one profile id: enough to decide whether the next event applies,
 * not the profile itself. Deleted profiles are remembered too, so a re-run migration cannot bring
 * back a profile that was deleted through the API.
 *
 * @param timestamp   the profile's creation timestamp (kept across updates)
 * @param contentHash {@link ProfileRecord#contentHash()} of the current content
 * @param origin      who made the current state: MIGRATION while untouched since the import
 * @param version     the event-log offset of the event that made the current state
 * @param requestFingerprint the request fingerprint of the Idempotency-Key that created the profile, or null
 */
public record ProfileState(String timestamp, String contentHash, EventSource origin, boolean deleted, long version,
                           String requestFingerprint) {

    public ProfileState(String timestamp, String contentHash, EventSource origin, boolean deleted, long version) {
        this(timestamp, contentHash, origin, deleted, version, null);
    }
}
