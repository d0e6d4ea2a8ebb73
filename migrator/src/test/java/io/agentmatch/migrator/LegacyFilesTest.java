package io.agentmatch.migrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentmatch.contract.Limits;
import io.agentmatch.migrator.LegacyFiles.Check;
import io.agentmatch.migrator.LegacyFiles.Invalid;
import io.agentmatch.migrator.LegacyFiles.Valid;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LegacyFilesTest {
    private static final String ID = "7499318d-14ca-495b-8eb5-f662eab8e54e";
    private static final String TS = "2024-05-05T10:00:00.123456";

    @TempDir
    Path dir;

    @Test
    void sampleFolderHasExactlyTheManifestsValidProfilesAndASpecificReasonForEachBrokenFile() throws IOException {
        SampleData.assumePresent();
        Set<String> valid = new HashSet<>();
        Map<String, String> reasons = new HashMap<>();
        try (DirectoryStream<Path> entries = LegacyFiles.list(SampleData.DIR)) {
            for (Path path : entries) {
                Check check = LegacyFiles.check(path);
                if (check instanceof Valid v) {
                    valid.add(v.record().id());
                } else if (check instanceof Invalid bad) {
                    reasons.put(bad.fileName(), bad.reason());
                }
            }
        }
        assertEquals(SampleData.validIds(), valid);
        assertEquals(306, valid.size());
        Set<String> broken = new HashSet<>();
        SampleData.manifest().get("invalid").fieldNames().forEachRemaining(broken::add);
        assertEquals(broken, reasons.keySet(), "README.txt is not a *.json file and never looked at");
        assertTrue(reasons.get("not_json.json").startsWith("not JSON: "), reasons.get("not_json.json"));
        assertEquals("not JSON: the file is empty", reasons.get("empty.json"));
        assertEquals("not a JSON object: the top level is an array", reasons.get("array.json"));
        assertTrue(reasons.get("65750b2f-eddb-4ab9-ad8e-9f4b8b0831ab.json").startsWith("id 'x' does not match the file name"));
        assertTrue(reasons.get("863318d7-5c81-4303-b51f-4d0d82a1fbbe.json").startsWith("malformed id '../../etc/passwd'"));
        assertTrue(reasons.get("1420b957-8053-41bf-90c4-b0647be44a78.json").startsWith("id '7499318d"));
    }

    @Test
    void validFileKeepsIdAndTimestampAndExtraFields() throws IOException {
        String reason = check(ID + ".json", "{\"id\": \"" + ID + "\", \"timestamp\": \"" + TS
                + "\", \"data\": {\"name\": \"A\", \"rating\": 4.8, \"portfolio\": {\"items\": 3}}}");
        assertEquals("valid", reason);
        Valid valid = (Valid) LegacyFiles.check(dir.resolve(ID + ".json"));
        assertEquals(TS, valid.record().timestamp());
        assertEquals("4.8", valid.record().data().get("rating").toString());
    }

    @Test
    void eachRuleHasItsOwnReason() throws IOException {
        assertEquals("not JSON: the file is empty", check(ID + ".json", "  \n"));
        assertTrue(check(ID + ".json", "{\"id\": ").startsWith("not JSON: "));
        assertTrue(check(ID + ".json", "{} {}").startsWith("not JSON: "), "trailing tokens");
        assertEquals("not a JSON object: the top level is a string", check(ID + ".json", "\"x\""));
        assertEquals("id: missing", check(ID + ".json", "{\"timestamp\": \"" + TS + "\", \"data\": {}}"));
        assertEquals("id: must be a string, got a number", check(ID + ".json", "{\"id\": 5, \"timestamp\": \"" + TS + "\", \"data\": {}}"));
        assertEquals("timestamp: missing", check(ID + ".json", "{\"id\": \"" + ID + "\", \"data\": {}}"));
        assertEquals("timestamp: must be a string, got null",
                check(ID + ".json", "{\"id\": \"" + ID + "\", \"timestamp\": null, \"data\": {}}"));
        assertTrue(check(ID + ".json", record("a/b", "{}")).startsWith("malformed id 'a/b'"));
        assertTrue(check(ID + ".json", record("..", "{}")).startsWith("malformed id '..'"));
        assertTrue(check(ID + ".json", record("a\u0001b", "{}")).startsWith("malformed id 'a\\u0001b'"));
        assertEquals("id 'other' does not match the file name (expected '" + ID + "')", check(ID + ".json", record("other", "{}")));
        assertEquals("data: missing", check(ID + ".json", "{\"id\": \"" + ID + "\", \"timestamp\": \"" + TS + "\"}"));
        assertEquals("data: must be a JSON object, got an array", check(ID + ".json", record(ID, "[1]")));
        assertEquals("invalid profile: name: must be a string, got a number", check(ID + ".json", record(ID, "{\"name\": 5}")));
        assertEquals("invalid profile: averagePrice: must be a number, got a string",
                check(ID + ".json", record(ID, "{\"averagePrice\": \"12\"}")));
        assertEquals("invalid profile: tags[1]: must be a string, got a number",
                check(ID + ".json", record(ID, "{\"tags\": [\"a\", 1]}")));
        assertEquals("invalid profile: location: must be a list of strings, got a string",
                check(ID + ".json", record(ID, "{\"location\": \"Paris\"}")));
        assertTrue(check(ID + ".json", record(ID, "{\"averagePrice\": 1E+200}")).contains("outside the range DynamoDB can store"));
        assertTrue(check(ID + ".json", "{\"id\": \"" + ID + "\", \"timestamp\": \"" + "9".repeat(65) + "\", \"data\": {}}")
                .startsWith("invalid profile: timestamp:"));
    }

    @Test
    void tooLargeForDynamoDbButUnderTheFileCap() throws IOException {
        String big = "x".repeat(300 * 1024);
        String reason = check(ID + ".json", record(ID, "{\"description\": \"" + big + "\", \"notes\": \"" + big + "\"}"));
        assertTrue(reason.startsWith("invalid profile: profile is too large"), reason);
    }

    @Test
    void aFileNestedToTheLimitIsValidOneLevelMoreIsReportedNamingTheField() throws IOException {
        // The file is one level above its data; the event two: data at 30 levels is what the processor reads.
        String atLimit = "{\"a\":".repeat(Limits.MAX_DATA_DEPTH - 1) + "{}" + "}".repeat(Limits.MAX_DATA_DEPTH - 1);
        assertEquals("valid", check(ID + ".json", record(ID, atLimit)));
        String pastLimit = "{\"a\":".repeat(Limits.MAX_DATA_DEPTH) + "{}" + "}".repeat(Limits.MAX_DATA_DEPTH);
        String reason = check(ID + ".json", record(ID, pastLimit));
        assertTrue(reason.startsWith("invalid profile: data.a.a.a"), reason);
        assertTrue(reason.contains("nests deeper than 30 levels"), reason);
    }

    @Test
    void dynamoDbKeyAndNameRulesAreReportedNamingTheField() throws IOException {
        assertEquals("invalid profile: job: is 2049 bytes of UTF-8, the limit is 2048: it is the key of the DynamoDB index job-index",
                check(ID + ".json", record(ID, "{\"job\": \"" + "j".repeat(2049) + "\"}")));
        assertTrue(check(ID + ".json", record(ID, "{\"location\": [\"" + "\\u00e9".repeat(1025) + "\"]}"))
                .startsWith("invalid profile: location[0]: is 2050 bytes"));
        assertTrue(check(ID + ".json", record(ID, "{\"extra\": {\"\": 1}}")).startsWith("invalid profile: data.extra.: an empty field name"));
        assertEquals("valid", check(ID + ".json", record(ID, "{\"job\": \"\", \"location\": []}")), "an empty job is no index key");
    }

    @Test
    void aFileUnderTheCapWhoseEventWouldNotFitKafkaIsReported() throws IOException {
        // U+0001 is 6 bytes in the file and in the event, 1 byte stored: DynamoDB would take it, Kafka's records not.
        String escaped = "\\u0001".repeat(Limits.MAX_EVENT_BYTES / 6 + 10);
        String content = record(ID, "{\"description\": \"" + escaped + "\"}");
        assertTrue(content.length() < LegacyFiles.MAX_FILE_BYTES);
        String reason = check(ID + ".json", content);
        assertTrue(reason.startsWith("invalid profile: profile is too large: its data is"), reason);
    }

    @Test
    void overTheSizeCapIsRefusedBeforeParsing() throws IOException {
        Path file = dir.resolve(ID + ".json");
        Files.writeString(file, "[" + "1,".repeat(1000) + "1]");
        Check check = LegacyFiles.check(file, 1000);
        assertEquals("too large: 2003 bytes, the limit is 1000 bytes; not parsed", ((Invalid) check).reason());
    }

    @Test
    void deeplyNestedJsonIsRefusedNotAStackOverflow() throws IOException {
        String deep = "{\"a\":".repeat(5000) + "1" + "}".repeat(5000);
        assertTrue(check(ID + ".json", record(ID, deep)).startsWith("not JSON: "));
    }

    @Test
    void directoriesNamedLikeProfilesAreNotFiles() throws IOException {
        Files.createDirectories(dir.resolve("sub.json"));
        assertInstanceOf(LegacyFiles.NotAFile.class, LegacyFiles.check(dir.resolve("sub.json")));
    }

    @Test
    void unreadableFileIsReportedNotFatal() throws IOException {
        Path file = dir.resolve(ID + ".json");
        Files.writeString(file, record(ID, "{}"));
        Assumptions.assumeTrue(file.toFile().setReadable(false, false) && !Files.isReadable(file), "running as root");
        assertTrue(((Invalid) LegacyFiles.check(file)).reason().startsWith("unreadable: "));
    }

    @Test
    void missingFileIsUnreadable() {
        assertTrue(((Invalid) LegacyFiles.check(dir.resolve("gone.json"))).reason().startsWith("unreadable:"));
    }

    private String check(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, content.getBytes(StandardCharsets.UTF_8));
        Check check = LegacyFiles.check(file);
        return check instanceof Invalid bad ? bad.reason() : "valid";
    }

    private static String record(String id, String data) {
        StringBuilder escaped = new StringBuilder();
        for (char c : id.toCharArray()) {
            escaped.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return "{\"id\": \"" + escaped + "\", \"timestamp\": \"" + TS + "\", \"data\": " + data + "}";
    }
}
