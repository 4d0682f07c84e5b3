package dev.mxspec.homeserver.rooms;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mxspec.homeserver.crypto.ServerKeys;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Properties of state resolution over {@link RandomRoom}s: 150 random rooms of 40 events for state resolution v2
 * (the seed picks the room version, 2 to 10) and 75 for version 1. Each event was checked on receipt, so the
 * rooms mix accepted and rejected events, and forks whose resolutions conflict.
 */
class StateResolutionPropertiesTest {

    private static final int EVENTS = 40;
    private static final List<RoomVersion> V2_VERSIONS = RoomVersions.supported().stream()
            .filter(v -> v.stateResolution() == StateResolution.V2).toList();

    static Stream<Arguments> rooms() {
        return Stream.concat(v2Rooms(), LongStream.range(1000, 1075).mapToObj(seed -> room(seed, RoomVersions.V1)));
    }

    static Stream<Arguments> v2Rooms() {
        return LongStream.range(0, 150).mapToObj(seed -> room(seed, V2_VERSIONS.get((int) seed % V2_VERSIONS.size())));
    }

    private static Arguments room(long seed, RoomVersion version) {
        return Arguments.of(seed, Named.of("room version " + version.id(), RandomRoom.grow(version, seed, EVENTS)));
    }

    /** The rooms are what the properties need: both accepted and rejected events, and conflicts to resolve. */
    @ParameterizedTest(name = "seed {0}, {1}")
    @MethodSource("rooms")
    void randomRoomsHoldAcceptedAndRejectedEventsAndConflicts(long seed, RoomDag dag) {
        long rejected = dag.events().stream().filter(GraphEvent::rejected).count();

        assertThat(rejected).isBetween(5L, EVENTS - 5L);
        assertThat(extremities(dag)).hasSizeGreaterThan(1);
    }

    /**
     * The resolution of three states after random events is the same in every order of the states, and with one of
     * them twice.
     */
    @ParameterizedTest(name = "seed {0}, {1}")
    @MethodSource("rooms")
    void theResultDoesNotDependOnTheOrderOfTheStateSets(long seed, RoomDag dag) {
        Random random = new Random(seed);
        for (int round = 0; round < 5; round++) {
            List<Map<StateKey, String>> states = randomStates(dag, random, 3);
            Map<StateKey, String> expected = resolve(dag, states);
            for (List<Map<StateKey, String>> order : permutations(states)) {
                assertThat(resolve(dag, order)).isEqualTo(expected);
            }
            List<Map<StateKey, String>> repeated = new ArrayList<>(states);
            repeated.add(states.get(1));
            assertThat(resolve(dag, repeated)).isEqualTo(expected);
        }
    }

    /**
     * A second server receives the same events in another order that still respects their prev events, and
     * resolves the states after an event's prev events in a shuffled order. It rejects the same events, finds the
     * same state after every event, and the same current state (the resolution of the states after the events
     * that nothing follows).
     */
    @ParameterizedTest(name = "seed {0}, {1}")
    @MethodSource("rooms")
    void twoServersReceivingTheEventsInDifferentOrdersAgree(long seed, RoomDag dag) {
        Random random = new Random(seed);
        RoomDag replica = new RoomDag(dag.version(), Optional.of(random));
        for (GraphEvent event : shuffledTopologically(dag.events(), random)) {
            replica.receive(event.eventId(), event.pdu().deepCopy());
        }

        for (GraphEvent event : dag.events()) {
            assertThat(replica.event(event.eventId()).orElseThrow().rejected()).isEqualTo(event.rejected());
            assertThat(replica.stateAfterId(event.eventId())).isEqualTo(dag.stateAfterId(event.eventId()));
        }
        List<Map<StateKey, String>> current = extremities(dag).stream().map(dag::stateAfterId).toList();
        List<Map<StateKey, String>> reversed = new ArrayList<>(current);
        Collections.reverse(reversed);
        assertThat(resolve(replica, reversed)).isEqualTo(resolve(dag, current));
    }

    /**
     * Every entry of a resolved state is an accepted event under its own type and state key, and (from version 2)
     * every entry of the unconflicted state map is in it.
     */
    @ParameterizedTest(name = "seed {0}, {1}")
    @MethodSource("rooms")
    void aResolvedStateHoldsAcceptedEventsUnderTheirOwnKeysAndTheUnconflictedStateMap(long seed, RoomDag dag) {
        forRandomStateSets(seed, dag, states -> {
            Map<StateKey, String> resolved = resolve(dag, states);
            resolved.forEach((key, eventId) -> {
                GraphEvent event = dag.event(eventId).orElseThrow();
                PduView pdu = new PduView(event.pdu());
                assertThat(event.rejected()).isFalse();
                assertThat(new StateKey(pdu.type(), pdu.stateKey().orElseThrow())).isEqualTo(key);
            });
            Map<StateKey, String> unconflicted = dag.version().stateResolution() == StateResolution.V2
                    ? ConflictedState.of(states).unconflicted()
                    : Map.of();
            assertThat(resolved).containsAllEntriesOf(unconflicted);
        });
    }

    /**
     * The auth difference, computed without walking shared auth chains once per state set, is the definition's:
     * the union of each state set's events and their auth chains, less the intersection.
     */
    @ParameterizedTest(name = "seed {0}, {1}")
    @MethodSource("v2Rooms")
    void theAuthDifferenceIsTheUnionOfTheFullAuthChainsLessTheirIntersection(long seed, RoomDag dag) {
        forRandomStateSets(seed, dag, states -> {
            Set<String> union = new HashSet<>();
            Set<String> intersection = null;
            for (Map<StateKey, String> state : states) {
                Set<String> chain = fullAuthChain(dag, state.values());
                union.addAll(chain);
                if (intersection == null) {
                    intersection = new HashSet<>(chain);
                } else {
                    intersection.retainAll(chain);
                }
            }
            union.removeAll(intersection);
            AuthGraph graph = new AuthGraph(dag);
            StateResolutionV2 resolution = new StateResolutionV2(graph,
                    new IterativeAuthChecks(graph, dag.version(), ServerKeys.none()));

            assertThat(resolution.authDifference(states, ConflictedState.of(states))).isEqualTo(union);
        });
    }

    /** Ten times, the states after two or three random events of the room. */
    private static void forRandomStateSets(long seed, RoomDag dag, Consumer<List<Map<StateKey, String>>> check) {
        Random random = new Random(seed);
        for (int round = 0; round < 10; round++) {
            check.accept(randomStates(dag, random, 2 + random.nextInt(2)));
        }
    }

    private static Map<StateKey, String> resolve(RoomDag dag, List<Map<StateKey, String>> states) {
        return StateResolver.resolve(dag.version(), states, dag, ServerKeys.none());
    }

    private static List<Map<StateKey, String>> randomStates(RoomDag dag, Random random, int count) {
        List<GraphEvent> events = dag.events();
        List<Map<StateKey, String>> states = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            states.add(dag.stateAfterId(events.get(events.size() - 1 - random.nextInt(EVENTS)).eventId()));
        }
        return states;
    }

    /** The events no other event names as a prev event. */
    private static List<String> extremities(RoomDag dag) {
        Set<String> referenced = new HashSet<>();
        dag.events().forEach(event -> referenced.addAll(new PduView(event.pdu()).prevEventIds()));
        return dag.events().stream().map(GraphEvent::eventId).filter(id -> !referenced.contains(id)).toList();
    }

    /** The events in a random order in which each comes after its prev events. */
    private static List<GraphEvent> shuffledTopologically(List<GraphEvent> events, Random random) {
        List<GraphEvent> pending = new ArrayList<>(events);
        Set<String> received = new HashSet<>();
        List<GraphEvent> order = new ArrayList<>();
        while (!pending.isEmpty()) {
            List<GraphEvent> ready = pending.stream()
                    .filter(event -> received.containsAll(new PduView(event.pdu()).prevEventIds())).toList();
            GraphEvent next = ready.get(random.nextInt(ready.size()));
            pending.remove(next);
            received.add(next.eventId());
            order.add(next);
        }
        return order;
    }

    /** The events and everything reachable from them through auth events, by a plain walk. */
    private static Set<String> fullAuthChain(RoomDag dag, Iterable<String> eventIds) {
        Set<String> chain = new HashSet<>();
        Deque<String> pending = new ArrayDeque<>();
        eventIds.forEach(pending::add);
        while (!pending.isEmpty()) {
            String eventId = pending.pop();
            if (chain.add(eventId)) {
                pending.addAll(new PduView(dag.event(eventId).orElseThrow().pdu()).authEventIds());
            }
        }
        return chain;
    }

    private static <T> List<List<T>> permutations(List<T> items) {
        if (items.size() <= 1) {
            return List.of(items);
        }
        List<List<T>> all = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            List<T> rest = new ArrayList<>(items);
            T first = rest.remove(i);
            for (List<T> tail : permutations(rest)) {
                List<T> permutation = new ArrayList<>(List.of(first));
                permutation.addAll(tail);
                all.add(permutation);
            }
        }
        return all;
    }
}
