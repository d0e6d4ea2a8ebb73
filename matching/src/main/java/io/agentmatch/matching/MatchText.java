package io.agentmatch.matching;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmatch.contract.events.JsonCodec;

/**
 * The text the legacy server embedded for a profile, Python's
 * {@code f"{job} {description} Skills: {', '.join(tags)}"}.
 */
public final class MatchText {
    /** Bump when the text recipe changes, so every embedding is recomputed. */
    private static final String RECIPE = "match-text-v1";

    private MatchText() {
    }

    /**
     * {@code "<job> <description> Skills: <tag1>, <tag2>, ..."}. A missing or null field is an empty
     * string (legacy Python printed {@code None} for an explicit null; we do not copy that). Numbers and
     * booleans are printed as JSON text, a single string in place of the tags array is one tag, and
     * non-string tags are printed as their JSON text.
     */
    public static String of(ObjectNode data) {
        StringBuilder text = new StringBuilder();
        text.append(scalar(data == null ? null : data.get("job")));
        text.append(' ');
        text.append(scalar(data == null ? null : data.get("description")));
        text.append(" Skills: ");
        JsonNode tags = data == null ? null : data.get("tags");
        if (tags != null && tags.isArray()) {
            for (int i = 0; i < tags.size(); i++) {
                if (i > 0) {
                    text.append(", ");
                }
                text.append(scalar(tags.get(i)));
            }
        } else {
            text.append(scalar(tags));
        }
        return text.toString();
    }

    /**
     * The projection's {@code textHash}: a stable hex digest of model and text, so a change of either
     * (and nothing else) invalidates an embedding.
     */
    public static String hash(String modelName, String text) {
        return JsonCodec.sha256(RECIPE + '\u0000' + modelName + '\u0000' + text);
    }

    private static String scalar(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return "";
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isValueNode()) {
            return node.asText();
        }
        return node.toString();
    }
}
