package dev.mxspec.homeserver.appservice;

import java.util.regex.Pattern;

/**
 * One entry of a registration's {@code users}, {@code aliases} or {@code rooms} namespace list.
 *
 * <p>The regular expression matches from the start of the ID, as Synapse matches it, so both {@code @_irc_.*} and
 * {@code @_irc_.*:example.org} take in {@code @_irc_bob:example.org}.
 *
 * @param exclusive whether only this service may create and manage the IDs
 * @param regex the IDs in the namespace
 */
public record Namespace(boolean exclusive, Pattern regex) {

    public boolean matches(String id) {
        return regex.matcher(id).lookingAt();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Namespace n && n.exclusive == exclusive && n.regex.pattern().equals(regex.pattern());
    }

    @Override
    public int hashCode() {
        return Boolean.hashCode(exclusive) * 31 + regex.pattern().hashCode();
    }
}
