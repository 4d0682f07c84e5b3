package dev.mxspec.homeserver.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.crypto.ServerKeys;
import dev.mxspec.homeserver.rooms.AuthEvents;
import dev.mxspec.homeserver.rooms.AuthRules;
import dev.mxspec.homeserver.rooms.AuthState;
import dev.mxspec.homeserver.rooms.EventIds;
import dev.mxspec.homeserver.rooms.EventGraph;
import dev.mxspec.homeserver.rooms.GraphEvent;
import dev.mxspec.homeserver.rooms.RoomVersion;
import dev.mxspec.homeserver.rooms.RoomVersions;
import dev.mxspec.homeserver.rooms.StateKey;
import dev.mxspec.homeserver.rooms.StateResolver;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * State resolution of two forks of a room of 10,000 members (room version 10), 50 state events on each side:
 * on one, the admin changes power levels, kicks members, sets topics and names; on the other, a moderator
 * changes power levels, bans members and sets topics while members leave or change their display names. Every
 * event is allowed where it was sent. Prints the time of the first resolution (cold), and the median, fastest
 * and slowest of 30 resolutions after 20 warm-up ones. Run with
 * {@code mvn -P bench -pl generated-server verify -Dbench.args=stateres}.
 */
public final class StateResolutionBench {

    private static final RoomVersion VERSION = RoomVersions.V10;
    private static final String ROOM = "!big:hs1";
    private static final String ADMIN = "@admin:hs1";
    private static final String MOD = "@mod:hs1";
    private static final int MEMBERS = 10_000;
    private static final int EACH_SIDE = 50;
    private static final int WARM_UP = 20;
    private static final int MEASURED = 30;

    private final Map<String, GraphEvent> events = new HashMap<>();
    private long clock = 1_000;

    private StateResolutionBench() {}

    public static void main(String[] args) {
        StateResolutionBench room = new StateResolutionBench();
        Branch main = room.membersRoom();
        Branch admin = main.fork();
        Branch moderator = main.fork();
        room.adminSide(admin);
        room.moderatorSide(moderator);
        List<Map<StateKey, String>> forks = List.of(admin.state, moderator.state);
        EventGraph graph = eventId -> Optional.ofNullable(room.events.get(eventId));
        long differing = admin.state.keySet().stream()
                .filter(key -> !admin.state.get(key).equals(moderator.state.get(key))).count();
        System.out.printf("state resolution: %d events, states of %d and %d entries, %d keys differ, "
                + "%d state events after the fork%n", room.events.size(), admin.state.size(), moderator.state.size(),
                differing, 2 * EACH_SIDE);

        long first = System.nanoTime();
        Map<StateKey, String> resolved = StateResolver.resolve(VERSION, forks, graph, ServerKeys.none());
        first = System.nanoTime() - first;
        for (int i = 1; i < WARM_UP; i++) {
            resolved = StateResolver.resolve(VERSION, forks, graph, ServerKeys.none());
        }
        long[] nanos = new long[MEASURED];
        for (int i = 0; i < MEASURED; i++) {
            long start = System.nanoTime();
            resolved = StateResolver.resolve(VERSION, forks, graph, ServerKeys.none());
            nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        System.out.printf("resolved state of %d entries; first (cold) %.1f ms; median %.1f ms, fastest %.1f ms, "
                + "slowest %.1f ms (%d runs after %d warm-up)%n", resolved.size(), first / 1e6,
                nanos[MEASURED / 2] / 1e6, nanos[0] / 1e6, nanos[MEASURED - 1] / 1e6, MEASURED, WARM_UP);
    }

    /** Created by the admin, public, the moderator at 50, then 10,000 members joined one after the other. */
    private Branch membersRoom() {
        Branch main = new Branch(new HashMap<>(), null, 0);
        ObjectNode create = content("creator", ADMIN);
        create.put("room_version", VERSION.id());
        send(main, "m.room.create", ADMIN, "", create);
        send(main, "m.room.member", ADMIN, ADMIN, content("membership", "join"));
        send(main, "m.room.power_levels", ADMIN, "", levels(Map.of(ADMIN, 100, MOD, 50)));
        send(main, "m.room.join_rules", ADMIN, "", content("join_rule", "public"));
        send(main, "m.room.member", MOD, MOD, content("membership", "join"));
        for (int i = 0; i < MEMBERS; i++) {
            send(main, "m.room.member", member(i), member(i), content("membership", "join"));
        }
        return main;
    }

    private void adminSide(Branch branch) {
        for (int i = 0; i < EACH_SIDE; i++) {
            switch (i % 5) {
                case 0 -> send(branch, "m.room.power_levels", ADMIN, "",
                        levels(Map.of(ADMIN, 100, MOD, 50, member(i), 40)));
                case 1, 2 -> send(branch, "m.room.member", ADMIN, member(i), content("membership", "leave"));
                case 3 -> send(branch, "m.room.topic", ADMIN, "", content("topic", "admin's topic " + i));
                default -> send(branch, "m.room.name", ADMIN, "", content("name", "admin's name " + i));
            }
        }
    }

    private void moderatorSide(Branch branch) {
        for (int i = 0; i < EACH_SIDE; i++) {
            switch (i % 5) {
                case 0 -> send(branch, "m.room.power_levels", MOD, "",
                        levels(Map.of(ADMIN, 100, MOD, 50, member(i + 1), 25)));
                case 1 -> send(branch, "m.room.member", MOD, member(i), content("membership", "ban"));
                case 2 -> send(branch, "m.room.member", member(i), member(i), content("membership", "leave"));
                case 3 -> send(branch, "m.room.topic", MOD, "", content("topic", "mod's topic " + i));
                default -> {
                    ObjectNode renamed = content("membership", "join");
                    renamed.put("displayname", "member " + i);
                    send(branch, "m.room.member", member(i), member(i), renamed);
                }
            }
        }
    }

    /** A state event after the branch's last event, citing its auth events selection; it must be allowed. */
    private void send(Branch branch, String type, String sender, String stateKey, ObjectNode content) {
        ObjectNode event = JsonNodeFactory.instance.objectNode();
        event.put("room_id", ROOM);
        event.put("type", type);
        event.put("sender", sender);
        event.put("state_key", stateKey);
        event.set("content", content);
        event.put("origin_server_ts", clock++);
        event.put("depth", branch.depth + 1);
        event.putArray("prev_events").addAll(branch.last == null
                ? List.of()
                : List.of(JsonNodeFactory.instance.textNode(branch.last)));
        List<ObjectNode> authEvents = new ArrayList<>();
        ArrayNode authIds = event.putArray("auth_events");
        for (StateKey key : AuthEvents.selection(event, VERSION)) {
            String authId = branch.state.get(key);
            if (authId != null) {
                authIds.add(authId);
                authEvents.add(events.get(authId).pdu());
            }
        }
        if (!AuthRules.check(event, AuthState.of(authEvents, ServerKeys.none()), VERSION).isAllowed()) {
            throw new IllegalStateException("not allowed: " + event);
        }
        String eventId = type.equals("m.room.create")
                ? EventIds.referenceId(event, VERSION)
                : "$" + (events.size() + 1) + ":hs1";
        events.put(eventId, GraphEvent.accepted(eventId, event));
        branch.state.put(new StateKey(type, stateKey), eventId);
        branch.last = eventId;
        branch.depth++;
    }

    private static String member(int i) {
        return "@user" + i + ":hs1";
    }

    private static ObjectNode content(String key, String value) {
        ObjectNode content = JsonNodeFactory.instance.objectNode();
        content.put(key, value);
        return content;
    }

    private static ObjectNode levels(Map<String, Integer> users) {
        ObjectNode content = JsonNodeFactory.instance.objectNode();
        ObjectNode levels = content.putObject("users");
        users.forEach(levels::put);
        return content;
    }

    /** A line of events: its state, last event and depth. */
    private static final class Branch {

        final Map<StateKey, String> state;
        String last;
        long depth;

        Branch(Map<StateKey, String> state, String last, long depth) {
            this.state = state;
            this.last = last;
            this.depth = depth;
        }

        Branch fork() {
            return new Branch(new HashMap<>(state), last, depth);
        }
    }
}
