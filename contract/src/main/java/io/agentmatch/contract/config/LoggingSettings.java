package io.agentmatch.contract.config;

import java.util.List;

/** Settings read by the services' {@code logback.xml} (declared here so that they are documented and checked like the rest). */
public final class LoggingSettings {
    public static final Setting<String> LOG_LEVEL = Setting.text("LOG_LEVEL", "INFO", "the services' log level");
    public static final Setting<String> ACCESS_LOG_LEVEL = Setting.text("ACCESS_LOG_LEVEL", "INFO",
            "the API's access log (one line per request; WARN silences it)");
    /** Read by every component's {@code logback.xml}, which compares the text as it is: hence exactly {@code json}. */
    public static final Setting<String> LOG_FORMAT = Setting.oneOf("LOG_FORMAT", "text",
            "json: one JSON object per line (logstash-logback-encoder), with trace_id, span_id and request_id; text: "
                    + "the plain lines", "text", "json");
    public static final List<Setting<?>> SETTINGS = List.of(LOG_LEVEL, ACCESS_LOG_LEVEL, LOG_FORMAT);

    private LoggingSettings() {
    }
}
