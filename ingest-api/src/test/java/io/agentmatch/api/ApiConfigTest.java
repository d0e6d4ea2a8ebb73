package io.agentmatch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentmatch.contract.config.Env;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiConfigTest {

    @Test
    void anEmptyOrBlankApiTokenRefusesToStartInsteadOfTurningAuthOff() {
        for (String blank : new String[] {"", "   ", "\t"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ApiConfig.fromEnv(new Env(Map.of("API_TOKEN", blank))));
            assertTrue(e.getMessage().contains("API_TOKEN") && e.getMessage().contains("empty"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> ApiConfig.fromEnv(new Env(Map.of())).withToken(" "));
    }

    @Test
    void anUnsetApiTokenMeansNoAuthAndASetOneIsTrimmed() {
        assertNull(ApiConfig.fromEnv(new Env(Map.of())).apiToken());
        assertEquals("s3cret", ApiConfig.fromEnv(new Env(Map.of("API_TOKEN", " s3cret "))).apiToken());
    }
}
