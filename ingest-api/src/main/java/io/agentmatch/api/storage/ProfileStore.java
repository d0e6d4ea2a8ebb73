package io.agentmatch.api.storage;

import io.agentmatch.contract.events.ProfileRecord;
import java.util.Optional;

/**
 * Reads of the profiles, one bounded round trip per call: the routes decide how many pages a
 * request reads and how they are written out. {@link ProfileReader} reads DynamoDB; the route
 * tests use an in-memory one.
 */
public interface ProfileStore {

    /** The profile as stored now (a consistent read), or empty. */
    Optional<StoredProfile> find(String id);

    /** One page of ids: at most {@code max} of them, after {@code cursor} (null: from the start). */
    Page<String> idPage(int max, String cursor);

    /** How many ids there are after {@code cursor}, counting at most {@code max} (no item is held in memory). */
    long countIds(String cursor, long max);

    /** One page of profiles whose job or city equals the filter's (all profiles when both are null). */
    Page<ProfileRecord> profilePage(ProfileFilter filter, int max, String cursor);

    /** Profiles by job (the job index), by city (the location index), or all of them. */
    record ProfileFilter(String job, String city) {
        public static final ProfileFilter ALL = new ProfileFilter(null, null);
    }
}
