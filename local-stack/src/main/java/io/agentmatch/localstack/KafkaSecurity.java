package io.agentmatch.localstack;

/**
 * How the local broker's client listener is secured ({@code LOCAL_KAFKA_SECURITY}): plaintext, as
 * the README's first command runs it, or SASL_SSL with ACLs, to prove the pipeline on a cluster
 * like the ones users run ({@link SecureBroker}, docs/LOCAL_STACK.md).
 */
public enum KafkaSecurity {
    PLAINTEXT,
    SASL_SSL
}
