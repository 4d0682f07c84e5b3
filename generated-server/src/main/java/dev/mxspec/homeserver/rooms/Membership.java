package dev.mxspec.homeserver.rooms;

import java.util.Arrays;
import java.util.Optional;

/** The {@code membership} values of {@code m.room.member} that the auth rules know. */
public enum Membership {
    JOIN("join"),
    INVITE("invite"),
    LEAVE("leave"),
    BAN("ban"),
    KNOCK("knock");

    private final String value;

    Membership(String value) {
        this.value = value;
    }

    /** The value as it appears in JSON. */
    public String value() {
        return value;
    }

    /** The membership spelled {@code value}, if it is one of these. */
    public static Optional<Membership> parse(String value) {
        return Arrays.stream(values()).filter(m -> m.value.equals(value)).findFirst();
    }
}
