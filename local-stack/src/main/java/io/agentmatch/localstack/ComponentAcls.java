package io.agentmatch.localstack;

import io.agentmatch.contract.config.PipelineConfig;
import io.agentmatch.contract.events.Groups;
import io.agentmatch.contract.events.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Exactly the Kafka ACLs each component's principal needs, and nothing more, for one namespace of
 * the pipeline (its topics and processor application id): what the secured local stack grants, and
 * what docs/SECURITY.md lists (a conformance test keeps the two equal). No component may create or
 * alter anything of the platform: no CREATE on the cluster or the platform's topics, no ALTER,
 * no ALTER_CONFIGS. The only CREATE is the processor's on its own Kafka Streams internal topics.
 * DESCRIBE is implied by READ, WRITE and DELETE (Kafka's rule), so it is not granted separately.
 */
public final class ComponentAcls {
    public static final String API = "api";
    public static final String PROCESSOR = "processor";
    public static final String MIGRATOR = "migrator";

    /** One ACL: principal {@code User:<principal>}, any host. */
    public record Grant(String principal, ResourceType resource, PatternType pattern, String name, AclOperation operation,
                        AclPermissionType permission, String why) {
        public AclBinding binding() {
            return new AclBinding(new ResourcePattern(resource, name, pattern),
                    new AccessControlEntry("User:" + principal, "*", operation, permission));
        }

        /** The row of docs/SECURITY.md's table (without the last column, the reason). */
        public String key() {
            return String.join("|", principal, lower(resource), lower(pattern), name, lower(operation), lower(permission));
        }

        /** The same ACL's key, read back from the broker. */
        public static String key(AclBinding binding) {
            String principal = binding.entry().principal().substring("User:".length());
            return String.join("|", principal, lower(binding.pattern().resourceType()), lower(binding.pattern().patternType()),
                    binding.pattern().name(), lower(binding.entry().operation()), lower(binding.entry().permissionType()));
        }

        private static String lower(Enum<?> value) {
            return value.name().toLowerCase(Locale.ROOT);
        }
    }

    private ComponentAcls() {
    }

    /** Every component's ACLs for the namespace of {@code config}. */
    public static List<Grant> plan(PipelineConfig config) {
        Topics t = config.topics();
        Groups g = config.groups();
        Plan plan = new Plan();

        // api: publishes the events (idempotent producer: WRITE suffices), follows the projections
        // without a consumer group, and its /ready describes those three topics.
        plan.topic(API, t.profileEvents(), AclOperation.WRITE, "POST /store, PUT and DELETE /profiles");
        plan.topic(API, t.conversationEvents(), AclOperation.WRITE, "POST /conversation");
        plan.topic(API, t.profileProjections(), AclOperation.READ, "the match index follows the projections (no group)");

        // processor: two Kafka Streams applications, exactly-once. Provisioner only looks at the
        // platform topics (DESCRIBE, DESCRIBE_CONFIGS: it refuses a compacted event log).
        plan.topic(PROCESSOR, t.profileEvents(), AclOperation.READ, "persister input");
        plan.topic(PROCESSOR, t.conversationEvents(), AclOperation.READ, "persister input");
        plan.topic(PROCESSOR, t.profileChanges(), AclOperation.WRITE, "persister output");
        plan.topic(PROCESSOR, t.profileChanges(), AclOperation.READ, "projector input");
        plan.topic(PROCESSOR, t.profileProjections(), AclOperation.WRITE, "projector output");
        plan.topic(PROCESSOR, t.profileProjections(), AclOperation.READ, "projector restores its table from it");
        plan.topic(PROCESSOR, t.deadLetters(), AclOperation.WRITE, "events that can never apply");
        for (String topic : List.of(t.profileEvents(), t.conversationEvents(), t.profileChanges(), t.profileProjections(), t.deadLetters())) {
            plan.topic(PROCESSOR, topic, AclOperation.DESCRIBE_CONFIGS, "Provisioner checks the topic's cleanup.policy");
        }
        // Streams' internal topics (<application.id>-<store>-changelog) of both applications.
        for (AclOperation op : List.of(AclOperation.CREATE, AclOperation.READ, AclOperation.WRITE, AclOperation.DESCRIBE_CONFIGS)) {
            plan.add(PROCESSOR, ResourceType.TOPIC, PatternType.PREFIXED, g.internalPrefix(), op, AclPermissionType.ALLOW,
                    "Kafka Streams internal topics (changelogs): created, restored, written, validated");
        }
        plan.add(PROCESSOR, ResourceType.GROUP, PatternType.LITERAL, g.persister(), AclOperation.READ, AclPermissionType.ALLOW,
                "the persister's consumer group (offsets committed in its transactions)");
        plan.add(PROCESSOR, ResourceType.GROUP, PatternType.LITERAL, g.projector(), AclOperation.READ, AclPermissionType.ALLOW,
                "the projector's consumer group");
        plan.add(PROCESSOR, ResourceType.TRANSACTIONAL_ID, PatternType.PREFIXED, g.internalPrefix(), AclOperation.WRITE,
                AclPermissionType.ALLOW, "exactly-once: transactional ids <application.id>-<process>-<thread>");

        // migrator: migrate publishes, verify/export read the log back, dead-letters reads and redrives,
        // replay resets the persister (its group's offsets and internal topics) and nothing else.
        plan.topic(MIGRATOR, t.profileEvents(), AclOperation.WRITE, "migrate; dead-letters redrive");
        plan.topic(MIGRATOR, t.profileEvents(), AclOperation.READ, "verify, export (the log)");
        plan.topic(MIGRATOR, t.profileEvents(), AclOperation.DESCRIBE_CONFIGS, "migrate: Provisioner checks the topic");
        plan.topic(MIGRATOR, t.conversationEvents(), AclOperation.WRITE, "dead-letters redrive");
        plan.topic(MIGRATOR, t.conversationEvents(), AclOperation.READ, "export (the log)");
        plan.topic(MIGRATOR, t.deadLetters(), AclOperation.READ, "dead-letters list, redrive");
        plan.add(MIGRATOR, ResourceType.GROUP, PatternType.LITERAL, g.persister(), AclOperation.DESCRIBE, AclPermissionType.ALLOW,
                "verify waits for the persister's committed offsets; replay checks it is stopped");
        plan.add(MIGRATOR, ResourceType.GROUP, PatternType.LITERAL, g.persister(), AclOperation.DELETE, AclPermissionType.ALLOW,
                "replay deletes the persister's offsets");
        plan.add(MIGRATOR, ResourceType.GROUP, PatternType.LITERAL, g.projector(), AclOperation.DESCRIBE, AclPermissionType.ALLOW,
                "replay checks the projector is stopped");
        plan.add(MIGRATOR, ResourceType.GROUP, PatternType.LITERAL, g.deadLetterRedrive(), AclOperation.READ, AclPermissionType.ALLOW,
                "dead-letters redrive keeps its progress there");
        plan.add(MIGRATOR, ResourceType.TOPIC, PatternType.PREFIXED, g.internalPrefix(), AclOperation.DELETE, AclPermissionType.ALLOW,
                "replay deletes the persister's internal topics");
        plan.add(MIGRATOR, ResourceType.TOPIC, PatternType.PREFIXED, g.projectorInternalPrefix(), AclOperation.DELETE,
                AclPermissionType.DENY, "but never the projector's (they share the prefix): DENY wins");
        return plan.grants;
    }

    /** The grants of one principal. */
    public static List<Grant> of(String principal, List<Grant> grants) {
        return grants.stream().filter(g -> g.principal().equals(principal)).toList();
    }

    /** Creates the ACLs (creating an existing one changes nothing). */
    public static void grant(Admin admin, List<Grant> grants, Duration timeout) {
        try {
            admin.createAcls(grants.stream().map(Grant::binding).toList()).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("granting the components' ACLs failed: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("granting the components' ACLs took over " + timeout.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while granting ACLs", e);
        }
    }

    private static final class Plan {
        private final List<Grant> grants = new ArrayList<>();

        void topic(String principal, String topic, AclOperation operation, String why) {
            add(principal, ResourceType.TOPIC, PatternType.LITERAL, topic, operation, AclPermissionType.ALLOW, why);
        }

        void add(String principal, ResourceType resource, PatternType pattern, String name, AclOperation operation,
                 AclPermissionType permission, String why) {
            grants.add(new Grant(principal, resource, pattern, name, operation, permission, why));
        }
    }
}
