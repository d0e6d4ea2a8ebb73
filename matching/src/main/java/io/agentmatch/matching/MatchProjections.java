package io.agentmatch.matching;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmatch.contract.events.MatchProjection;
import io.agentmatch.contract.storage.ProfileItems;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/** Builds the {@link MatchProjection} of a profile's submitted data, the one way (processor, evaluation, tests). */
public final class MatchProjections {
    private MatchProjections() {
    }

    /** Embeds {@link MatchText#of} the data with {@code embedder}. */
    public static MatchProjection of(String id, ObjectNode data, Embedder embedder, long version) {
        String text = MatchText.of(data);
        return of(id, data, MatchText.hash(embedder.modelName(), text), embedder.embed(text), version);
    }

    /**
     * With an embedding computed elsewhere (e.g. in a batch through {@link Embedder#embedAll}). Fields that
     * are not of the expected JSON type are left out (null); tags that are not strings are kept as JSON
     * text; the city is the first {@code location} entry ({@link ProfileItems#cityOf}).
     */
    public static MatchProjection of(String id, ObjectNode data, String textHash, float[] vector, long version) {
        List<String> tags = new ArrayList<>();
        JsonNode tagNode = data.get("tags");
        if (tagNode != null && tagNode.isArray()) {
            tagNode.forEach(t -> tags.add(t.isTextual() ? t.textValue() : t.toString()));
        }
        JsonNode price = data.get("averagePrice");
        BigDecimal averagePrice = price != null && price.isNumber() ? price.decimalValue() : null;
        return new MatchProjection(id, textHash, MatchProjection.encode(vector), text(data, "name"),
                text(data, "address"), text(data, "job"), ProfileItems.cityOf(data), averagePrice, List.copyOf(tags),
                text(data, "description"), version);
    }

    /** True when {@code existing} lacks an embedding of this data's text with this model. */
    public static boolean needsEmbedding(MatchProjection existing, ObjectNode data, String modelName) {
        return existing == null || existing.embedding() == null
                || !MatchText.hash(modelName, MatchText.of(data)).equals(existing.textHash());
    }

    private static String text(ObjectNode data, String field) {
        JsonNode node = data.get(field);
        return node != null && node.isTextual() ? node.textValue() : null;
    }
}
