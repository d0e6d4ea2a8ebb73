package io.agentmatch.contract.kafka;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;

/**
 * Names what went wrong with Kafka in the words an operator acts on. Authentication and
 * authorization failures are permanent until someone changes a credential or an ACL: they are
 * reported as such (readiness, health, exit messages), never retried in silence.
 */
public final class KafkaFailures {
    private static final int PROBE_TIMEOUT_MS = 1000;

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
            // A SASL client without sasl.jaas.config fails while the client is built, before any connection.
            if (t instanceof IllegalArgumentException && message(t).contains("JAAS configuration")) {
                return Optional.of("Kafka authentication is not configured: SASL needs sasl.jaas.config"
                        + " (KAFKA_CONFIG_FILE or KAFKA_SASL_JAAS_CONFIG): " + message(t));
            }
        }
        return Optional.empty();
    }

    public static boolean isSecurityProblem(Throwable error) {
        return securityProblem(error).isPresent();
    }

    /**
     * What to tell an operator when Kafka gave no answer within {@code waited}. Kafka answers a
     * client whose security settings do not match the listener (a PLAINTEXT client at a TLS
     * listener, a TLS client at a SASL one) with no error at all, only dropped connections, which
     * the client retries in silence: so silence from an address that accepts TCP connections is
     * reported as what it most often is, with the client's protocol, and the word authentication.
     */
    public static String noAnswer(KafkaConnection connection, Duration waited) {
        String servers = connection.bootstrapServers();
        if (!anyAcceptsConnections(servers)) {
            return "Kafka at " + servers + " is unreachable (no answer within " + waited.toSeconds()
                    + " s, nothing accepts connections there); check KAFKA_BOOTSTRAP_SERVERS and that the broker is running";
        }
        String protocol = connection.properties().getOrDefault("security.protocol", "PLAINTEXT").toUpperCase(Locale.ROOT);
        String mechanism = protocol.startsWith("SASL")
                ? ", sasl.mechanism=" + connection.properties().getOrDefault("sasl.mechanism", "GSSAPI") : "";
        return "Kafka at " + servers + " accepts connections but did not answer within " + waited.toSeconds()
                + " s (this client: security.protocol=" + protocol + mechanism + "): the broker is not ready yet, or its"
                + " listener expects other TLS/SASL authentication settings, and Kafka drops such clients without an"
                + " error; check KAFKA_CONFIG_FILE and the KAFKA_SECURITY_PROTOCOL / KAFKA_SASL_* / KAFKA_SSL_* settings";
    }

    /** Whether any of the bootstrap servers ({@code host:port,...}) accepts a TCP connection within a second. */
    static boolean anyAcceptsConnections(String servers) {
        for (String server : servers.split(",")) {
            String entry = server.trim();
            int colon = entry.lastIndexOf(':');
            if (colon <= 0) {
                continue;
            }
            String host = entry.substring(0, colon).replace("[", "").replace("]", "");
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host, Integer.parseInt(entry.substring(colon + 1))), PROBE_TIMEOUT_MS);
                return true;
            } catch (IOException | RuntimeException e) {
                // try the next one
            }
        }
        return false;
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
