package dev.mxspec.homeserver.rooms;

/** The verdict of the auth rules: allowed, or refused by a named rule with a reason fit for an error message. */
public sealed interface AuthResult {

    /** The event passes the auth rules. */
    record Allowed() implements AuthResult {}

    /** The event fails {@code rule}; {@code reason} says why, naming the users and levels involved. */
    record Refused(AuthRule rule, String reason) implements AuthResult {}

    static AuthResult allowed() {
        return new Allowed();
    }

    static AuthResult refused(AuthRule rule, String reason) {
        return new Refused(rule, reason);
    }

    default boolean isAllowed() {
        return this instanceof Allowed;
    }
}
