package dev.mxspec.homeserver.rooms;

/** The auth rule that refused an event (the numbering differs between room versions, so rules are named). */
public enum AuthRule {
    /** The event lacks a field every event needs ({@code type}, {@code sender}). */
    EVENT_FORMAT,
    /** The rules for {@code m.room.create}. */
    CREATE,
    /** The auth events: duplicates, unexpected entries, no create event. */
    AUTH_EVENTS,
    /** {@code m.federate: false} and the sender is on another server than the creator. */
    FEDERATION,
    /** Versions 1 to 5: {@code m.room.aliases} needs a state key equal to the sender's server. */
    ALIASES,
    /** {@code m.room.member} without a state key or membership. */
    MEMBER_FORMAT,
    /** Versions 8 and later: the event is not signed by the server of {@code join_authorised_via_users_server}. */
    JOIN_AUTHORISATION_SIGNATURE,
    /** {@code membership: join}. */
    JOIN,
    /** {@code membership: invite}. */
    INVITE,
    /** {@code membership: invite} with {@code third_party_invite}. */
    THIRD_PARTY_INVITE,
    /** {@code membership: leave} (leaving, rejecting an invite, kicking, unbanning). */
    LEAVE,
    /** {@code membership: ban}. */
    BAN,
    /** {@code membership: knock} (versions 7 and later). */
    KNOCK,
    /** A membership the room version does not know. */
    UNKNOWN_MEMBERSHIP,
    /** Every other event needs a joined sender. */
    SENDER_NOT_JOINED,
    /** {@code m.room.third_party_invite} needs the invite level. */
    THIRD_PARTY_INVITE_EVENT,
    /** The event type's required power level is above the sender's. */
    REQUIRED_POWER_LEVEL,
    /** A state key starting with {@code @} must be the sender. */
    STATE_KEY_OWNER,
    /** The rules for {@code m.room.power_levels}. */
    POWER_LEVELS,
    /** Versions 1 and 2: {@code m.room.redaction} needs the redact level or the same event ID domain. */
    REDACTION
}
