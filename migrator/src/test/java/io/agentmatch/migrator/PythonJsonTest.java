package io.agentmatch.migrator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agentmatch.contract.events.JsonCodec;
import io.agentmatch.contract.events.ProfileRecord;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PythonJsonTest {

    @Test
    void everyValidSampleFileComesBackByteForByte() throws IOException {
        SampleData.assumePresent();
        int checked = 0;
        for (String id : SampleData.validIds()) {
            byte[] original = Files.readAllBytes(SampleData.DIR.resolve(id + ".json"));
            // The path of a rollback: file -> record (as in the event payload) -> legacy file.
            ProfileRecord record = ProfileRecord.fromJson(JsonCodec.readTree(JsonCodec.toBytes(
                    ProfileRecord.fromJson(JsonCodec.readTree(original)).toJson())));
            assertArrayEquals(original, PythonJson.toBytes(record.toJson()), id);
            checked++;
        }
        assertEquals(306, checked);
    }

    @Test
    void specialCasesOfTheSample() throws IOException {
        SampleData.assumePresent();
        for (String id : new String[] {"01d50bfb-f45f-439b-a65a-3a86ccd1cc08", "415acb49-7015-4ec8-9151-0c4af0786319",
                "a01c99b8-0669-4610-af4f-00d516cc8cd7", "d1d73427-299b-410d-bf2c-2cfdb96dfbf5",
                "1dd24180-7c0a-4758-bce9-287a2a748c27", "7c0c2be4-e662-43eb-bac9-c2fd2013fea7"}) {
            Path file = SampleData.DIR.resolve(id + ".json");
            assertEquals(Files.readString(file), PythonJson.toString(JsonCodec.readTree(Files.readAllBytes(file))), id);
        }
    }

    @Test
    void layoutAndEscapesAsPython() throws IOException {
        // python3 -c 'import json,sys; json.dump({"a": [], "b": {}, "c": [1, {"d": None, "e": True}], "s": "q\"\\\n\t\x01\x7fé😀"}, sys.stdout, indent=2, ensure_ascii=False)'
        String expected = "{\n  \"a\": [],\n  \"b\": {},\n  \"c\": [\n    1,\n    {\n      \"d\": null,\n      \"e\": true\n    }\n  ],\n"
                + "  \"s\": \"q\\\"\\\\\\n\\t\\u0001\u007fé😀\"\n}";
        assertEquals(expected, PythonJson.toString(JsonCodec.readTree(
                "{\"a\": [], \"b\": {}, \"c\": [1, {\"d\": null, \"e\": true}], \"s\": \"q\\\"\\\\\\n\\t\\u0001\u007fé😀\"}")));
    }

    @Test
    void numbersAsPythonFloatRepr() throws IOException {
        assertEquals("40.0", PythonJson.pythonFloat(new BigDecimal("40.0")));
        assertEquals("179.26", PythonJson.pythonFloat(new BigDecimal("179.26")));
        assertEquals("175.1", PythonJson.pythonFloat(new BigDecimal("175.10")));
        assertEquals("0.0001", PythonJson.pythonFloat(new BigDecimal("0.0001")));
        assertEquals("1e-05", PythonJson.pythonFloat(new BigDecimal("1e-05")));
        assertEquals("1.5e+16", PythonJson.pythonFloat(new BigDecimal("1.5e+16")));
        assertEquals("1234567890123456.0", PythonJson.pythonFloat(new BigDecimal("1234567890123456")));
        assertEquals("-2.5", PythonJson.pythonFloat(new BigDecimal("-2.5")));
        assertEquals("0.0", PythonJson.pythonFloat(new BigDecimal("0.00")));
        assertEquals("{\n  \"i\": 40,\n  \"big\": 123456789012345678901234567890,\n  \"f\": 1e-05\n}",
                PythonJson.toString(JsonCodec.readTree("{\"i\": 40, \"big\": 123456789012345678901234567890, \"f\": 1e-05}")));
    }
}
