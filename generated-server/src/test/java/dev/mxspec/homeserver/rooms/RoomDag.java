package dev.mxspec.homeserver.rooms;

import static dev.mxspec.homeserver.rooms.Room.ALICE;
import static dev.mxspec.homeserver.rooms.Room.BOB;
import static dev.mxspec.homeserver.rooms.Room.CAROL;
import static dev.mxspec.homeserver.rooms.Room.MOD;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.crypto.ServerKeys;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * A room's event graph for state resolution tests, grown as a server receiving its events would grow it. An
 * event is added by name after named prev events: its depth, {@code origin_server_ts} and auth events (the auth
 * events selection from the state before it) are filled in, and its ID is {@code $NAME:hs1} (the create event's is
 * its reference hash from version 3, which the creator's first join must cite). On receipt it is
 * checked against its auth events and against the state before it (the resolution of the states after its prev
 * events) and marked rejected when either refuses it; the state after a rejected event is the state before it.
 */
final class RoomDag implements EventGraph {

    static final String ZARA = "@zara:hs1";
    static final String EVELYN = "@evelyn:hs2";

    private final RoomVersion version;
    private final Optional<Random> shuffle;
    private final Map<String, String> ids = new HashMap<>();
    private final Map<String, GraphEvent> events = new LinkedHashMap<>();
    private final Map<String, Map<StateKey, String>> stateAfter = new HashMap<>();
    private long clock;

    /**
     * An empty graph; with {@code shuffle}, the states after an event's prev events are resolved in a random order
     * rather than in the order the event lists them.
     */
    RoomDag(RoomVersion version, Optional<Random> shuffle) {
        this.version = version;
        this.shuffle = shuffle;
    }

    /**
     * A public room: alice creates it, joins and sets power levels giving herself 100; mod, bob, carol and zara
     * join (all at level 0); then zara's message {@code START}, after which the tests fork.
     */
    static RoomDag started(RoomVersion version) {
        RoomDag dag = new RoomDag(version, Optional.empty());
        dag.add("CREATE", Events.create(ALICE, version));
        dag.add("IMA", Events.member(ALICE, ALICE, "join"), "CREATE");
        dag.add("IPOWER", powerLevels(ALICE, Map.of(ALICE, 100)), "IMA");
        dag.add("IJR", Events.state("m.room.join_rules", ALICE, "", "{'join_rule': 'public'}"), "IPOWER");
        dag.add("IMM", Events.member(MOD, MOD, "join"), "IJR");
        dag.add("IMB", Events.member(BOB, BOB, "join"), "IMM");
        dag.add("IMC", Events.member(CAROL, CAROL, "join"), "IMB");
        dag.add("IMZ", Events.member(ZARA, ZARA, "join"), "IMC");
        dag.add("START", Events.message(ZARA), "IMZ");
        return dag;
    }

    /** The ID of the event called {@code name}. */
    String id(String name) {
        String id = ids.get(name);
        if (id == null) {
            throw new IllegalArgumentException("no event called " + name);
        }
        return id;
    }

    /** An {@code m.room.power_levels} event by {@code sender} giving {@code users} their levels. */
    static ObjectNode powerLevels(String sender, Map<String, Integer> users) {
        ObjectNode content = JsonNodeFactory.instance.objectNode();
        ObjectNode levels = content.putObject("users");
        users.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(entry -> levels.put(entry.getKey(), entry.getValue()));
        ObjectNode event = Events.state("m.room.power_levels", sender, "", "{}");
        event.set("content", content);
        return event;
    }

    /** An {@code m.room.topic} event. */
    static ObjectNode topic(String sender, String topic) {
        return Events.state("m.room.topic", sender, "", "{'topic': '" + topic + "'}");
    }

    /** Adds {@code event} as {@code name} after {@code prevs}, at the next tick of the clock. */
    String add(String name, ObjectNode event, String... prevs) {
        return addAt(++clock, name, event, prevs);
    }

    /** Adds {@code event} as {@code name} after {@code prevs}, sent at {@code originServerTs}. */
    String addAt(long originServerTs, String name, ObjectNode event, String... prevs) {
        clock = Math.max(clock, originServerTs);
        ObjectNode pdu = event.deepCopy();
        List<String> prevIds = new ArrayList<>();
        long depth = 0;
        for (String prev : prevs) {
            prevIds.add(id(prev));
            depth = Math.max(depth, events.get(id(prev)).pdu().path("depth").asLong());
        }
        Map<StateKey, String> before = stateBefore(prevIds);
        List<String> authIds = new ArrayList<>();
        for (StateKey key : AuthEvents.selection(pdu, version)) {
            Optional.ofNullable(before.get(key)).ifPresent(authIds::add);
        }
        pdu.set("prev_events", references(prevIds));
        pdu.set("auth_events", references(authIds));
        pdu.put("depth", prevs.length == 0 ? 1 : depth + 1);
        pdu.put("origin_server_ts", originServerTs);
        String eventId = "$" + name + ":hs1";
        if (!version.eventIdFormat().isHash()) {
            pdu.put("event_id", eventId);
        } else if (prevs.length == 0) {
            eventId = EventIds.referenceId(pdu, version);
        }
        ids.put(name, eventId);
        receive(eventId, pdu);
        return eventId;
    }

    /**
     * Receives a finished event as a server would: its prev and auth events must be here already. Rejected when an
     * auth event was rejected, when its auth events are not the ones it needs, or when the rules refuse it on its
     * auth events or on the state before it.
     */
    void receive(String eventId, ObjectNode pdu) {
        PduView view = new PduView(pdu);
        Map<StateKey, String> before = stateBefore(view.prevEventIds());
        List<ObjectNode> authEvents = new ArrayList<>();
        boolean authEventRejected = false;
        for (String authId : view.authEventIds()) {
            GraphEvent authEvent = events.get(authId);
            authEvents.add(authEvent.pdu());
            authEventRejected |= authEvent.rejected();
        }
        List<ObjectNode> stateEvents = new ArrayList<>();
        for (StateKey key : AuthEvents.selection(pdu, version)) {
            Optional.ofNullable(before.get(key)).ifPresent(id -> stateEvents.add(events.get(id).pdu()));
        }
        boolean rejected = authEventRejected
                || !AuthEvents.check(pdu, authEvents, version).isAllowed()
                || !AuthRules.check(pdu, AuthState.of(authEvents, ServerKeys.none()), version).isAllowed()
                || !AuthRules.check(pdu, AuthState.of(stateEvents, ServerKeys.none()), version).isAllowed();
        Map<StateKey, String> after = new HashMap<>(before);
        if (!rejected && view.isState()) {
            after.put(new StateKey(view.type(), view.stateKey().get()), eventId);
        }
        events.put(eventId, new GraphEvent(eventId, pdu, rejected));
        stateAfter.put(eventId, Map.copyOf(after));
    }

    @Override
    public Optional<GraphEvent> event(String eventId) {
        return Optional.ofNullable(events.get(eventId));
    }

    RoomVersion version() {
        return version;
    }

    /** Every event in the order received. */
    List<GraphEvent> events() {
        return List.copyOf(events.values());
    }

    boolean rejected(String name) {
        return events.get(id(name)).rejected();
    }

    /** The state after the event called {@code name}. */
    Map<StateKey, String> state(String name) {
        return stateAfterId(id(name));
    }

    Map<StateKey, String> stateAfterId(String eventId) {
        return stateAfter.get(eventId);
    }

    /** The resolution of the states after the events called {@code names}. */
    Map<StateKey, String> resolve(String... names) {
        List<Map<StateKey, String>> states = new ArrayList<>();
        for (String name : names) {
            states.add(state(name));
        }
        return StateResolver.resolve(version, states, this, ServerKeys.none());
    }

    /** The state after {@code base} with the events called {@code names} in their keys: an expected state. */
    Map<StateKey, String> stateWith(String base, String... names) {
        Map<StateKey, String> state = new HashMap<>(state(base));
        for (String name : names) {
            PduView view = new PduView(events.get(id(name)).pdu());
            state.put(new StateKey(view.type(), view.stateKey().orElseThrow()), id(name));
        }
        return state;
    }

    /** {@code state} without the entry for {@code key}. */
    static Map<StateKey, String> without(Map<StateKey, String> state, StateKey key) {
        Map<StateKey, String> rest = new HashMap<>(state);
        rest.remove(key);
        return rest;
    }

    private Map<StateKey, String> stateBefore(List<String> prevIds) {
        List<Map<StateKey, String>> states = new ArrayList<>();
        for (String prev : prevIds) {
            states.add(stateAfter.get(prev));
        }
        shuffle.ifPresent(random -> Collections.shuffle(states, random));
        return StateResolver.resolve(version, states, this, ServerKeys.none());
    }

    /** Plain event IDs from version 3, {@code [event_id, hashes]} pairs before. */
    private ArrayNode references(List<String> eventIds) {
        ArrayNode array = JsonNodeFactory.instance.arrayNode();
        for (String eventId : eventIds) {
            if (version.eventIdFormat().isHash()) {
                array.add(eventId);
            } else {
                array.addArray().add(eventId).addObject();
            }
        }
        return array;
    }
}
