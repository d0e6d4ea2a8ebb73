package io.agentmatch.migrator;

import io.agentmatch.contract.config.PipelineConfig;
import io.agentmatch.contract.provision.Provisioner;
import io.agentmatch.contract.provision.ProvisioningException;
import java.io.Console;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {
                "Prepares a rebuild of the tables and match projections from the event topics.",
                "Deletes the persister's consumer group <id> (its committed offsets) and its internal topics "
                        + "(<id>-...-changelog / -repartition), and makes sure the tables exist. The projector (<id>-projector) "
                        + "keeps its state: the replayed changes carry unchanged text, so no embedding is computed again. "
                        + "Refuses while the processor's groups have active members (waits up to --wait for a just-stopped "
                        + "processor to leave). Use ./pipeline replay, which stops the processor, runs this, wipes the "
                        + "processor's state dir and restarts it (see docs/REPLAY.md)."},
        footer = {"", ExitCodes.HELP})
public final class ReplayCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger("replay");

    @Option(names = "--yes", description = "Do not ask for confirmation.")
    boolean yes;

    @Option(names = "--wait", defaultValue = "60s", paramLabel = "DURATION",
            description = "How long to wait for a just-stopped processor's members to leave its group (default ${DEFAULT-VALUE}).")
    String waitFor;

    @Override
    public Integer call() throws Exception {
        PipelineConfig config = MigratorMain.config();
        String group = config.processorApplicationId();
        try (Admin admin = MigratorKafka.admin(config)) {
            MigratorKafka.requireReachable(admin, config);
            // The processor runs two Kafka Streams applications: <id> (persister) and <id>-projector.
            // Both must be stopped; only the persister is reset. The projector keeps its offsets, so its
            // projection table is restored before it sees the replayed changes, and unchanged text is
            // never embedded again (the projections are state derived from the changes, not from the log).
            List<String> groups = List.of(config.groups().persister(), config.groups().projector());
            List<String> reset = List.of(group);
            Duration wait = VerifyCommand.parseDuration(waitFor);
            long deadline = System.nanoTime() + wait.toNanos();
            boolean logged = false;
            while (true) {
                String busy = activeMembers(admin, groups);
                if (busy == null) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    LOG.error("{}: stop the processor first: ./pipeline replay does it for you", busy);
                    return ExitCodes.FATAL;
                }
                if (!logged) {
                    // A stopped Kafka Streams member stays in its group until its session times out (45 s by default).
                    LOG.info("{}; waiting up to {} s for it to leave (a stopped processor's session expires)", busy, wait.toSeconds());
                    logged = true;
                }
                Thread.sleep(1000);
            }
            Set<String> topics = MigratorKafka.get(admin.listTopics(new ListTopicsOptions().listInternal(true)).names(),
                    config, "listing topics");
            List<String> internal = internalTopics(group, topics);
            if (!yes && !confirm(group, internal)) {
                LOG.error("not confirmed; nothing changed (pass --yes to skip the question)");
                return ExitCodes.USAGE;
            }
            for (String g : reset) {
                try {
                    admin.deleteConsumerGroups(List.of(g)).all()
                            .get(MigratorKafka.REACH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                    LOG.info("deleted consumer group {}: it will start from the beginning of the topics", g);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof GroupNotEmptyException) {
                        LOG.error("the processor group {} got a member meanwhile: stop the processor first: ./pipeline replay does it for you", g);
                        return ExitCodes.FATAL;
                    }
                    if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                        throw new MigratorKafka.KafkaUnavailableException("deleting group " + g + " failed: "
                                + MigratorKafka.rootMessage(e));
                    }
                    LOG.info("consumer group {} has no committed offsets; nothing to delete", g);
                }
            }
            if (!internal.isEmpty()) {
                MigratorKafka.get(admin.deleteTopics(internal).all(), config, "deleting internal topics");
                LOG.info("deleted {} internal topics of {}: {}", internal.size(), group, internal);
            } else {
                LOG.info("no internal topics of {} to delete", group);
            }
        }
        try (DynamoDbClient dynamo = ProfileTable.clients(config).sync(Duration.ofSeconds(15))) {
            new Provisioner(config, MigratorKafka.clients(config)).ensureTables(dynamo, Duration.ofMinutes(2));
            LOG.info("tables {} and {} exist", config.profileTable(), config.conversationTable());
        } catch (SdkException e) {
            throw ProfileTable.unavailable(config, e);
        } catch (ProvisioningException e) {
            throw new MigratorKafka.KafkaUnavailableException(e.getMessage());
        }
        LOG.info("ready: start the processor ({}) with an empty state dir; it rebuilds the tables and projections from the topics",
                group);
        return ExitCodes.OK;
    }

    /** Null when no group has members, otherwise which group has how many. */
    private static String activeMembers(Admin admin, List<String> groups) throws InterruptedException, TimeoutException {
        for (String g : groups) {
            ConsumerGroupDescription description;
            try {
                description = admin.describeConsumerGroups(List.of(g)).all()
                        .get(MigratorKafka.REACH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(g);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                    throw new MigratorKafka.KafkaUnavailableException("describing group " + g + " failed: "
                            + MigratorKafka.rootMessage(e));
                }
                continue;
            }
            if (description != null && !description.members().isEmpty()) {
                return "the processor group " + g + " has " + description.members().size() + " active member(s)";
            }
        }
        return null;
    }

    /** Kafka Streams' internal topics of an application: {@code <applicationId>-<name>-changelog|-repartition}. */
    static List<String> internalTopics(String applicationId, Set<String> topics) {
        return topics.stream()
                .filter(t -> t.startsWith(applicationId + "-"))
                .filter(t -> !t.startsWith(applicationId + "-projector-"))
                .filter(t -> t.endsWith("-changelog") || t.endsWith("-repartition"))
                .sorted()
                .toList();
    }

    private static boolean confirm(String group, List<String> internal) {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        String answer = console.readLine("Delete the committed offsets of %s (the projector %s-projector keeps its own) and %d internal topics %s? Type 'yes': ",
                group, group, internal.size(), internal);
        return answer != null && answer.trim().equalsIgnoreCase("yes");
    }
}
