package dev.mxspec.generator.model;

/** How an event travels. */
public enum EventKind {
    /** A room state event (has a {@code state_key}). */
    STATE,
    /** A room message (timeline) event. */
    MESSAGE,
    /** An ephemeral event: typing, receipts, presence. */
    EPHEMERAL,
    /** Account data, global or per room. */
    ACCOUNT_DATA,
    /** A to-device message. */
    TO_DEVICE
}
