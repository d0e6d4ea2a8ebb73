package io.agentmatch.matching;

import java.math.BigDecimal;
import java.util.List;

/**
 * One search result.
 *
 * @param score  the final score (cosine plus the ranker's boost), what /match reports
 * @param cosine the cosine similarity alone
 */
public record MatchHit(String id, double score, double cosine, String name, String address, String job,
                       String description, List<String> tags, BigDecimal averagePrice, String city) {
}
