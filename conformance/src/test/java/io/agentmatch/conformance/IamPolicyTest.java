package io.agentmatch.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The shape of the IAM documents; {@link IamPolicyIT} holds them against what the components really call. */
class IamPolicyTest {
    static final List<String> COMPONENTS = List.of("api", "processor", "migrator");

    @Test
    void oneDocumentPerDeployedComponentAndNoOther() throws Exception {
        try (var files = Files.list(iamDir())) {
            assertEquals(Set.of("api.json", "processor.json", "migrator.json"), files.map(p -> p.getFileName().toString())
                    .filter(name -> name.endsWith(".json")).collect(java.util.stream.Collectors.toSet()));
        }
    }

    @Test
    void onlyNamedDynamoDbActionsOnTheDefaultTablesAndTheirIndexes() throws Exception {
        for (String component : COMPONENTS) {
            IamPolicy policy = IamPolicy.read(iamDir().resolve(component + ".json"), component);
            assertFalse(policy.grants().isEmpty(), component);
            for (IamPolicy.Grant grant : policy.grants()) {
                assertTrue(grant.action().matches("dynamodb:[A-Z][A-Za-z]+"), component + ": no wildcard actions: " + grant);
                assertTrue(grant.resource().matches("arn:aws:dynamodb:REGION:ACCOUNT_ID:table/(agent-profiles|agent-conversations)"
                        + "(/index/[a-z-]+)?"), component + ": an exact table or index ARN: " + grant);
            }
        }
    }

    @Test
    void aGrantMatchesItsOwnActionAndResourceOnly() {
        var grant = new IamPolicy.Grant("s", "dynamodb:Query", IamPolicy.ARN_PREFIX + "agent-profiles/index/*");
        assertTrue(grant.allows("Query", IamPolicy.arn("agent-profiles/index/job-index")));
        assertFalse(grant.allows("Query", IamPolicy.arn("agent-profiles")));
        assertFalse(grant.allows("Scan", IamPolicy.arn("agent-profiles/index/job-index")));
        assertTrue(new IamPolicy.Grant("s", "DynamoDB:getitem", IamPolicy.ARN_PREFIX + "agent-profiles")
                .allows("GetItem", IamPolicy.arn("agent-profiles")), "action names are case-insensitive, as in IAM");
    }

    static Path iamDir() {
        return ConfigurationTableTest.repo().resolve("docs").resolve("iam");
    }
}
