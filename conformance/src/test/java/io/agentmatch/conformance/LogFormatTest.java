package io.agentmatch.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.status.Status;
import com.fasterxml.jackson.databind.JsonNode;
import io.agentmatch.contract.config.LoggingSettings;
import io.agentmatch.contract.events.JsonCodec;
import io.agentmatch.contract.trace.Traced;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every component's {@code logback.xml} honours {@code LOG_FORMAT}: {@code json} gives one JSON object
 * per line with the trace and request ids as fields; the default gives the plain lines as they were.
 */
class LogFormatTest {

    @ParameterizedTest
    @CsvSource({"ingest-api, STDOUT, agentmatch-api", "processor, STDOUT, agentmatch-processor",
            "migrator, STDERR, agentmatch-migrator"})
    void jsonIsOneObjectPerLineWithTheTraceAndRequestIds(String module, String appender, String service) throws Exception {
        Encoder<ILoggingEvent> encoder = encoder(module, appender, "json");
        LoggingEvent event = new LoggingEvent(LogFormatTest.class.getName(),
                new LoggerContext().getLogger("io.agentmatch.processor.persist.DeadLetters"), Level.WARN,
                "dead-lettering {}: {}", new IllegalStateException("why\nover two lines"), new Object[] {"p1", "a \"quoted\"\nreason"});
        event.setMDCPropertyMap(Map.of(Traced.MDC_TRACE_ID, "4bf92f3577b34da6a3ce929d0e0e4736",
                Traced.MDC_SPAN_ID, "00f067aa0ba902b7", Traced.MDC_REQUEST_ID, "req-1"));

        String line = new String(encoder.encode(event), StandardCharsets.UTF_8);
        assertTrue(line.endsWith("\n"), line);
        assertFalse(line.substring(0, line.length() - 1).contains("\n"), "one line, the stack trace included: " + line);
        JsonNode json = JsonCodec.readTree(line);
        assertEquals("dead-lettering p1: a \"quoted\"\nreason", json.get("message").asText());
        assertEquals("WARN", json.get("level").asText());
        assertEquals("io.agentmatch.processor.persist.DeadLetters", json.get("logger_name").asText());
        assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", json.get("trace_id").asText());
        assertEquals("00f067aa0ba902b7", json.get("span_id").asText());
        assertEquals("req-1", json.get("request_id").asText());
        assertEquals(service, json.get("service").asText());
        assertTrue(json.has("@timestamp"), line);
        assertTrue(json.get("stack_trace").asText().contains("IllegalStateException: why"), line);
    }

    @ParameterizedTest
    @CsvSource({"ingest-api, STDOUT, '%d{HH:mm:ss.SSS} %-5level [%thread] %logger{24} - %msg%n'",
            "processor, STDOUT, '%d{HH:mm:ss.SSS} %-5level [%thread] %logger{24} - %msg%n'",
            "migrator, STDERR, '%d{HH:mm:ss.SSS} %-5level %logger{0}: %msg%n'"})
    void byDefaultTheLinesAreAsTheyWere(String module, String appender, String pattern) throws Exception {
        assertEquals("text", LoggingSettings.LOG_FORMAT.defaultText());
        for (String format : new String[] {null, "text"}) {
            Encoder<ILoggingEvent> encoder = encoder(module, appender, format);
            assertEquals(pattern, assertInstanceOf(PatternLayoutEncoder.class, encoder).getPattern());
        }
    }

    /** The encoder of {@code appender} when {@code module}'s logback.xml is read with this LOG_FORMAT (null: unset). */
    @SuppressWarnings("unchecked")
    private static Encoder<ILoggingEvent> encoder(String module, String appender, String format) throws Exception {
        LoggerContext context = new LoggerContext();
        if (format != null) {
            context.putProperty("LOG_FORMAT", format);
        }
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        Path file = ConfigurationTableTest.repo().resolve(module).resolve("src/main/resources/logback.xml");
        configurator.doConfigure(file.toFile());
        // A branch that was not taken, or an appender it defines that is not found, is a warning.
        for (Status status : context.getStatusManager().getCopyOfStatusList()) {
            assertTrue(status.getLevel() < Status.WARN, module + ": " + status);
        }
        var output = (OutputStreamAppender<ILoggingEvent>) context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender(appender);
        Encoder<ILoggingEvent> encoder = output.getEncoder();
        return encoder;
    }
}
