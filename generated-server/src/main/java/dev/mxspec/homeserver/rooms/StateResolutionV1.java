package dev.mxspec.homeserver.rooms;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * State resolution of room version 1 ("State resolution" of room version 1). R starts as the union of the state
 * sets without their conflicting events; then conflicts are resolved in passes, power levels, join rules,
 * memberships: each key's events sorted by ascending depth then descending SHA-1 of the event ID, the first
 * added to R, each next one added while the authorization rules allow it in R, stopping at the first they
 * refuse; every other conflict takes the event of highest depth and lowest SHA-1 of the event ID that the rules
 * allow in R.
 *
 * <p>The prose leaves two things open, settled here so that the result does not depend on the order in which
 * keys are visited: within a pass, each key is resolved against R as it was before the pass, and the pass's
 * results are added to R together (as Synapse does); and a key of the last group whose events the rules all
 * refuse stays out of the result (the prose picks only an event that passes; Synapse keeps the one of lowest
 * depth instead).
 */
record StateResolutionV1(AuthGraph graph, IterativeAuthChecks checks) {

    private static final Comparator<AuthGraph.Node> DEPTH_THEN_HASH_DESCENDING =
            Comparator.comparingLong(AuthGraph.Node::depth)
                    .thenComparing(Comparator.comparing((AuthGraph.Node event) -> sha1(event.id())).reversed());

    Map<StateKey, String> resolve(List<? extends Map<StateKey, String>> stateSets) {
        ConflictedState state = ConflictedState.ignoringAbsentKeys(stateSets);
        Map<StateKey, String> resolved = new HashMap<>(state.unconflicted());
        SortedMap<StateKey, Set<String>> conflicts = new TreeMap<>(state.conflicted());
        resolveAuthPass(resolved, conflicts, key -> key.equals(AuthGraph.POWER_LEVELS));
        resolveAuthPass(resolved, conflicts, key -> key.type().equals("m.room.join_rules"));
        resolveAuthPass(resolved, conflicts, key -> key.type().equals("m.room.member"));
        Map<StateKey, String> others = new HashMap<>();
        for (Map.Entry<StateKey, Set<String>> conflict : conflicts.entrySet()) {
            List<AuthGraph.Node> events = sorted(conflict.getValue()).reversed();
            events.stream().filter(event -> checks.allowedIn(event, resolved::get)).findFirst()
                    .ifPresent(event -> others.put(conflict.getKey(), event.id()));
        }
        resolved.putAll(others);
        return resolved;
    }

    /** Resolves, and removes from {@code conflicts}, the conflicts of the keys {@code pass} selects. */
    private void resolveAuthPass(Map<StateKey, String> resolved, SortedMap<StateKey, Set<String>> conflicts,
            Predicate<StateKey> pass) {
        Map<StateKey, String> results = new HashMap<>();
        for (Map.Entry<StateKey, Set<String>> conflict : conflicts.entrySet()) {
            if (pass.test(conflict.getKey())) {
                results.put(conflict.getKey(), resolveAuthConflict(conflict.getKey(), conflict.getValue(), resolved));
            }
        }
        conflicts.keySet().removeAll(results.keySet());
        resolved.putAll(results);
    }

    /** The first event by depth, then each next one while the rules allow it in R with the key's winner so far. */
    private String resolveAuthConflict(StateKey key, Set<String> eventIds, Map<StateKey, String> resolved) {
        List<AuthGraph.Node> events = sorted(eventIds);
        String winner = events.getFirst().id();
        for (AuthGraph.Node event : events.subList(1, events.size())) {
            String current = winner;
            if (!checks.allowedIn(event, k -> k.equals(key) ? current : resolved.get(k))) {
                break;
            }
            winner = event.id();
        }
        return winner;
    }

    /** Ascending depth, then descending SHA-1 of the event ID. */
    private List<AuthGraph.Node> sorted(Set<String> eventIds) {
        List<AuthGraph.Node> events = new ArrayList<>();
        for (String id : eventIds) {
            events.add(graph.node(id));
        }
        events.sort(DEPTH_THEN_HASH_DESCENDING);
        return events;
    }

    /** The SHA-1 digest of the event ID, in lower-case hexadecimal. */
    static String sha1(String eventId) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(eventId.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-1", e);
        }
    }
}
