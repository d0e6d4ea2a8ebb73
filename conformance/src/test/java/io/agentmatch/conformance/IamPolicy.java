package io.agentmatch.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One component's IAM policy document ({@code docs/iam/<component>.json}) as the checks read it:
 * the (action, resource) pairs it allows, with IAM's wildcards ({@code *}, {@code ?}) and IAM's
 * case-insensitive action names.
 */
record IamPolicy(String component, List<Grant> grants) {
    static final String ARN_PREFIX = "arn:aws:dynamodb:REGION:ACCOUNT_ID:table/";

    /** One action on one resource, as written in a statement. */
    record Grant(String sid, String action, String resource) {
        boolean allows(String operation, String arn) {
            return glob(action, true).matcher("dynamodb:" + operation).matches() && glob(resource, false).matcher(arn).matches();
        }

        @Override
        public String toString() {
            return action + " on " + resource + " (" + sid + ")";
        }
    }

    static IamPolicy read(Path file, String component) throws IOException {
        JsonNode document = new ObjectMapper().readTree(file.toFile());
        List<Grant> grants = new ArrayList<>();
        for (JsonNode statement : document.path("Statement")) {
            if (!"Allow".equals(statement.path("Effect").asText())) {
                throw new IllegalStateException(file + ": only Allow statements are expected, got " + statement);
            }
            String sid = statement.path("Sid").asText("(no Sid)");
            for (String action : values(statement.path("Action"))) {
                for (String resource : values(statement.path("Resource"))) {
                    grants.add(new Grant(sid, action, resource));
                }
            }
        }
        return new IamPolicy(component, List.copyOf(grants));
    }

    private static List<String> values(JsonNode node) {
        List<String> values = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(value -> values.add(value.asText()));
        } else if (!node.isMissingNode()) {
            values.add(node.asText());
        }
        return values;
    }

    /** The ARN a recorded resource ({@code agent-profiles}, {@code agent-profiles/index/job-index}, {@code *}) stands for. */
    static String arn(String recorded) {
        return recorded.equals("*") ? "*" : ARN_PREFIX + recorded;
    }

    private static Pattern glob(String text, boolean caseInsensitive) {
        StringBuilder regex = new StringBuilder();
        for (char c : text.toCharArray()) {
            regex.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
        }
        return Pattern.compile(regex.toString(), caseInsensitive ? Pattern.CASE_INSENSITIVE : 0);
    }
}
