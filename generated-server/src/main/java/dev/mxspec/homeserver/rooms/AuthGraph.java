package dev.mxspec.homeserver.rooms;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.crypto.ServerKeys;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The events one state resolution reads, each asked of the {@link EventGraph} once and kept with what the
 * algorithms use: its auth events, its key in the state, depth, {@code origin_server_ts}, and the power level of
 * its sender. One per resolution; not thread-safe.
 */
final class AuthGraph {

    static final StateKey POWER_LEVELS = new StateKey("m.room.power_levels", "");
    static final StateKey CREATE = new StateKey("m.room.create", "");

    /** An event with the fields state resolution reads, parsed once. */
    record Node(String id, PduView pdu, List<String> authEvents, Optional<StateKey> key, boolean rejected) {

        ObjectNode json() {
            return pdu.json();
        }

        long originServerTs() {
            return pdu.originServerTs();
        }

        long depth() {
            return pdu.json().path("depth").asLong(0);
        }
    }

    private final EventGraph source;
    private final Map<String, Node> nodes = new HashMap<>();
    private final Map<String, Long> senderLevels = new HashMap<>();

    AuthGraph(EventGraph source) {
        this.source = source;
    }

    /** The event {@code eventId}, asked of the source the first time only. */
    Node node(String eventId) {
        Node node = nodes.get(eventId);
        if (node == null) {
            GraphEvent event = source.event(eventId).orElseThrow(() -> new MissingEventException(eventId));
            PduView pdu = new PduView(event.pdu());
            node = new Node(eventId, pdu, pdu.authEventIds(),
                    pdu.stateKey().map(stateKey -> new StateKey(pdu.type(), stateKey)), event.rejected());
            nodes.put(eventId, node);
        }
        return node;
    }

    /**
     * {@code events} and their auth chains (every event reachable through {@code auth_events}), walked once. The
     * walk neither enters nor returns an event of {@code known}, which must be closed under auth events (events
     * with their auth chains): what lies beyond such an event is in {@code known} already.
     */
    Set<String> withAuthChains(Collection<String> events, Set<String> known) {
        Set<String> reached = new HashSet<>();
        Deque<String> pending = new ArrayDeque<>(events);
        while (!pending.isEmpty()) {
            String event = pending.pop();
            if (!known.contains(event) && reached.add(event)) {
                pending.addAll(node(event).authEvents());
            }
        }
        return reached;
    }

    /** The {@code m.room.power_levels} event among the auth events of {@code eventId}, if it cites one. */
    Optional<String> powerLevelsAuthEvent(String eventId) {
        return authEventFor(eventId, POWER_LEVELS);
    }

    /**
     * The power level of the sender of {@code eventId} as its auth events give it: the power levels event among
     * them, else the levels of a room without one (the creator of the cited create event has 100).
     */
    long senderPowerLevel(String eventId) {
        Long level = senderLevels.get(eventId);
        if (level == null) {
            Node node = node(eventId);
            List<ObjectNode> authEvents = new ArrayList<>();
            authEventFor(eventId, POWER_LEVELS).ifPresent(id -> authEvents.add(node(id).json()));
            authEventFor(eventId, CREATE).ifPresent(id -> authEvents.add(node(id).json()));
            level = AuthState.of(authEvents, ServerKeys.none()).levels().userLevel(node.pdu().sender());
            senderLevels.put(eventId, level);
        }
        return level;
    }

    private Optional<String> authEventFor(String eventId, StateKey key) {
        for (String authEvent : node(eventId).authEvents()) {
            if (node(authEvent).key().equals(Optional.of(key))) {
                return Optional.of(authEvent);
            }
        }
        return Optional.empty();
    }
}
