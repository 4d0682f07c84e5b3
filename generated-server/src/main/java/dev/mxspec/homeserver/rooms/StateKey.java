package dev.mxspec.homeserver.rooms;

import java.util.Comparator;

/** A key of the room state: an event type and a state key. */
public record StateKey(String type, String stateKey) implements Comparable<StateKey> {

    private static final Comparator<StateKey> ORDER =
            Comparator.comparing(StateKey::type).thenComparing(StateKey::stateKey);

    @Override
    public int compareTo(StateKey other) {
        return ORDER.compare(this, other);
    }
}
