package dev.mxspec.homeserver.storage;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.mxspec.homeserver.rooms.StateKey;
import dev.mxspec.homeserver.storage.Records.EventStatus;
import dev.mxspec.homeserver.storage.Records.GraphRow;
import dev.mxspec.homeserver.storage.Records.StateGroup;
import dev.mxspec.runtime.json.MatrixJson;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The SQL of {@link GraphStore} (portable: SQLite and PostgreSQL), mixed into {@link JdbcStorage}. */
interface JdbcGraphStore extends GraphStore {

    Jdbc jdbc();

    TypeReference<List<String>> IDS = new TypeReference<>() {};

    /** Event IDs as the {@code prev_events} and {@code auth_events} columns hold them. */
    static String ids(List<String> ids) {
        return MatrixJson.write(ids);
    }

    static List<String> ids(String column) {
        if (column == null) {
            return List.of();
        }
        try {
            return MatrixJson.mapper().readValue(column, IDS);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static GraphRow row(ResultSet rs) throws SQLException {
        return new GraphRow(rs.getString("event_id"), rs.getString("room_id"), rs.getLong("stream_pos"), rs.getLong("depth"),
                ids(rs.getString("prev_events")), ids(rs.getString("auth_events")),
                Optional.ofNullable(rs.getString("status")).flatMap(EventStatus::ofColumn), Jdbc.optLong(rs, "state_before"),
                Jdbc.optLong(rs, "state_after"), rs.getString("json"));
    }

    String GRAPH_COLUMNS = "event_id, room_id, stream_pos, depth, prev_events, auth_events, status, state_before, state_after, json";

    @Override
    default Optional<GraphRow> graphRow(String eventId) {
        return jdbc().one("SELECT " + GRAPH_COLUMNS + " FROM events WHERE event_id = ?", JdbcGraphStore::row, eventId);
    }

    @Override
    default List<GraphRow> graphRows(List<String> eventIds) {
        if (eventIds.isEmpty()) {
            return List.of();
        }
        return jdbc().query("SELECT " + GRAPH_COLUMNS + " FROM events WHERE event_id IN (" + marks(eventIds.size()) + ")",
                JdbcGraphStore::row, eventIds.toArray());
    }

    private static String marks(int n) {
        return String.join(",", Collections.nCopies(n, "?"));
    }

    @Override
    default List<String> forwardExtremities(String roomId) {
        List<String> rows = jdbc().query("SELECT event_id FROM forward_extremities WHERE room_id = ? ORDER BY event_id",
                rs -> rs.getString(1), roomId);
        return rows.stream().flatMap(id -> id.equals(LATEST) ? latestTimelineEvent(roomId).stream() : java.util.stream.Stream.of(id))
                .distinct().toList();
    }

    @Override
    default Optional<String> latestTimelineEvent(String roomId) {
        return jdbc().one("SELECT event_id FROM events WHERE room_id = ? AND stream_pos > 0 ORDER BY stream_pos DESC LIMIT 1",
                rs -> rs.getString(1), roomId);
    }

    @Override
    default boolean backwardExtremity(String roomId, String eventId) {
        return jdbc().one("SELECT 1 FROM backward_extremities WHERE room_id = ? AND event_id = ?", rs -> true, roomId, eventId).isPresent();
    }

    @Override
    default List<String> backwardExtremities(String roomId) {
        return jdbc().query("SELECT event_id FROM backward_extremities WHERE room_id = ? ORDER BY event_id", rs -> rs.getString(1), roomId);
    }

    @Override
    default void storeBackfilled(Records.StoredEvent e, Records.GraphWrite g) {
        jdbc().transaction(c -> {
            Jdbc.update(c, "DELETE FROM events WHERE event_id = ? AND status = ?", e.eventId(), EventStatus.OUTLIER.column());
            Jdbc.update(c, "INSERT INTO events (stream_pos, event_id, room_id, type, state_key, sender, origin_server_ts, depth, json, "
                    + "prev_events, auth_events, status, state_before, state_after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    e.streamPos(), e.eventId(), e.roomId(), e.type(), e.stateKey(), e.sender(), e.originServerTs(), e.depth(), e.json(),
                    ids(g.prevEvents()), ids(g.authEvents()), g.status().map(EventStatus::column), g.stateBefore(), g.stateAfter());
            insertGroups(c, g.newGroups());
            JdbcSearchStore.index(c, e, g.status());
            for (String id : g.backwardRemoved()) {
                Jdbc.update(c, "DELETE FROM backward_extremities WHERE room_id = ? AND event_id = ?", e.roomId(), id);
            }
            for (String id : g.backwardAdded()) {
                Jdbc.update(c, "INSERT INTO backward_extremities (room_id, event_id) VALUES (?, ?) ON CONFLICT (room_id, event_id) "
                        + "DO NOTHING", e.roomId(), id);
            }
            return null;
        });
    }

    @Override
    default List<StateGroup> stateGroups(List<Long> groupIds) {
        if (groupIds.isEmpty()) {
            return List.of();
        }
        Map<Long, Map<StateKey, Optional<String>>> deltas = new HashMap<>();
        Object[] args = groupIds.toArray();
        jdbc().query("SELECT group_id, type, state_key, event_id FROM state_group_deltas WHERE group_id IN (" + marks(args.length) + ")",
                rs -> deltas.computeIfAbsent(rs.getLong(1), g -> new LinkedHashMap<>())
                        .put(new StateKey(rs.getString(2), rs.getString(3)), Optional.ofNullable(rs.getString(4))), args);
        return jdbc().query("SELECT group_id, room_id, parent, base, level FROM state_groups WHERE group_id IN ("
                + marks(args.length) + ")",
                rs -> new StateGroup(rs.getLong(1), rs.getString(2), Jdbc.optLong(rs, "parent"), Jdbc.optLong(rs, "base"), rs.getLong(5),
                        Collections.unmodifiableMap(deltas.getOrDefault(rs.getLong(1), Map.of()))), args);
    }

    @Override
    default void saveStateGroups(List<StateGroup> groups) {
        jdbc().transaction(c -> {
            insertGroups(c, groups);
            return null;
        });
    }

    static void insertGroups(Connection c, List<StateGroup> groups) throws SQLException {
        for (StateGroup g : groups) {
            Jdbc.update(c, "INSERT INTO state_groups (group_id, room_id, parent, base, level) VALUES (?, ?, ?, ?, ?)", g.groupId(),
                    g.roomId(), g.parent(), g.base(), g.level());
            for (Map.Entry<StateKey, Optional<String>> d : g.delta().entrySet()) {
                Jdbc.update(c, "INSERT INTO state_group_deltas (group_id, type, state_key, event_id) VALUES (?, ?, ?, ?)", g.groupId(),
                        d.getKey().type(), d.getKey().stateKey(), d.getValue());
            }
        }
    }

    @Override
    default long maxStateGroup() {
        return jdbc().one("SELECT MAX(group_id) FROM state_groups", rs -> rs.getLong(1)).orElse(0L);
    }

    @Override
    default long minStreamPos() {
        return Math.min(0, jdbc().one("SELECT MIN(stream_pos) FROM events", rs -> rs.getLong(1)).orElse(0L));
    }

    @Override
    default Optional<Long> stateGroupAt(String roomId, long position) {
        Optional<Optional<Long>> after = jdbc().one("SELECT state_after FROM events WHERE room_id = ? "
                + "AND (stream_pos > 0 OR status IS NULL) AND stream_pos <= ? ORDER BY stream_pos DESC LIMIT 1", rs -> Jdbc.optLong(rs, "state_after"), roomId, position);
        if (after.isPresent()) {
            return after.get();
        }
        // before the room's first timeline event here: the state before it (a room joined through another server)
        return jdbc().one("SELECT state_before FROM events WHERE room_id = ? AND stream_pos > ? ORDER BY stream_pos LIMIT 1",
                rs -> Jdbc.optLong(rs, "state_before"), roomId, Math.max(position, 0)).flatMap(o -> o);
    }
}
