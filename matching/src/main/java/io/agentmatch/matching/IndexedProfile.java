package io.agentmatch.matching;

import io.agentmatch.contract.events.MatchProjection;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A profile as {@link MatchIndex} holds it: the projection's answer fields (not its base64
 * embedding), the keys its filters compare, and its stems for the ranker.
 */
final class IndexedProfile {
    final String id;
    final String textHash;
    final long version;
    float[] vector; // only until placed: the blocks hold the copy that is searched
    final String name;
    final String address;
    final String job;
    final String description;
    final List<String> tags;
    final BigDecimal averagePrice;
    final String city;
    final String cityKey;
    final String jobKey;
    final Set<String> tagKeys;
    final double price;
    final ProfileFeatures features;

    private IndexedProfile(MatchProjection p, float[] vector) {
        this.id = p.id();
        this.textHash = p.textHash();
        this.version = p.version();
        this.vector = vector;
        this.name = p.name();
        this.address = p.address();
        // Jobs, cities and tags repeat across profiles: one copy each (the index is most of the API's heap).
        this.job = shared(p.job());
        this.description = p.description();
        this.tags = p.tags() == null ? List.of()
                : List.copyOf(p.tags().stream().map(t -> t == null ? "" : shared(t)).toList());
        this.averagePrice = p.averagePrice();
        this.city = shared(p.city());
        this.cityKey = shared(key(p.city()));
        this.jobKey = shared(key(p.job()));
        this.tagKeys = this.tags.stream().map(t -> shared(key(t))).collect(Collectors.toUnmodifiableSet());
        this.price = p.averagePrice() == null ? Double.NaN : p.averagePrice().doubleValue();
        this.features = ProfileFeatures.of(p.job(), this.tags);
    }

    static IndexedProfile of(MatchProjection projection, int dimensions) {
        if (projection == null || projection.id() == null) {
            throw new IllegalArgumentException("a projection needs an id");
        }
        if (projection.embedding() == null) {
            throw new IllegalArgumentException("projection " + projection.id() + " has no embedding");
        }
        float[] vector = projection.vector();
        if (vector.length != dimensions) {
            throw new IllegalArgumentException("projection " + projection.id() + " has " + vector.length
                    + " dimensions, the index " + dimensions);
        }
        return new IndexedProfile(projection, Vectors.normalize(vector));
    }

    MatchHit hit(float score, float cosine) {
        return new MatchHit(id, score, cosine, name, address, job, description, tags, averagePrice, city);
    }

    /** How filters compare jobs, cities and tags: trimmed, lower case ("" for null). */
    static String key(String s) {
        return s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
    }

    private static String shared(String s) {
        return s == null ? null : s.intern();
    }
}
