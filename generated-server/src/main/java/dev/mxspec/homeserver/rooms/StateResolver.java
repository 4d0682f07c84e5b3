package dev.mxspec.homeserver.rooms;

import dev.mxspec.homeserver.crypto.ServerKeys;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * State resolution: the room state where the event graph joins. The state S(E) before an event E is the
 * resolution of the states S′(E<sub>1</sub>), S′(E<sub>2</sub>), … after its {@code prev_events}, where the
 * state after a state event is the state before it with the event's (type, state key) set to it, and after any
 * other event the state before it; a room's current state is the resolution of the states after its forward
 * extremities. Pure: no storage, no clock; the events come from an {@link EventGraph}.
 *
 * <p>The room version chooses the algorithm ({@link RoomVersion#stateResolution()}): version 1's passes by depth
 * ({@link StateResolution#V1}), or from version 2 the reverse topological power ordering, iterative auth checks
 * and mainline ordering ({@link StateResolution#V2}). Both check events with the {@link AuthRules} of the room
 * version. Every event asked for is asked once per call.
 */
public final class StateResolver {

    private StateResolver() {}

    /**
     * The resolution of {@code stateSets}, each a map from (event type, state key) to event ID. The result does
     * not depend on the order of the state sets, nor on repeated ones.
     *
     * @param events     the room's events, including the auth chains of every event of the state sets
     * @param serverKeys verification keys, for the signatures some authorization rules check (restricted joins)
     * @return the resolved state, unmodifiable
     * @throws MissingEventException when {@code events} lacks an event the resolution reads
     */
    public static Map<StateKey, String> resolve(RoomVersion version, List<? extends Map<StateKey, String>> stateSets,
            EventGraph events, ServerKeys serverKeys) {
        if (stateSets.isEmpty()) {
            return Map.of();
        }
        if (stateSets.size() == 1) {
            return Map.copyOf(stateSets.getFirst());
        }
        AuthGraph graph = new AuthGraph(events);
        IterativeAuthChecks checks = new IterativeAuthChecks(graph, version, serverKeys);
        Map<StateKey, String> resolved = switch (version.stateResolution()) {
            case V1 -> new StateResolutionV1(graph, checks).resolve(stateSets);
            case V2 -> new StateResolutionV2(graph, checks).resolve(stateSets);
        };
        return Collections.unmodifiableMap(resolved);
    }
}
