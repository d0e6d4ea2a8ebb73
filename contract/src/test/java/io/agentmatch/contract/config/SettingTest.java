package io.agentmatch.contract.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingTest {

    @Test
    void aBadValueNamesTheVariableAndWhatItExpected() {
        var error = assertThrows(IllegalArgumentException.class,
                () -> PipelineConfig.fromEnv(new Env(Map.of("DYNAMODB_BILLING_MODE", "bogus"))));
        assertEquals("DYNAMODB_BILLING_MODE must be one of pay_per_request, provisioned, got 'bogus'", error.getMessage());

        var range = assertThrows(IllegalArgumentException.class,
                () -> PipelineConfig.TOPIC_PARTITIONS.read(new Env(Map.of("TOPIC_PARTITIONS", "0"))));
        assertEquals("TOPIC_PARTITIONS must be an integer from 1 to 100000, got '0'", range.getMessage());
    }

    @Test
    void choicesAreCaseInsensitive() {
        assertEquals(PipelineConfig.BillingMode.PROVISIONED,
                PipelineConfig.DYNAMODB_BILLING_MODE.read(new Env(Map.of("DYNAMODB_BILLING_MODE", "Provisioned"))));
    }

    @Test
    void blankCountsAsUnsetAndTheDefaultApplies() {
        Setting<Duration> wait = Setting.millis("SOME_WAIT_MS", 250, 0, "a wait");
        assertEquals(Duration.ofMillis(250), wait.read(new Env(Map.of("SOME_WAIT_MS", "  "))));
        assertEquals(Duration.ofMillis(7), wait.read(new Env(Map.of("SOME_WAIT_MS", " 7 "))));
        assertNull(Setting.text("NO_DEFAULT", null, "doc").read(new Env(Map.of())));
        assertFalse(wait.isSet(new Env(Map.of("SOME_WAIT_MS", ""))));
    }

    @Test
    void flagsAcceptOnlyTrueOrFalse() {
        Setting<Boolean> flag = Setting.flag("SOME_FLAG", true, "a flag");
        assertFalse(flag.read(new Env(Map.of("SOME_FLAG", "FALSE"))));
        var error = assertThrows(IllegalArgumentException.class, () -> flag.read(new Env(Map.of("SOME_FLAG", "yes"))));
        assertEquals("SOME_FLAG must be true or false, got 'yes'", error.getMessage());
    }

    @Test
    void secretsAreNeverShownNotEvenInErrors() {
        Setting<Integer> secretNumber = Setting.integer("SECRET_PIN", 0, 0, 9999, "a pin").secret();
        var error = assertThrows(IllegalArgumentException.class,
                () -> secretNumber.read(new Env(Map.of("SECRET_PIN", "hunter2"))));
        assertFalse(error.getMessage().contains("hunter2"), error.getMessage());
        assertEquals("SECRET_PIN=[hidden]", secretNumber.describe(new Env(Map.of("SECRET_PIN", "1234"))));
    }

    @Test
    void theCatalogDescribesEffectiveValuesWithSecretsMasked() {
        var catalog = SettingsCatalog.of("test", PipelineConfig.SETTINGS, LoggingSettings.SETTINGS,
                java.util.List.of(Setting.text("A_TOKEN", null, "token").secret()));
        String line = catalog.describe(new Env(Map.of("TOPIC_PREFIX", "x.", "A_TOKEN", "s3cr3t")));
        assertTrue(line.startsWith("test settings: "), line);
        assertTrue(line.contains("TOPIC_PREFIX=x."), line);
        assertTrue(line.contains("TOPIC_PARTITIONS=6 (default)"), line);
        assertTrue(line.contains("A_TOKEN=[hidden]"), line);
        assertFalse(line.contains("s3cr3t"), line);
    }

    @Test
    void logFormatTakesOnlyTheSpellingLogbackCompares() {
        assertEquals("json", LoggingSettings.LOG_FORMAT.read(new Env(Map.of("LOG_FORMAT", "json"))));
        assertEquals("text", LoggingSettings.LOG_FORMAT.read(new Env(Map.of())));
        var error = assertThrows(IllegalArgumentException.class,
                () -> LoggingSettings.LOG_FORMAT.read(new Env(Map.of("LOG_FORMAT", "JSON"))));
        assertTrue(error.getMessage().startsWith("LOG_FORMAT must be one of text, json"), error.getMessage());
    }

    @Test
    void namesAreEnvironmentVariableNames() {
        assertThrows(IllegalArgumentException.class, () -> Setting.text("lower.case", "", "doc"));
    }
}
