package io.agentmatch.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmatch.matching.Embedder;
import io.agentmatch.matching.MatchHit;
import io.agentmatch.matching.MatchIndex;
import io.agentmatch.matching.MatchQuery;
import io.agentmatch.api.matching.IndexFeed;
import io.javalin.http.Context;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * POST /match, answered from the in-memory index of match projections: only the request is
 * embedded per request, never the profiles. Legacy fields first, then {@code matches}.
 */
public final class MatchRoutes {
    private static final int MAX_DESCRIPTION_CHARS = 10_000;

    private final RequestBodies bodies;
    private final Embedder embedder;
    private final MatchIndex index;
    private final IndexFeed follower;

    public MatchRoutes(RequestBodies bodies, Embedder embedder, MatchIndex index, IndexFeed follower) {
        this.bodies = bodies;
        this.embedder = embedder;
        this.index = index;
        this.follower = follower;
    }

    public void match(Context ctx) {
        ObjectNode body = bodies.object(ctx);
        MatchQuery query = query(body);
        if (follower.state() == IndexFeed.State.LOADING) {
            throw ApiError.unavailable("the match index is still loading; retry in a few seconds");
        }
        List<MatchHit> hits = index.search(embedder.embed(query.description()), query);
        if (hits.isEmpty()) {
            throw ApiError.notFound(index.size() == 0 ? "No profiles available for matching"
                    : "No profile matches the given filters");
        }
        MatchHit best = hits.get(0);
        ObjectNode answer = Responses.success("Match found successfully");
        answer.put("matched_address", best.address());
        answer.put("match_score", round(best.score()));
        answer.set("matched_uagent", uagent(best));
        ArrayNode matches = answer.putArray("matches");
        for (MatchHit hit : hits) {
            ObjectNode match = uagent(hit);
            match.put("id", hit.id());
            match.put("address", hit.address());
            match.put("city", hit.city());
            match.put("score", round(hit.score()));
            matches.add(match);
        }
        Responses.send(ctx, 200, answer);
    }

    private static MatchQuery query(ObjectNode body) {
        JsonNode description = body.get("description");
        if (description == null || description.isNull()) {
            throw ApiError.badRequest("description: is required");
        }
        if (!description.isTextual() || description.textValue().isBlank()) {
            throw ApiError.badRequest("description: must be a non-empty string");
        }
        if (description.textValue().length() > MAX_DESCRIPTION_CHARS) {
            throw ApiError.badRequest("description: must be at most " + MAX_DESCRIPTION_CHARS + " characters");
        }
        int limit = MatchQuery.DEFAULT_LIMIT;
        JsonNode limitNode = body.get("limit");
        if (limitNode != null && !limitNode.isNull()) {
            if (!limitNode.canConvertToExactIntegral() || limitNode.asInt() < 1 || limitNode.asInt() > 100) {
                throw ApiError.badRequest("limit: must be an integer from 1 to 100");
            }
            limit = limitNode.asInt();
        }
        BigDecimal maxPrice = null;
        JsonNode price = body.get("maxPrice");
        if (price != null && !price.isNull()) {
            if (!price.isNumber()) {
                throw ApiError.badRequest("maxPrice: must be a number, got " + RequestBodies.kind(price));
            }
            maxPrice = price.decimalValue();
        }
        List<String> tags = new ArrayList<>();
        JsonNode tagNode = body.get("tags");
        if (tagNode != null && !tagNode.isNull()) {
            if (!tagNode.isArray()) {
                throw ApiError.badRequest("tags: must be a list of strings, got " + RequestBodies.kind(tagNode));
            }
            for (int i = 0; i < tagNode.size(); i++) {
                if (!tagNode.get(i).isTextual()) {
                    throw ApiError.badRequest("tags[" + i + "]: must be a string");
                }
                tags.add(tagNode.get(i).textValue());
            }
        }
        return new MatchQuery(description.textValue(), optionalText(body, "location"), optionalText(body, "job"),
                maxPrice, tags, limit);
    }

    private static String optionalText(ObjectNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw ApiError.badRequest(field + ": must be a string, got " + RequestBodies.kind(value));
        }
        return value.textValue();
    }

    private static ObjectNode uagent(MatchHit hit) {
        ObjectNode agent = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        agent.put("name", hit.name());
        agent.put("job", hit.job());
        agent.put("description", hit.description());
        ArrayNode tags = agent.putArray("tags");
        hit.tags().forEach(tags::add);
        if (hit.averagePrice() == null) {
            agent.putNull("averagePrice");
        } else {
            agent.put("averagePrice", hit.averagePrice());
        }
        return agent;
    }

    private static double round(double score) {
        return BigDecimal.valueOf(score).setScale(3, RoundingMode.HALF_UP).doubleValue();
    }
}
