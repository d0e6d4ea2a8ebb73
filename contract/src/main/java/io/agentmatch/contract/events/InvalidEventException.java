package io.agentmatch.contract.events;

/**
 * An event that can never be applied, whatever is retried: it belongs in the dead-letter topic. The
 * one exception, {@link UnknownSchemaVersionException}, can be applied after an upgrade.
 */
public class InvalidEventException extends Exception {
    public InvalidEventException(String reason) {
        super(reason, null, false, false);
    }
}
