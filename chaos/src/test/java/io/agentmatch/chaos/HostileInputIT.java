package io.agentmatch.chaos;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentmatch.localstack.TestStack;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Fuzzing (seeded, 1,000+ cases per route and 1,000 broken legacy files) and the security checks. */
class HostileInputIT {
    private static Hostile hostile;

    @BeforeAll
    static void stack() {
        hostile = new Hostile(TestStack.shared(), Scale.SHORT, 20240301L);
    }

    private static void run(String scenario) {
        Summary summary = hostile.run(scenario);
        System.out.println(summary.line());
        assertTrue(summary.ok(), summary.line() + "\n" + summary.details());
    }

    /** No 5xx, every 4xx the JSON error envelope, no internals, the API still the same healthy process. */
    @Test
    void apiFuzzingOfEveryWriteRouteAndOfTheHttpParser() {
        run("api-fuzz");
    }

    /** Every broken file reported with a reason by migrate --dry-run and migrate; nothing dead-lettered. */
    @Test
    void brokenLegacyFilesAreReportedAndNeverReachTheProcessor() {
        run("legacy-fuzz");
    }

    /** Token on every route, body limits before reading, 100 MB Content-Length refused at once, export contained. */
    @Test
    void authenticationLimitsAndExportContainment() {
        run("security");
    }
}
