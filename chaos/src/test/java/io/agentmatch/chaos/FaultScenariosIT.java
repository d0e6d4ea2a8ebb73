package io.agentmatch.chaos;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentmatch.localstack.TestStack;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The short versions of the fault scenarios ({@link Scale#SHORT}), with the same code as
 * {@code ./pipeline chaos}: every acknowledged write present exactly once, tables equal to the
 * replayed log, projections equal to the tables, conversations exact, nothing dead-lettered.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultScenariosIT {
    private static Scenarios scenarios;

    @BeforeAll
    static void stack() {
        scenarios = new Scenarios(TestStack.shared(), Scale.SHORT, 20240301L);
    }

    private static void run(String scenario) {
        Summary summary = scenarios.run(scenario);
        System.out.println(summary.line());
        assertTrue(summary.ok(), summary.line() + "\n" + summary.details());
    }

    @Test
    @Order(1)
    void processorKilledWithSigkillDuringAMigrationLosesNothing() {
        run("processor-kill");
    }

    @Test
    @Order(2)
    void apiKilledWithSigkillWhileClientsWriteLosesAndDuplicatesNothing() {
        run("api-kill");
    }

    @Test
    @Order(3)
    void dynamoDbOutageTheProcessorWaitsRetriesAndCatchesUp() {
        run("dynalite-outage");
    }

    @Test
    @Order(4)
    void secondProcessorJoiningAndLeavingMidStreamChangesNothing() {
        run("rebalance");
    }

    @Test
    @Order(5)
    void kafkaRestartTheApiAnswers503PromptlyAndRecovers() {
        run("kafka-restart");
    }
}
