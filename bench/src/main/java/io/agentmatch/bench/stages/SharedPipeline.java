package io.agentmatch.bench.stages;

import io.agentmatch.contract.config.PipelineConfig;

/**
 * The namespace the persist stage builds, which project and freshness reuse in the same run (so that
 * project embeds the profiles persist stored), and the health port of the processor last started on it.
 */
final class SharedPipeline {
    private PipelineConfig config;
    private int processorPort = -1;

    /** The namespace, or null while no stage has built one. */
    PipelineConfig config() {
        return config;
    }

    /** The processor's health port, or -1 while none was started. */
    int processorPort() {
        return processorPort;
    }

    void set(PipelineConfig config, int processorPort) {
        this.config = config;
        this.processorPort = processorPort;
    }

    void processorRestarted(int processorPort) {
        this.processorPort = processorPort;
    }
}
