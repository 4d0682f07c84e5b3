package dev.mxspec.homeserver.rooms;

/** Authorization and format rules that some room versions have and others lack. */
public enum RoomFeature {

    /** Versions 1 to 5: {@code m.room.aliases} has its own auth rule (state key must be the sender's server). */
    ALIASES_AUTH_RULE,

    /**
     * Versions 1 and 2: {@code m.room.redaction} is authorised by the auth rules on receipt (redact level, or
     * the same event ID domain). Later versions authorise it when applying it ("Handling redactions").
     */
    REDACTION_AUTH_RULE,

    /** Versions 5 and later: signing keys are honoured only up to their {@code valid_until_ts}. */
    KEY_VALIDITY,

    /** Versions 6 and later: JSON must be canonical (integers in range, no floats), or the event is dropped. */
    STRICT_CANONICAL_JSON,

    /** Versions 6 and later: power level changes to {@code notifications} are checked like {@code events}. */
    NOTIFICATIONS_POWER_LEVELS,

    /** Versions 7 and later: the {@code knock} join rule and membership. */
    KNOCKING,

    /** Versions 8 and later: the {@code restricted} join rule and {@code join_authorised_via_users_server}. */
    RESTRICTED_JOINS,

    /** Version 10: the {@code knock_restricted} join rule. */
    KNOCK_RESTRICTED,

    /** Version 10: power levels must be JSON integers; strings like {@code "50"} are refused. */
    INTEGER_POWER_LEVELS
}
