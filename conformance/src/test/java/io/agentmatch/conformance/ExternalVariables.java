package io.agentmatch.conformance;

import java.util.List;
import java.util.Set;

/**
 * Environment variables our deployables may set that no component declares, because someone else
 * reads them: the JVM, glibc, the AWS SDK and the OpenTelemetry SDK. Listed in docs/DEPLOY.md.
 */
final class ExternalVariables {
    /** Read by the JVM (the container limit's heap share) and glibc (malloc arenas: RSS with RocksDB and ONNX Runtime). */
    static final Set<String> NAMES = Set.of("JAVA_TOOL_OPTIONS", "MALLOC_ARENA_MAX");
    /** Whole families: the AWS SDK's (credentials, region, retries; README "AWS") and OpenTelemetry's autoconfiguration. */
    static final List<String> PREFIXES = List.of("AWS_", "OTEL_");

    private ExternalVariables() {
    }

    static boolean isExternal(String name) {
        return NAMES.contains(name) || PREFIXES.stream().anyMatch(name::startsWith);
    }
}
