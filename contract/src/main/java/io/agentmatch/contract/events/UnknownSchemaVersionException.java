package io.agentmatch.contract.events;

/**
 * An event of a schema version this reader does not know: a newer major version (or a type it does
 * not know of a newer producer's). Unlike any other invalid event it is not wrong, only early: it is
 * dead-lettered, the later events of its key wait behind it ({@link KeyHolds}), and after an upgrade
 * its redrive applies it in its original place.
 */
public final class UnknownSchemaVersionException extends InvalidEventException {
    public UnknownSchemaVersionException(String message) {
        super(message);
    }
}
