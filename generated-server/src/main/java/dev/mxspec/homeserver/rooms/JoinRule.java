package dev.mxspec.homeserver.rooms;

import java.util.Arrays;
import java.util.Optional;

/** The {@code join_rule} values of {@code m.room.join_rules}; which of them work depends on the room version. */
public enum JoinRule {
    PUBLIC("public"),
    INVITE("invite"),
    KNOCK("knock"),
    PRIVATE("private"),
    RESTRICTED("restricted"),
    KNOCK_RESTRICTED("knock_restricted");

    private final String value;

    JoinRule(String value) {
        this.value = value;
    }

    /** The value as it appears in JSON. */
    public String value() {
        return value;
    }

    /** The rule spelled {@code value}, if it is one of these. */
    public static Optional<JoinRule> parse(String value) {
        return Arrays.stream(values()).filter(r -> r.value.equals(value)).findFirst();
    }
}
