package dev.mxspec.homeserver.push;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The member rules are evaluated for: his user ID and his display name in the room, with the
 * pattern that finds that name as words of a message (compiled once per member, not per event).
 */
public record Recipient(String userId, Optional<String> displayName, Optional<Pattern> displayNameWords) {

    public static Recipient of(String userId, Optional<String> displayName) {
        return new Recipient(userId, displayName, displayName.filter(n -> !n.isBlank())
                .map(n -> Pattern.compile("(?<![A-Za-z0-9_])" + Pattern.quote(n) + "(?![A-Za-z0-9_])",
                        Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE)));
    }

    /** The localpart of the user ID ({@code alice} of {@code @alice:example.org}). */
    public String localpart() {
        int colon = userId.indexOf(':');
        return userId.substring(1, colon < 0 ? userId.length() : colon);
    }
}
