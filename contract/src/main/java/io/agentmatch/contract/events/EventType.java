package io.agentmatch.contract.events;

/**
 * What happened. The type, not the HTTP route, decides how the processor folds an event into the
 * current state (see {@link ProfileLedger}).
 */
public enum EventType {
    /** A new profile from {@code POST /store}: applies only when the id has never been seen. */
    PROFILE_CREATED,
    /** A profile from a legacy file: applies when absent or still as the migration left it. */
    PROFILE_IMPORTED,
    /** {@code PUT /profiles/<id>}: replaces the data of an existing profile. */
    PROFILE_UPDATED,
    /** {@code DELETE /profiles/<id>}: removes the profile and everything derived from it. */
    PROFILE_DELETED,
    /** {@code POST /conversation}: one message appended to a conversation. */
    CONVERSATION_MESSAGE_POSTED;

    public boolean isProfileEvent() {
        return this != CONVERSATION_MESSAGE_POSTED;
    }
}
