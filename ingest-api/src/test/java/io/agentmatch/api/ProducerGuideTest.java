package io.agentmatch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentmatch.contract.Limits;
import io.agentmatch.contract.events.EventType;
import io.agentmatch.contract.events.EventVersions;
import io.agentmatch.contract.events.Topics;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/PRODUCERS.md states what the code does: it shows docs/examples/DirectProducer.java verbatim (the code
 * ProducerExampleIT compiles and runs), and its rules (topics, headers, settings, versions, sizes) are the
 * constants the processor and the example use.
 */
class ProducerGuideTest {
    private static String guide;

    @BeforeAll
    static void read() throws Exception {
        guide = Files.readString(Path.of("../docs/PRODUCERS.md"));
    }

    /** The cell of the rules table whose first column is {@code what}. */
    private static String rule(String what) {
        Matcher row = Pattern.compile("(?m)^\\| " + Pattern.quote(what) + " \\| (.*) \\|$").matcher(guide);
        assertTrue(row.find(), "docs/PRODUCERS.md has no rule '" + what + "'");
        return row.group(1);
    }

    @Test
    void theGuideShowsTheExampleThatIsCompiledAndRun() throws Exception {
        String start = "<!-- example:DirectProducer.java -->\n```java\n";
        int from = guide.indexOf(start);
        int to = guide.indexOf("```\n<!-- /example -->", from);
        assertTrue(from >= 0 && to > from, "the example block is marked in the guide");
        String shown = guide.substring(from + start.length(), to);
        assertEquals(Files.readString(Path.of("../docs/examples/DirectProducer.java")), shown);
    }

    @Test
    void theSettingsTheGuideRequiresAreTheExamplesAndKeepOrderUnderRetries() throws Exception {
        // The example is in the unnamed package, which named packages reach by reflection only.
        Properties settings = (Properties) Class.forName("DirectProducer").getMethod("settings", String.class, Properties.class)
                .invoke(null, "localhost:9092", new Properties());
        Map<String, String> stated = new LinkedHashMap<>();
        Matcher setting = Pattern.compile("`([a-z.]+)=([^`]+)`").matcher(rule("producer settings"));
        while (setting.find()) {
            stated.put(setting.group(1), setting.group(2));
        }
        assertEquals(Map.of(ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(Limits.KAFKA_MAX_RECORD_BYTES)), stated);
        stated.forEach((name, value) -> assertEquals(value, settings.getProperty(name), name));
        // The idempotent producer keeps a partition's order only with at most 5 requests in flight.
        assertTrue(rule("producer settings").contains("`" + ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION + "` at most 5"));
        assertTrue(Integer.parseInt(settings.getProperty(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION)) <= 5);
        assertFalse(settings.containsKey(ProducerConfig.RETRIES_CONFIG), "retries are left at their default");
    }

    @Test
    void theStatedSchemaVersionsAreTheCurrentMajorOfEveryEventType() {
        Map<String, Integer> stated = new LinkedHashMap<>();
        Matcher version = Pattern.compile("`([A-Z_]+)` (\\d+)").matcher(rule("`schemaVersion`"));
        while (version.find()) {
            stated.put(version.group(1), Integer.parseInt(version.group(2)));
        }
        Map<String, Integer> current = new LinkedHashMap<>();
        Arrays.stream(EventType.values()).forEach(type -> current.put(type.name(), EventVersions.currentMajor(type)));
        assertEquals(current, stated);
    }

    @Test
    void theTopicsHeadersAndSizesAreTheCodes() throws Exception {
        Topics topics = new Topics("");
        assertTrue(rule("topic").contains("`" + topics.profileEvents() + "` for profile events"), rule("topic"));
        assertTrue(rule("topic").contains("`" + topics.conversationEvents() + "` for messages"), rule("topic"));
        assertTrue(rule("value").contains(String.format("(%,d) bytes", Limits.MAX_EVENT_BYTES)), rule("value"));
        assertTrue(guide.contains("`" + topics.deadLetters() + "`, with the reason in the `" + Topics.HEADER_DLQ_REASON + "` header"));
        // Every header that moves an event (the dead-letter tooling's) is one the guide forbids.
        for (Field field : Topics.class.getFields()) {
            if (field.getName().startsWith("HEADER_REDRIVE_")) {
                String header = (String) field.get(null);
                assertNotNull(header);
                assertTrue(header.startsWith("redrive."), header);
            }
        }
        assertTrue(rule("headers").contains("Never set `redrive.*`"), rule("headers"));
    }

    @Test
    void theSectionsOfEventsMdThatTheContractNamesExist() throws Exception {
        String events = Files.readString(Path.of("../docs/EVENTS.md"));
        String named = guide + Files.readString(Path.of("../docs/asyncapi.yaml"));
        Matcher section = Pattern.compile("EVENTS\\.md, \"([^\"]+)\"|EVENTS\\.md#([a-z0-9-]+)").matcher(named);
        int found = 0;
        while (section.find()) {
            found++;
            if (section.group(1) != null) {
                assertTrue(Pattern.compile("(?m)^#+ " + Pattern.quote(section.group(1))).matcher(events).find(), section.group());
            } else {
                String anchor = section.group(2);
                assertTrue(events.lines().filter(line -> line.startsWith("#"))
                        .map(line -> line.replaceFirst("^#+ ", "").toLowerCase().replaceAll("[^a-z0-9 -]", "").replace(' ', '-'))
                        .anyMatch(anchor::equals), section.group());
            }
        }
        assertTrue(found >= 2, "the guide and the document refer to EVENTS.md");
    }
}
