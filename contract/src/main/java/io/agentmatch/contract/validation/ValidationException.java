package io.agentmatch.contract.validation;

/** Bad input, with a message that names the field and what is wrong with it. */
public final class ValidationException extends Exception {
    private final String field;

    public ValidationException(String field, String problem) {
        super(field == null ? problem : field + ": " + problem, null, false, false);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
