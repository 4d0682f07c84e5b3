package dev.mxspec.homeserver.rooms;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.crypto.ServerKeys;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The iterative auth checks of state resolution (room version 2, "Iterative auth checks"): state events applied
 * one by one to a room state, each only if the authorization rules allow it in that state. Also the single
 * check of version 1's resolution, "allowed by the authorization rules for a room in state R".
 */
record IterativeAuthChecks(AuthGraph graph, RoomVersion version, ServerKeys serverKeys) {

    /**
     * {@code initial} with each of {@code events}, in order, applied if the authorization rules allow it in the
     * state built so far; an event they refuse is ignored.
     */
    Map<StateKey, String> apply(Map<StateKey, String> initial, List<String> events) {
        Map<StateKey, String> state = new HashMap<>(initial);
        for (String eventId : events) {
            AuthGraph.Node event = graph.node(eventId);
            if (event.key().isPresent() && allowed(event, state)) {
                state.put(event.key().get(), eventId);
            }
        }
        return state;
    }

    /**
     * Whether the rules allow {@code event} in {@code state}; a key the rules need that the state lacks is taken
     * from the event's own auth events, unless that auth event was rejected.
     */
    boolean allowed(AuthGraph.Node event, Map<StateKey, String> state) {
        Map<StateKey, ObjectNode> authEvents = new HashMap<>();
        for (String authEventId : event.authEvents()) {
            AuthGraph.Node authEvent = graph.node(authEventId);
            if (!authEvent.rejected() && authEvent.key().isPresent()) {
                authEvents.put(authEvent.key().get(), authEvent.json());
            }
        }
        putFromState(event, state::get, authEvents);
        return check(event, authEvents);
    }

    /** Whether the rules allow {@code event} in the state {@code state} answers, and only that state. */
    boolean allowedIn(AuthGraph.Node event, Function<StateKey, String> state) {
        Map<StateKey, ObjectNode> authEvents = new HashMap<>();
        putFromState(event, state, authEvents);
        return check(event, authEvents);
    }

    /** The events of {@code state} for the keys the rules read for {@code event} (its auth events selection). */
    private void putFromState(AuthGraph.Node event, Function<StateKey, String> state,
            Map<StateKey, ObjectNode> authEvents) {
        for (StateKey key : AuthEvents.selection(event.json(), version)) {
            String stateEvent = state.apply(key);
            if (stateEvent != null) {
                authEvents.put(key, graph.node(stateEvent).json());
            }
        }
    }

    private boolean check(AuthGraph.Node event, Map<StateKey, ObjectNode> authEvents) {
        return AuthRules.check(event.pdu(), AuthState.of(authEvents.values(), serverKeys), version).isAllowed();
    }
}
