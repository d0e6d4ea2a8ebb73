package io.agentmatch.contract.provision;

/** A resource is missing or not as the contract defines it: the message is for the operator (no stack trace). */
public final class ProvisioningException extends RuntimeException {
    public ProvisioningException(String message) {
        super(message, null, false, false);
    }
}
