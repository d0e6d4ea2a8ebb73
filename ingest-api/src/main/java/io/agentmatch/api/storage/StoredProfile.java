package io.agentmatch.api.storage;

import io.agentmatch.contract.events.ProfileRecord;

/**
 * A profile as stored: the legacy record and the event-log offset that made it ({@code version}).
 */
public record StoredProfile(ProfileRecord record, long version) {
}
