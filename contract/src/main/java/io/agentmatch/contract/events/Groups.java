package io.agentmatch.contract.events;

/**
 * The processor's Kafka Streams application ids and the other consumer groups of the platform, all
 * derived from {@code PROCESSOR_APPLICATION_ID}, in one place: the processor, the migrator and the
 * ACLs a secured cluster grants (docs/SECURITY.md) name the same groups.
 *
 * <p>Kafka Streams names its consumer group after the application id, and its internal topics
 * ({@code <application.id>-<store>-changelog}) and transactional ids ({@code <application.id>-<uuid>-<n>})
 * start with it: {@link #internalPrefix()} covers those of both applications.
 */
public record Groups(String applicationId) {
    /** The persister's application id, which is also its consumer group. */
    public String persister() {
        return applicationId;
    }

    /** The projector's application id and consumer group. */
    public String projector() {
        return applicationId + "-projector";
    }

    /** The consumer group in which {@code dead-letters redrive} keeps its progress. */
    public String deadLetterRedrive() {
        return applicationId + "-dlq-redrive";
    }

    /** The prefix of both Streams applications' internal topics and transactional ids. */
    public String internalPrefix() {
        return applicationId + "-";
    }

    /** The prefix of the projector's internal topics (the replay leaves them alone). */
    public String projectorInternalPrefix() {
        return projector() + "-";
    }
}
