package io.agentmatch.matching;

import java.math.BigDecimal;
import java.util.List;

/**
 * A match request: the free-text {@code description} (embedded, and seen by the {@link Ranker}) plus
 * optional filters. All filters are case-insensitive; {@code null} or empty means "no filter".
 *
 * @param location city, compared with the projection's city
 * @param job      job title, compared for equality
 * @param maxPrice profiles without a price do not pass a maxPrice filter
 * @param tags     every one of them must be among the profile's tags
 * @param limit    number of hits wanted, {@value #DEFAULT_LIMIT} when 0 or less
 */
public record MatchQuery(String description, String location, String job, BigDecimal maxPrice, List<String> tags,
                         int limit) {

    public static final int DEFAULT_LIMIT = 5;
    public static final int MAX_LIMIT = 1000;

    public MatchQuery {
        description = description == null ? "" : description;
        tags = tags == null ? List.of() : List.copyOf(tags);
        limit = limit <= 0 ? DEFAULT_LIMIT : Math.min(limit, MAX_LIMIT);
    }

    public static MatchQuery of(String description) {
        return new MatchQuery(description, null, null, null, List.of(), DEFAULT_LIMIT);
    }

    public MatchQuery withLimit(int newLimit) {
        return new MatchQuery(description, location, job, maxPrice, tags, newLimit);
    }

    public MatchQuery withLocation(String newLocation) {
        return new MatchQuery(description, newLocation, job, maxPrice, tags, limit);
    }

    public MatchQuery withJob(String newJob) {
        return new MatchQuery(description, location, newJob, maxPrice, tags, limit);
    }

    public MatchQuery withMaxPrice(BigDecimal newMaxPrice) {
        return new MatchQuery(description, location, job, newMaxPrice, tags, limit);
    }

    public MatchQuery withTags(List<String> newTags) {
        return new MatchQuery(description, location, job, maxPrice, newTags, limit);
    }

    public boolean hasFilters() {
        return !isBlank(location) || !isBlank(job) || maxPrice != null || !tags.isEmpty();
    }

    static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
