package dev.mxspec.homeserver.storage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.rooms.StateKey;
import dev.mxspec.homeserver.services.StateGroups;
import dev.mxspec.homeserver.storage.Records.StateGroup;
import dev.mxspec.runtime.json.MatrixJson;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Fills in the room graph (made by V8) for the events a database already holds. Releases before it sent only
 * local events, each following the room's previous one: per room in stream order, each event gets its edges from
 * its JSON, the state group before it and after it (a state event's own group derived from the one before), and
 * the room's last event becomes its forward extremity.
 */
public final class V9__RoomGraphOfExistingEvents extends BaseJavaMigration {

    private record Row(long pos, String eventId, Optional<String> type, Optional<String> stateKey, String json) {}

    @Override
    public void migrate(Context context) throws Exception {
        Connection c = context.getConnection();
        List<String> rooms = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT room_id FROM rooms ORDER BY room_id"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rooms.add(rs.getString(1));
            }
        }
        long lastId = 0;
        try (PreparedStatement ps = c.prepareStatement("SELECT MAX(group_id) FROM state_groups"); ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
                lastId = rs.getLong(1);
            }
        }
        Map<Long, StateGroup> made = new HashMap<>();
        StateGroups groups = new StateGroups(lastId, id -> Optional.ofNullable(made.get(id)));
        for (String room : rooms) {
            migrateRoom(c, room, groups, made);
        }
    }

    private static void migrateRoom(Connection c, String roomId, StateGroups groups, Map<Long, StateGroup> made) throws Exception {
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT stream_pos, event_id, type, state_key, json FROM events WHERE room_id = ? "
                + "ORDER BY stream_pos")) {
            ps.setString(1, roomId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Row(rs.getLong(1), rs.getString(2), Optional.ofNullable(rs.getString(3)),
                            Optional.ofNullable(rs.getString(4)), rs.getString(5)));
                }
            }
        }
        if (rows.isEmpty()) {
            return;
        }
        List<StateGroup> roomGroups = new ArrayList<>();
        Optional<Long> current = Optional.empty();
        try (PreparedStatement update = c.prepareStatement("UPDATE events SET prev_events = ?, auth_events = ?, state_before = ?, "
                + "state_after = ? WHERE stream_pos = ?")) {
            for (Row row : rows) {
                JsonNode json = MatrixJson.mapper().readTree(row.json());
                Optional<Long> before = current;
                if (row.stateKey().isPresent()) {
                    StateGroup g = groups.derive(roomId, current,
                            Map.of(new StateKey(row.type().orElseThrow(), row.stateKey().get()), Optional.of(row.eventId())));
                    made.put(g.groupId(), g);
                    roomGroups.add(g);
                    current = Optional.of(g.groupId());
                }
                update.setString(1, JdbcGraphStore.ids(ids(json.path("prev_events"))));
                update.setString(2, JdbcGraphStore.ids(ids(json.path("auth_events"))));
                setGroup(update, 3, before);
                setGroup(update, 4, current);
                update.setLong(5, row.pos());
                update.addBatch();
            }
            update.executeBatch();
        }
        JdbcGraphStore.insertGroups(c, roomGroups);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO forward_extremities (room_id, event_id) VALUES (?, ?)")) {
            ps.setString(1, roomId);
            ps.setString(2, GraphStore.LATEST); // the room's last event
            ps.executeUpdate();
        }
        made.clear();
    }

    private static void setGroup(PreparedStatement ps, int index, Optional<Long> group) throws java.sql.SQLException {
        if (group.isPresent()) {
            ps.setLong(index, group.get());
        } else {
            ps.setNull(index, java.sql.Types.BIGINT);
        }
    }

    private static List<String> ids(JsonNode array) {
        List<String> ids = new ArrayList<>();
        array.forEach(id -> ids.add(id.asText()));
        return ids;
    }
}
