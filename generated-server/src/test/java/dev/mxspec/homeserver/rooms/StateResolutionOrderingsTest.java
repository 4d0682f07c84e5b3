package dev.mxspec.homeserver.rooms;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.crypto.ServerKeys;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The two orderings of state resolution v2 on hand-made auth graphs: the reverse topological power ordering and
 * the mainline ordering, with their tie-breaks; and the iterative auth checks' use of an event's own auth events.
 */
class StateResolutionOrderingsTest {

    private static final String ALICE = Room.ALICE;
    private static final String BOB = Room.BOB;

    private final Map<String, GraphEvent> events = new HashMap<>();
    private final AuthGraph graph = new AuthGraph(eventId -> Optional.ofNullable(events.get(eventId)));

    /**
     * Five events of equal power and time, so only the graph and the event IDs order them: {@code $b} cites
     * {@code $e}; {@code $c} cites {@code $d} and {@code $e}; {@code $d} and {@code $a} cite {@code $e}. Kahn's
     * algorithm takes {@code $e}, then the smallest ready ID each time; {@code $c} waits for {@code $d}.
     */
    @Test
    void theTopologicalOrderingIsTheSmallestByEventIdWhenPowerAndTimeAreEqual() {
        add("$e", "m.room.topic", BOB, 5);
        add("$b", "m.room.topic", BOB, 5, "$e");
        add("$c", "m.room.topic", BOB, 5, "$d", "$e");
        add("$d", "m.room.topic", BOB, 5, "$e");
        add("$a", "m.room.topic", BOB, 5, "$e");

        assertThat(PowerOrdering.sort(List.of("$a", "$b", "$c", "$d", "$e"), graph))
                .containsExactly("$e", "$a", "$b", "$d", "$c");
    }

    /**
     * Among ready events the sender with more power goes first, whatever the time or ID; at equal power the older
     * event; and an event never goes before one in its auth chain, even through events outside the set sorted
     * ({@code $late} cites {@code $between}, which cites {@code $early}).
     */
    @Test
    void theTopologicalOrderingTakesPowerThenTimeThenEventId() {
        add("$create", "m.room.create", ALICE, 0);
        add("$levels", "m.room.power_levels", ALICE, 1, "$create");
        events.put("$levels", new GraphEvent("$levels", levels(ALICE, 100, BOB, 50), false));
        add("$bob-old", "m.room.topic", BOB, 10, "$create", "$levels");
        add("$alice-new", "m.room.topic", ALICE, 30, "$create", "$levels");
        add("$bob-new", "m.room.topic", BOB, 20, "$create", "$levels");
        add("$early", "m.room.name", BOB, 40, "$create", "$levels");
        add("$between", "m.room.name", BOB, 41, "$create", "$levels", "$early");
        add("$late", "m.room.name", ALICE, 2, "$create", "$levels", "$between");

        assertThat(PowerOrdering.sort(List.of("$bob-new", "$late", "$bob-old", "$early", "$alice-new"), graph))
                .containsExactly("$alice-new", "$bob-old", "$bob-new", "$early", "$late");
    }

    /**
     * The mainline of {@code $p2} is {@code $p2}, {@code $p1}, {@code $p0}. An event citing {@code $p1} has position
     * 1; one citing {@code $q}, a power levels event off the mainline that cites {@code $p0}, has position 2; one
     * citing no power levels event has no position (infinity). Greater positions go first, then older events.
     */
    @Test
    void theMainlineOrderingPutsEventsOnEarlierPowerLevelsFirst() {
        add("$p0", "m.room.power_levels", ALICE, 1);
        add("$p1", "m.room.power_levels", ALICE, 2, "$p0");
        add("$p2", "m.room.power_levels", ALICE, 3, "$p1");
        add("$q", "m.room.power_levels", ALICE, 4, "$p0");
        add("$on-p2", "m.room.topic", ALICE, 5, "$p2");
        add("$on-p1-late", "m.room.topic", ALICE, 9, "$p1");
        add("$on-p1-early", "m.room.topic", ALICE, 6, "$p1");
        add("$on-q", "m.room.topic", ALICE, 7, "$q");
        add("$on-nothing", "m.room.topic", ALICE, 8);

        List<String> all = List.of("$on-p2", "$on-p1-late", "$on-p1-early", "$on-q", "$on-nothing");
        assertThat(MainlineOrdering.sort(all, Optional.of("$p2"), graph))
                .containsExactly("$on-nothing", "$on-q", "$on-p1-early", "$on-p1-late", "$on-p2");
        assertThat(MainlineOrdering.sort(all, Optional.empty(), graph))
                .containsExactly("$on-p2", "$on-p1-early", "$on-q", "$on-nothing", "$on-p1-late");
    }

    /**
     * Bob's topic is checked in a state without bob's membership: the iterative auth checks take it from the
     * topic's own auth events, but not when that membership event was rejected; a membership in the state wins
     * over the auth event.
     */
    @Test
    void iterativeAuthChecksTakeAMissingKeyFromTheEventsOwnAuthEventsUnlessRejected() {
        RoomDag dag = RoomDag.started(RoomVersions.V10);
        dag.add("PB", RoomDag.powerLevels(ALICE, Map.of(ALICE, 100, BOB, 50)), "START");
        dag.add("T", RoomDag.topic(BOB, "by bob"), "PB");
        dag.add("BAN", Events.member(ALICE, BOB, "ban"), "PB");
        StateKey bob = new StateKey("m.room.member", BOB);
        Map<StateKey, String> withoutBob = new HashMap<>(dag.state("PB"));
        withoutBob.remove(bob);
        Map<StateKey, String> bobBanned = new HashMap<>(dag.state("BAN"));

        assertThat(allowed(dag, Optional.empty(), "T", withoutBob)).isTrue();
        assertThat(allowed(dag, Optional.of(dag.id("IMB")), "T", withoutBob)).isFalse();
        assertThat(allowed(dag, Optional.empty(), "T", bobBanned)).isFalse();
    }

    private static boolean allowed(RoomDag dag, Optional<String> rejected, String name, Map<StateKey, String> state) {
        EventGraph source = eventId -> dag.event(eventId).map(event -> rejected.equals(Optional.of(eventId))
                ? new GraphEvent(eventId, event.pdu(), true)
                : event);
        AuthGraph graph = new AuthGraph(source);
        IterativeAuthChecks checks = new IterativeAuthChecks(graph, dag.version(), ServerKeys.none());
        return checks.allowed(graph.node(dag.id(name)), state);
    }

    private void add(String id, String type, String sender, long originServerTs, String... authEvents) {
        ObjectNode event = Events.state(type, sender, "", "{}");
        event.put("origin_server_ts", originServerTs);
        List.of(authEvents).forEach(event.withArray("auth_events")::add);
        events.put(id, GraphEvent.accepted(id, event));
    }

    private ObjectNode levels(String user, int level, String other, int otherLevel) {
        ObjectNode event = Events.state("m.room.power_levels", user, "", "{'users': {'" + user + "': " + level + ", '"
                + other + "': " + otherLevel + "}}");
        event.put("origin_server_ts", 1);
        event.withArray("auth_events").add("$create");
        return event;
    }
}
