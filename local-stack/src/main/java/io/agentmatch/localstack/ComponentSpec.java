package io.agentmatch.localstack;

import java.util.List;
import java.util.Map;

/**
 * How to run one component of the stack as a child process: its command, environment, the port
 * its readiness check uses, and the strings that must appear in a live process's command line for
 * the recorded pid to count as this component (a recycled pid is then not mistaken for it).
 */
public record ComponentSpec(
        String name,
        Kind kind,
        List<String> command,
        Map<String, String> env,
        int port,
        List<String> markers) {

    public enum Kind {
        KAFKA, DYNALITE, PROCESSOR, API;

        /** The kind of a component name: {@code kafka}, {@code dynalite}, {@code processor[-N]}, {@code api[-N]}. */
        public static Kind ofName(String name) {
            if (name.equals("kafka")) {
                return KAFKA;
            }
            if (name.equals("dynalite")) {
                return DYNALITE;
            }
            if (name.equals("processor") || name.startsWith("processor-")) {
                return PROCESSOR;
            }
            if (name.equals("api") || name.startsWith("api-")) {
                return API;
            }
            throw new IllegalArgumentException("unknown component '" + name
                    + "' (expected kafka, dynalite, processor, processor-<n>, api, api-<n>)");
        }
    }

    public ComponentSpec {
        command = List.copyOf(command);
        env = Map.copyOf(env);
        markers = List.copyOf(markers);
    }

    /** Where the component answers: the readiness URL of processors and APIs. */
    public String readyUrl() {
        return switch (kind) {
            case API -> "http://127.0.0.1:" + port + "/ready";
            case PROCESSOR -> "http://127.0.0.1:" + port + "/health";
            case DYNALITE -> "http://127.0.0.1:" + port;
            case KAFKA -> "127.0.0.1:" + port;
        };
    }
}
