package io.agentmatch.contract.validation;

import java.util.regex.Pattern;

/**
 * Which ids are well-formed. An id is a DynamoDB key, a Kafka key and, on rollback, a file name
 * ({@code <id>.json}), so only a conservative file-name alphabet passes: no {@code /}, no
 * {@code ..}, no control characters, nothing that starts with a dot.
 */
public final class ProfileIds {
    public static final int MAX_LENGTH = 128;
    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    private ProfileIds() {
    }

    public static void check(String field, String id) throws ValidationException {
        if (id == null || id.isEmpty()) {
            throw new ValidationException(field, "must be a non-empty string");
        }
        if (id.length() > MAX_LENGTH) {
            throw new ValidationException(field, "must be at most " + MAX_LENGTH + " characters, got " + id.length());
        }
        if (!ALLOWED.matcher(id).matches() || id.contains("..")) {
            throw new ValidationException(field,
                    "may contain only letters, digits, '.', '_' and '-', must start with a letter or digit and must not contain '..'");
        }
    }

    public static boolean isWellFormed(String id) {
        try {
            check("id", id);
            return true;
        } catch (ValidationException e) {
            return false;
        }
    }
}
