package io.agentmatch.contract.kafka;

import java.util.Optional;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;

/**
 * Names what went wrong with Kafka in the words an operator acts on. Authentication and
 * authorization failures are permanent until someone changes a credential or an ACL: they are
 * reported as such (readiness, health, exit messages), never retried in silence.
 */
public final class KafkaFailures {
    private KafkaFailures() {
    }

    /** "Kafka authentication failed: ..." or "Kafka authorization failed: ...", when that is the cause. */
    public static Optional<String> securityProblem(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof AuthenticationException) {
                return Optional.of("Kafka authentication failed: " + message(t));
            }
            if (t instanceof AuthorizationException) {
                return Optional.of("Kafka authorization failed: " + message(t));
            }
        }
        return Optional.empty();
    }

    public static boolean isSecurityProblem(Throwable error) {
        return securityProblem(error).isPresent();
    }

    /** The innermost cause's type and message, without a stack trace. */
    public static String rootMessage(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getClass().getSimpleName() + ": " + message(cause);
    }

    private static String message(Throwable t) {
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
