package io.agentmatch.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.agentmatch.contract.config.Env;
import io.agentmatch.contract.storage.DynamoClients;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Least privilege, proven: every DynamoDB operation that the api, the processor and the migrator
 * issued during this build's integration tests (recorded by {@code DynamoClients}, in process and
 * in the jars the tests start, under {@code DYNAMODB_OPERATION_LOG}) is allowed by that component's
 * {@code docs/iam/<component>.json}, and every action on every resource those documents allow was
 * used by some test. Tests and tools (local stack, chaos, bench) are recorded as {@code tools},
 * which is no deployed component and has no policy.
 *
 * <p>It runs in the reactor's last module, after every other module's integration tests, and judges
 * only the recordings of this Maven run (the directory is named after the run's start). A run
 * without the integration tests of all three components cannot prove anything: it fails, saying so.
 */
class IamPolicyIT {

    @Test
    void eachComponentCallsExactlyWhatItsPolicyAllows() throws IOException {
        Path dir = DynamoClients.OPERATION_LOG.read(Env.system());
        if (dir == null) {
            fail(DynamoClients.OPERATION_LOG.name() + " is unset: run the integration tests through Maven (the parent pom sets it)");
        }
        Map<String, Set<String>> recorded = recordings(dir);
        List<String> unrecorded = IamPolicyTest.COMPONENTS.stream().filter(c -> !recorded.containsKey(c)).toList();
        if (!unrecorded.isEmpty()) {
            fail("no DynamoDB operation of " + unrecorded + " was recorded in this Maven run (" + dir + "): the IAM check needs "
                    + "the integration tests of processor, ingest-api and migrator in the same run as conformance: run the whole "
                    + "suite (./pipeline test), or ./pipeline test -pl processor,ingest-api,migrator,conformance -am");
        }
        List<String> problems = new ArrayList<>();
        for (String component : IamPolicyTest.COMPONENTS) {
            IamPolicy policy = IamPolicy.read(IamPolicyTest.iamDir().resolve(component + ".json"), component);
            Set<String> calls = recorded.get(component);
            for (String call : calls) {
                String[] parts = call.split(" ");
                if (policy.grants().stream().noneMatch(g -> g.allows(parts[0], IamPolicy.arn(parts[1])))) {
                    problems.add(component + " calls " + parts[0] + " on " + parts[1] + ", which docs/iam/" + component
                            + ".json does not allow");
                }
            }
            for (IamPolicy.Grant grant : policy.grants()) {
                boolean used = calls.stream().map(c -> c.split(" ")).anyMatch(parts -> grant.allows(parts[0], IamPolicy.arn(parts[1])));
                if (!used) {
                    problems.add("docs/iam/" + component + ".json allows " + grant + ", which no test saw " + component + " use");
                }
            }
        }
        assertEquals(List.of(), problems, "recorded: " + recorded);
    }

    /** component -> "Operation resource" lines, from every {@code <component>-<pid>.ops} file of the run. */
    private static Map<String, Set<String>> recordings(Path dir) throws IOException {
        Map<String, Set<String>> recorded = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return recorded;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".ops")).toList()) {
                for (String line : Files.readAllLines(file)) {
                    String[] parts = line.trim().split(" ");
                    if (parts.length == 3) {
                        recorded.computeIfAbsent(parts[0], c -> new TreeSet<>()).add(parts[1] + " " + parts[2]);
                    }
                }
            }
        }
        return recorded;
    }
}
