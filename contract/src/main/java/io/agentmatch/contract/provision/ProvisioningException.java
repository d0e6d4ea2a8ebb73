package io.agentmatch.contract.provision;

/** A resource is missing or not as the contract defines it: the message is for the operator (no stack trace). */
public final class ProvisioningException extends RuntimeException {
    public ProvisioningException(String message) {
        this(message, null);
    }

    /** With the client's error as the cause, so callers can tell "does not exist" from "not allowed". */
    public ProvisioningException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
