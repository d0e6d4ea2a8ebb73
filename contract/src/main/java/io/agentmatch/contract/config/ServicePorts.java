package io.agentmatch.contract.config;

/**
 * Where the services answer: read by the services themselves and by the local stack that starts
 * them (which chooses free ports for tests), so declared once, here.
 */
public final class ServicePorts {
    public static final Setting<Integer> API_PORT = Setting.port("API_PORT", 8080, "the API's port");
    public static final Setting<Integer> PROCESSOR_HEALTH_PORT = Setting.integer("PROCESSOR_HEALTH_PORT", 8081, -1, 65_535,
            "port of the processor's /health and /metrics (0: any free port, -1: none)");

    private ServicePorts() {
    }
}
