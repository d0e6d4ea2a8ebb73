package io.agentmatch.contract.config;

import java.util.List;

/** Settings read by the services' {@code logback.xml} (declared here so that they are documented and checked like the rest). */
public final class LoggingSettings {
    public static final Setting<String> LOG_LEVEL = Setting.text("LOG_LEVEL", "INFO", "the services' log level");
    public static final Setting<String> ACCESS_LOG_LEVEL = Setting.text("ACCESS_LOG_LEVEL", "INFO",
            "the API's access log (one line per request; WARN silences it)");
    public static final List<Setting<?>> SETTINGS = List.of(LOG_LEVEL, ACCESS_LOG_LEVEL);

    private LoggingSettings() {
    }
}
