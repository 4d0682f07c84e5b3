package dev.mxspec.homeserver.main;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.crypto.ServerKeys;
import dev.mxspec.homeserver.crypto.SigningKey;
import dev.mxspec.homeserver.rooms.AuthEvents;
import dev.mxspec.homeserver.rooms.AuthRules;
import dev.mxspec.homeserver.rooms.AuthState;
import dev.mxspec.homeserver.rooms.EventIds;
import dev.mxspec.homeserver.rooms.EventSigning;
import dev.mxspec.homeserver.rooms.GraphEvent;
import dev.mxspec.homeserver.rooms.MatrixIds;
import dev.mxspec.homeserver.rooms.PduView;
import dev.mxspec.homeserver.rooms.RandomRoom;
import dev.mxspec.homeserver.rooms.RoomVersion;
import dev.mxspec.homeserver.rooms.RoomVersions;
import dev.mxspec.homeserver.rooms.StateKey;
import dev.mxspec.homeserver.rooms.StateResolver;
import dev.mxspec.homeserver.services.RoomFederation.Received;
import dev.mxspec.homeserver.services.StateGroups;
import dev.mxspec.homeserver.storage.Records.EventStatus;
import dev.mxspec.homeserver.storage.Records.Room;
import dev.mxspec.runtime.json.MatrixJson;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Two homeservers receive the same random room graph of two other servers in different orders: events on
 * branches, many refused by the rules, timestamps that tie or run backwards, and a last event that follows every
 * branch. Both must reject the same events, know the same state after every event (the state the graph defines,
 * computed here independently with the state resolution library), and end with the same current state.
 */
class ReplicaConvergenceTest {

    private static final RoomVersion VERSION = RoomVersions.V10;
    private static final String ROOM = "!replicas:hs1";
    private static final Map<String, SigningKey> SIGNERS = Map.of("hs1", SigningKey.generate("k1"), "hs2", SigningKey.generate("k2"));
    private static final ServerKeys KEYS = ServerKeys.of(Map.of("hs1", List.of(SIGNERS.get("hs1").verifyKey()), "hs2",
            List.of(SIGNERS.get("hs2").verifyKey())));
    private static final String ALICE = RandomRoom.USERS.getFirst();

    @TempDir
    Path dir;

    /** The room graph as the servers that made it know it: each event, whether the rules refuse it, and the state after it. */
    private static final class Dag {
        final Map<String, GraphEvent> events = new LinkedHashMap<>();
        final Map<String, Map<StateKey, String>> after = new HashMap<>();

        Map<StateKey, String> before(List<String> prevs) {
            List<Map<StateKey, String>> states = prevs.stream().map(after::get).toList();
            return StateResolver.resolve(VERSION, states, id -> Optional.ofNullable(events.get(id)), ServerKeys.none());
        }

        /** The event made of {@code template} after {@code prevs}, sealed by its sender's server; not added. */
        ObjectNode make(ObjectNode template, List<String> prevs, long ts) {
            ObjectNode pdu = template.deepCopy();
            pdu.put("room_id", ROOM);
            Map<StateKey, String> before = before(prevs);
            ArrayNode prev = pdu.putArray("prev_events");
            prevs.forEach(prev::add);
            ArrayNode auth = pdu.putArray("auth_events");
            AuthEvents.selection(pdu, VERSION).stream().map(before::get).filter(java.util.Objects::nonNull).forEach(auth::add);
            pdu.put("depth", prevs.stream().mapToLong(p -> events.get(p).pdu().path("depth").asLong()).max().orElse(0) + 1);
            pdu.put("origin_server_ts", ts);
            String server = MatrixIds.serverOf(new PduView(pdu).sender()).orElseThrow();
            pdu.put("origin", server);
            return EventSigning.hashAndSign(pdu, server, SIGNERS.get(server), VERSION);
        }

        boolean refused(ObjectNode pdu) {
            PduView view = new PduView(pdu);
            List<ObjectNode> authEvents = view.authEventIds().stream().map(id -> events.get(id).pdu()).toList();
            boolean authRejected = view.authEventIds().stream().anyMatch(id -> events.get(id).rejected());
            List<ObjectNode> stateEvents = new ArrayList<>();
            Map<StateKey, String> before = before(view.prevEventIds());
            AuthEvents.selection(pdu, VERSION).forEach(k -> Optional.ofNullable(before.get(k)).ifPresent(id -> stateEvents.add(events.get(id).pdu())));
            return authRejected || !AuthEvents.check(pdu, authEvents, VERSION).isAllowed()
                    || !AuthRules.check(pdu, AuthState.of(authEvents, KEYS), VERSION).isAllowed()
                    || !AuthRules.check(pdu, AuthState.of(stateEvents, KEYS), VERSION).isAllowed();
        }

        String add(ObjectNode pdu) {
            String id = EventIds.of(pdu, VERSION).orElseThrow();
            boolean rejected = refused(pdu);
            PduView view = new PduView(pdu);
            Map<StateKey, String> state = new HashMap<>(before(view.prevEventIds()));
            if (!rejected && view.isState()) {
                state.put(new StateKey(view.type(), view.stateKey().get()), id);
            }
            events.put(id, new GraphEvent(id, pdu, rejected));
            after.put(id, Map.copyOf(state));
            return id;
        }

        /** Events no other event follows. */
        List<String> tips() {
            Set<String> followed = new HashSet<>();
            events.values().forEach(e -> followed.addAll(new PduView(e.pdu()).prevEventIds()));
            return events.keySet().stream().filter(id -> !followed.contains(id)).toList();
        }
    }

    private static ObjectNode template(String json) throws Exception {
        return (ObjectNode) MatrixJson.mapper().readTree(json.replace('\'', '"'));
    }

    private static ObjectNode member(String user) throws Exception {
        return template("{'type': 'm.room.member', 'sender': '" + user + "', 'state_key': '" + user + "', 'content': {'membership': 'join'}}");
    }

    /** The room: alice creates it, sets her power and a public join rule, everyone joins; then random events. */
    private static Dag grow(long seed, int count) throws Exception {
        Random random = new Random(seed);
        Dag dag = new Dag();
        List<String> order = new ArrayList<>();
        long[] clock = {1_000};
        java.util.function.BiFunction<ObjectNode, List<String>, String> append = (template, prevs) -> {
            String id = dag.add(dag.make(template, prevs, clock[0]++));
            order.add(id);
            return id;
        };
        String last = append.apply(template("{'type': 'm.room.create', 'sender': '" + ALICE + "', 'state_key': '', 'content': {'creator': '"
                + ALICE + "', 'room_version': '10'}}"), List.of());
        last = append.apply(member(ALICE), List.of(last));
        last = append.apply(template("{'type': 'm.room.power_levels', 'sender': '" + ALICE + "', 'state_key': '', 'content': {'users': {'"
                + ALICE + "': 100}}}"), List.of(last));
        last = append.apply(template("{'type': 'm.room.join_rules', 'sender': '" + ALICE + "', 'state_key': '', "
                + "'content': {'join_rule': 'public'}}"), List.of(last));
        for (String user : RandomRoom.USERS.subList(1, RandomRoom.USERS.size())) {
            last = append.apply(member(user), List.of(last));
        }
        for (int i = 0; i < count; i++) {
            int wanted = random.nextInt(4) == 0 ? 2 + random.nextInt(2) : 1;
            Set<String> prevs = new java.util.LinkedHashSet<>();
            for (int p = 0; p < wanted; p++) {
                int window = random.nextInt(5) == 0 ? order.size() : Math.min(8, order.size());
                prevs.add(order.get(order.size() - 1 - random.nextInt(window)));
            }
            clock[0] = 2_000 + random.nextInt(count / 2 + 1);
            append.apply(RandomRoom.randomEvent(random, VERSION), List.copyOf(prevs));
        }
        // the last event follows every branch, by the first user the rules let speak there
        List<String> tips = dag.tips();
        for (String user : RandomRoom.USERS) {
            ObjectNode merge = dag.make(template("{'type': 'm.room.message', 'sender': '" + user + "', 'content': {'body': 'merge'}}"), tips,
                    9_999);
            if (!dag.refused(merge)) {
                dag.add(merge);
                return dag;
            }
        }
        throw new IllegalStateException("seed " + seed + ": nobody may speak after every branch");
    }

    /** A random order in which every event comes after its prev and auth events. */
    private static List<String> shuffled(Dag dag, long seed) {
        Random random = new Random(seed * 31 + 7);
        List<String> pending = new ArrayList<>(dag.events.keySet());
        Set<String> done = new HashSet<>();
        List<String> order = new ArrayList<>();
        while (!pending.isEmpty()) {
            List<String> ready = pending.stream().filter(id -> {
                PduView v = new PduView(dag.events.get(id).pdu());
                return done.containsAll(v.prevEventIds()) && done.containsAll(v.authEventIds());
            }).toList();
            String next = ready.get(random.nextInt(ready.size()));
            pending.remove(next);
            done.add(next);
            order.add(next);
        }
        return order;
    }

    private Homeserver replica(String backend, String name, Dag dag, List<String> order) throws Exception {
        Homeserver server = TestServers.start(backend, dir.resolve(name), config -> config);
        server.storage().createRoom(new Room(ROOM, VERSION.id(), ALICE, false, 0));
        for (String id : order) {
            Received r = server.rooms().federation().receive(dag.events.get(id).pdu().deepCopy(), KEYS);
            assertThat(r.eventId()).isEqualTo(id);
            assertThat(r.status().equals(Optional.of(EventStatus.REJECTED))).as(name + ": " + id + " " + r.reason())
                    .isEqualTo(dag.events.get(id).rejected());
        }
        return server;
    }

    @ParameterizedTest(name = "seed {0}, second replica on {1}")
    @CsvSource({"1, sqlite", "2, sqlite", "3, postgresql", "4, postgresql"})
    void replicasReceivingTheSameEventsInDifferentOrdersAgreeOnEveryState(long seed, String backend) throws Exception {
        Dag dag = grow(seed, 40);
        long rejected = dag.events.values().stream().filter(GraphEvent::rejected).count();
        assertThat(rejected).as("the graph holds events the rules refuse").isPositive();
        assertThat(dag.events.values().stream().filter(e -> new PduView(e.pdu()).prevEventIds().size() > 1).count())
                .as("and branches that join").isPositive();
        List<String> asMade = List.copyOf(dag.events.keySet());
        String last = asMade.getLast();
        try (Homeserver a = replica("sqlite", "a", dag, asMade); Homeserver b = replica(backend, "b", dag, shuffled(dag, seed))) {
            for (Homeserver server : List.of(a, b)) {
                StateGroups groups = new StateGroups(server.storage());
                for (var row : server.storage().graphRows(List.copyOf(dag.events.keySet()))) {
                    Map<StateKey, String> expected = dag.after.get(row.eventId());
                    assertThat(groups.state(row.stateAfter().orElseThrow())).as("state after " + row.eventId()).isEqualTo(expected);
                }
                assertThat(server.storage().forwardExtremities(ROOM)).containsExactly(last);
                Map<List<String>, String> current = new HashMap<>();
                dag.after.get(last).forEach((k, v) -> current.put(List.of(k.type(), k.stateKey()), v));
                assertThat(server.storage().currentState(ROOM)).isEqualTo(current);
            }
        }
    }
}
