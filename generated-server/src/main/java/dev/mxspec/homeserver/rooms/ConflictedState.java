package dev.mxspec.homeserver.rooms;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The state sets to resolve, divided into the unconflicted state map (one event per key) and the conflicted
 * events of every other key. The two algorithms divide them differently: see {@link #of} and
 * {@link #ignoringAbsentKeys}.
 *
 * @param unconflicted the unconflicted state map
 * @param conflicted   for each other key, the events the state sets hold for it
 */
record ConflictedState(Map<StateKey, String> unconflicted, Map<StateKey, Set<String>> conflicted) {

    /**
     * Version 2's division: a key is unconflicted when every state set holds it, with the same event; the events
     * of every other key, including a key some state sets lack, are the conflicted state set.
     */
    static ConflictedState of(List<? extends Map<StateKey, String>> stateSets) {
        return divide(stateSets, true);
    }

    /**
     * Version 1's division: a conflict is two state sets holding different events for a key, so a key that some
     * state sets lack and the others agree on is unconflicted.
     */
    static ConflictedState ignoringAbsentKeys(List<? extends Map<StateKey, String>> stateSets) {
        return divide(stateSets, false);
    }

    /** The conflicted state set: every event of a conflicted key. */
    Set<String> conflictedEvents() {
        Set<String> events = new HashSet<>();
        for (Collection<String> ids : conflicted.values()) {
            events.addAll(ids);
        }
        return events;
    }

    private static ConflictedState divide(List<? extends Map<StateKey, String>> stateSets, boolean absentConflicts) {
        Map<StateKey, String> unconflicted = new HashMap<>();
        Map<StateKey, Set<String>> conflicted = new HashMap<>();
        Set<StateKey> seen = new HashSet<>();
        for (Map<StateKey, String> stateSet : stateSets) {
            for (StateKey key : stateSet.keySet()) {
                if (!seen.add(key)) {
                    continue;
                }
                String first = null;
                boolean absent = false;
                boolean differ = false;
                for (Map<StateKey, String> other : stateSets) {
                    String event = other.get(key);
                    if (event == null) {
                        absent = true;
                    } else if (first == null) {
                        first = event;
                    } else if (!first.equals(event)) {
                        differ = true;
                    }
                }
                if (!differ && !(absent && absentConflicts)) {
                    unconflicted.put(key, first);
                } else {
                    Set<String> events = new HashSet<>();
                    for (Map<StateKey, String> other : stateSets) {
                        String event = other.get(key);
                        if (event != null) {
                            events.add(event);
                        }
                    }
                    conflicted.put(key, events);
                }
            }
        }
        return new ConflictedState(unconflicted, conflicted);
    }
}
