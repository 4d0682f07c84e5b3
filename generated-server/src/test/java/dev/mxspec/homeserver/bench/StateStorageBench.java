package dev.mxspec.homeserver.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.core.ServerConfig;
import dev.mxspec.homeserver.main.Homeserver;
import dev.mxspec.homeserver.services.RoomService;
import dev.mxspec.homeserver.services.RoomService.Draft;
import dev.mxspec.homeserver.services.StateGroups;
import dev.mxspec.runtime.json.MatrixJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;

/**
 * What the room graph stores: a room of {@code members} members (each joins, then sets a display name) and
 * {@code events} messages (SQLite, through the room service, no HTTP), then the state group rows and bytes, what a
 * copy of the state per state event and per event would hold, the time to read the room's latest state from
 * storage with an empty cache, and the events per second. Arguments: {@code [members] [events]}, 1,000 and 100,000
 * by default; {@code 10000 0} shows the layout on 10,000 joins.
 */
public final class StateStorageBench {

    private StateStorageBench() {}

    public static void main(String[] args) throws Exception {
        int members = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
        int messages = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        Path dir = Files.createTempDirectory("mxspec-storage-bench");
        ServerConfig config = new ServerConfig("bench.local", "127.0.0.1", 0, dir.resolve("data").toString(), "sqlite", Optional.empty(),
                false, 0, 0);
        String roomId;
        long stateEvents;
        long t0 = System.nanoTime();
        try (Homeserver server = Homeserver.start(config)) {
            RoomService rooms = server.rooms();
            String admin = "@admin:bench.local";
            roomId = rooms.create(admin, "10", List.of(
                    Draft.state("m.room.create", "", MatrixJson.mapper().createObjectNode().put("creator", admin)),
                    Draft.state("m.room.member", admin, MatrixJson.mapper().createObjectNode().put("membership", "join")),
                    Draft.state("m.room.join_rules", "", MatrixJson.mapper().createObjectNode().put("join_rule", "public"))), false);
            for (int i = 0; i < members; i++) {
                String user = "@user" + i + ":bench.local";
                rooms.send(user, Optional.empty(), roomId, Draft.state("m.room.member", user,
                        MatrixJson.mapper().createObjectNode().put("membership", "join")), Optional.empty());
                rooms.send(user, Optional.empty(), roomId, Draft.state("m.room.member", user,
                        MatrixJson.mapper().createObjectNode().put("membership", "join").put("displayname", "User " + i)), Optional.empty());
            }
            long joined = System.nanoTime();
            for (int i = 0; i < messages; i++) {
                String user = "@user" + (i % Math.max(1, members)) + ":bench.local";
                ObjectNode content = MatrixJson.mapper().createObjectNode().put("msgtype", "m.text").put("body", "line " + i);
                rooms.send(members == 0 ? admin : user, Optional.empty(), roomId, Draft.message("m.room.message", content), Optional.empty());
            }
            long sent = System.nanoTime();
            System.out.printf("storage: %d members joined and renamed in %.1f s; %d messages in %.1f s (%.0f events/s)%n", members,
                    (joined - t0) / 1e9, messages, (sent - joined) / 1e9, messages / Math.max(1e-9, (sent - joined) / 1e9));
            stateEvents = 3 + 2L * members;
            long group = server.storage().graphRow(server.storage().forwardExtremities(roomId).getFirst()).orElseThrow().stateAfter()
                    .orElseThrow();
            for (int i = 0; i < 3; i++) {
                long r0 = System.nanoTime();
                int size = new StateGroups(server.storage()).state(group).size();
                System.out.printf("storage: the latest state (%d entries) read from storage with an empty cache in %.1f ms%n", size,
                        (System.nanoTime() - r0) / 1e6);
            }
        }
        Path db = dir.resolve("data/homeserver.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            long groups = one(st, "SELECT COUNT(*) FROM state_groups");
            long rows = one(st, "SELECT COUNT(*) FROM state_group_deltas");
            long bytes = one(st, "SELECT SUM(LENGTH(type) + LENGTH(state_key) + LENGTH(event_id) + 8) FROM state_group_deltas");
            long maxLevel = one(st, "SELECT MAX(level) FROM state_groups");
            long events = one(st, "SELECT COUNT(*) FROM events");
            long stateSize = one(st, "SELECT COUNT(*) FROM current_state");
            // a copy of the state per state event: the state grows by one member per join, then stays
            long perGroupCopy = 0;
            long size = 0;
            for (long i = 0; i < stateEvents; i++) {
                if (i < 3 || (i - 3) % 2 == 0) {
                    size++;
                }
                perGroupCopy += size;
            }
            System.out.printf("storage: %d events, %d state events, current state %d entries%n", events, stateEvents, stateSize);
            System.out.printf("storage: %d state groups (highest level %d), %d delta rows, %.1f MB of keys and IDs; "
                    + "%.1f rows per state event%n", groups, maxLevel, rows, bytes / 1e6, rows / (double) groups);
            System.out.printf("storage: a copy of the state per state event would be %,d rows; per event %,d rows%n", perGroupCopy,
                    events * stateSize);
            System.out.printf("storage: database file %.1f MB%n", Files.size(db) / 1e6);
        }
    }

    private static long one(Statement st, String sql) throws Exception {
        try (ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }
}
