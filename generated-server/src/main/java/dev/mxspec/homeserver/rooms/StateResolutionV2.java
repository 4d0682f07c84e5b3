package dev.mxspec.homeserver.rooms;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * State resolution of room versions 2 to 10 ("State resolution" of room version 2), in the prose's five steps:
 * the power events of the full conflicted set and their auth chains in it, in the reverse topological power
 * ordering, through the iterative auth checks from the unconflicted state map; then the other events of the full
 * conflicted set in the mainline ordering of the resulting power levels, through the iterative auth checks again;
 * then the unconflicted state map applied over the result.
 */
record StateResolutionV2(AuthGraph graph, IterativeAuthChecks checks) {

    Map<StateKey, String> resolve(List<? extends Map<StateKey, String>> stateSets) {
        ConflictedState state = ConflictedState.of(stateSets);
        if (state.conflicted().isEmpty()) {
            return state.unconflicted();
        }
        Set<String> fullConflictedSet = state.conflictedEvents();
        fullConflictedSet.addAll(authDifference(stateSets, state));

        // 1. The power events of the full conflicted set, with the events of their auth chains in it, sorted.
        Set<String> powerEvents = new HashSet<>();
        for (String event : fullConflictedSet) {
            if (isPowerEvent(graph.node(event))) {
                powerEvents.add(event);
            }
        }
        Set<String> sortedFirst = new HashSet<>(powerEvents);
        for (String event : graph.withAuthChains(powerEvents, Set.of())) {
            if (fullConflictedSet.contains(event)) {
                sortedFirst.add(event);
            }
        }
        // 2. Through the iterative auth checks, from the unconflicted state map: the partially resolved state.
        Map<StateKey, String> partial = checks.apply(state.unconflicted(), PowerOrdering.sort(sortedFirst, graph));

        // 3. and 4. The remaining events in the mainline ordering of its power levels, through the checks again.
        List<String> others = new ArrayList<>();
        for (String event : fullConflictedSet) {
            if (!sortedFirst.contains(event)) {
                others.add(event);
            }
        }
        Optional<String> powerLevels = Optional.ofNullable(partial.get(AuthGraph.POWER_LEVELS));
        Map<StateKey, String> resolved = checks.apply(partial, MainlineOrdering.sort(others, powerLevels, graph));

        // 5. The unconflicted state map over the result.
        resolved.putAll(state.unconflicted());
        return resolved;
    }

    /**
     * The auth difference: the union of the state sets' full auth chains less their intersection. A state set's
     * full auth chain is taken to hold its own events as well as their auth chains, as the established
     * implementations compute it. (Read narrowly, the prose's "union of the auth chains for each event" leaves the
     * events out; then an event every state set holds but only some state sets' events cite, such as the join of
     * a moderator who acted on one branch only, would enter the full conflicted set, take part in the power
     * ordering, and make servers disagree. With the events in, the unconflicted state map never enters it.)
     *
     * <p>Computed without walking the same events once per state set: with U the unconflicted state map's events
     * and their auth chains, and B<sub>i</sub> the other events of state set i and their auth chains, each full
     * auth chain is U ∪ B<sub>i</sub>, so the difference is ∪B<sub>i</sub> − ∩B<sub>i</sub> − U; and as U is
     * closed under auth events, each B<sub>i</sub> − U is walked without entering U.
     */
    Set<String> authDifference(List<? extends Map<StateKey, String>> stateSets, ConflictedState state) {
        Set<String> common = graph.withAuthChains(state.unconflicted().values(), Set.of());
        Set<String> union = new HashSet<>();
        Map<String, Integer> counts = new HashMap<>();
        for (Map<StateKey, String> stateSet : stateSets) {
            List<String> own = new ArrayList<>();
            for (Map.Entry<StateKey, String> entry : stateSet.entrySet()) {
                if (!entry.getValue().equals(state.unconflicted().get(entry.getKey()))) {
                    own.add(entry.getValue());
                }
            }
            for (String event : graph.withAuthChains(own, common)) {
                union.add(event);
                counts.merge(event, 1, Integer::sum);
            }
        }
        union.removeIf(event -> counts.get(event) == stateSets.size());
        return union;
    }

    /**
     * A power event: an {@code m.room.power_levels} or {@code m.room.join_rules} state event, or an
     * {@code m.room.member} event whose membership is {@code leave} or {@code ban} and whose sender is not its
     * state key (a kick or a ban).
     */
    static boolean isPowerEvent(AuthGraph.Node event) {
        if (event.key().isEmpty()) {
            return false;
        }
        return switch (event.key().get().type()) {
            case "m.room.power_levels", "m.room.join_rules" -> true;
            case "m.room.member" -> event.pdu().membership().filter(m -> m.equals("leave") || m.equals("ban"))
                    .isPresent() && !event.pdu().sender().equals(event.key().get().stateKey());
            default -> false;
        };
    }
}
