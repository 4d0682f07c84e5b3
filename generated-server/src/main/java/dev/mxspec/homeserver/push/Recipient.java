package dev.mxspec.homeserver.push;

import java.util.Optional;

/** The member rules are evaluated for: his user ID and his display name in the room. */
public record Recipient(String userId, Optional<String> displayName) {

    public static Recipient of(String userId, Optional<String> displayName) {
        return new Recipient(userId, displayName.filter(n -> !n.isBlank()));
    }

    /** Whether the display name appears as words of {@code text} (case insensitive). */
    public boolean named(String text) {
        return displayName.isPresent() && Words.contains(text, displayName.get());
    }

    /** The localpart of the user ID ({@code alice} of {@code @alice:example.org}). */
    public String localpart() {
        int colon = userId.indexOf(':');
        return userId.substring(1, colon < 0 ? userId.length() : colon);
    }
}
