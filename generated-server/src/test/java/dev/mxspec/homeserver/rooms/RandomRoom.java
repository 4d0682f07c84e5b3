package dev.mxspec.homeserver.rooms;

import static dev.mxspec.homeserver.rooms.Room.ALICE;
import static dev.mxspec.homeserver.rooms.Room.BOB;
import static dev.mxspec.homeserver.rooms.Room.CAROL;
import static dev.mxspec.homeserver.rooms.Room.MOD;
import static dev.mxspec.homeserver.rooms.RoomDag.EVELYN;
import static dev.mxspec.homeserver.rooms.RoomDag.ZARA;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * Random forks of a room for property tests, from a seed: after {@link RoomDag#started}, events by random users
 * (power levels, memberships, join rules, topics, names, messages) after one to three random recent events, with
 * timestamps that often tie or run backwards. Many are refused by the rules and marked rejected.
 */
public final class RandomRoom {

    public static final List<String> USERS = List.of(ALICE, MOD, BOB, CAROL, ZARA, EVELYN);
    private static final int[] LEVELS = {0, 0, 50, 75, 100};

    private RandomRoom() {}

    static RoomDag grow(RoomVersion version, long seed, int count) {
        Random random = new Random(seed);
        RoomDag dag = RoomDag.started(version);
        List<String> names = new ArrayList<>(List.of("START"));
        for (int i = 0; i < count; i++) {
            String name = "E" + i;
            dag.addAt(100 + random.nextInt(count / 2 + 1), name, event(random, version), prevs(random, names));
            names.add(name);
        }
        return dag;
    }

    /** One event most of the time, sometimes two or three, mostly among the latest eight. */
    private static String[] prevs(Random random, List<String> names) {
        int wanted = random.nextInt(4) == 0 ? 2 + random.nextInt(2) : 1;
        Set<String> prevs = new LinkedHashSet<>();
        for (int i = 0; i < wanted; i++) {
            int window = random.nextInt(5) == 0 ? names.size() : Math.min(8, names.size());
            prevs.add(names.get(names.size() - 1 - random.nextInt(window)));
        }
        return prevs.toArray(String[]::new);
    }

    /**
     * A random event template (no room graph fields): a topic, power levels (alice always at 100), a membership,
     * a join rule, a name or a message, by one of {@link #USERS}.
     */
    public static ObjectNode randomEvent(Random random, RoomVersion version) {
        return event(random, version);
    }

    private static ObjectNode event(Random random, RoomVersion version) {
        String sender = pick(random, USERS);
        int kind = random.nextInt(20);
        if (kind < 5) {
            return RoomDag.topic(sender, "t" + random.nextInt(1000));
        }
        if (kind < 8) {
            Map<String, Integer> users = new TreeMap<>(Map.of(ALICE, 100));
            for (String user : USERS.subList(1, USERS.size())) {
                if (random.nextBoolean()) {
                    users.put(user, LEVELS[random.nextInt(LEVELS.length)]);
                }
            }
            return RoomDag.powerLevels(sender, users);
        }
        if (kind < 14) {
            List<String> memberships = version.has(RoomFeature.KNOCKING)
                    ? List.of("join", "join", "leave", "ban", "invite", "knock")
                    : List.of("join", "join", "leave", "ban", "invite");
            String membership = pick(random, memberships);
            String target = membership.equals("join") || random.nextInt(3) == 0 ? sender : pick(random, USERS);
            return Events.member(sender, target, membership);
        }
        if (kind < 16) {
            String rule = pick(random, version.has(RoomFeature.KNOCKING)
                    ? List.of("public", "invite", "knock")
                    : List.of("public", "invite"));
            return Events.state("m.room.join_rules", sender, "", "{'join_rule': '" + rule + "'}");
        }
        if (kind < 18) {
            return Events.state("m.room.name", sender, "", "{'name': 'n" + random.nextInt(1000) + "'}");
        }
        return Events.message(sender);
    }

    private static <T> T pick(Random random, List<T> values) {
        return values.get(random.nextInt(values.size()));
    }
}
