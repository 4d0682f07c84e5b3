package dev.mxspec.homeserver.storage;

import dev.mxspec.homeserver.storage.Records.Membership;
import dev.mxspec.homeserver.storage.Records.Relation;
import dev.mxspec.homeserver.storage.Records.Room;
import dev.mxspec.homeserver.storage.Records.StoredEvent;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The SQL of {@link RoomStore} (portable: SQLite and PostgreSQL), mixed into {@link JdbcStorage}. */
interface JdbcRoomStore extends RoomStore {

    Jdbc jdbc();

    private static Room room(ResultSet rs) throws SQLException {
        return new Room(rs.getString("room_id"), rs.getString("room_version"), rs.getString("creator"), rs.getInt("published") != 0,
                rs.getLong("created_ts"));
    }

    @Override
    default void createRoom(Room r) {
        jdbc().update("INSERT INTO rooms (room_id, room_version, creator, published, created_ts) VALUES (?, ?, ?, ?, ?)",
                r.roomId(), r.roomVersion(), r.creator(), r.published(), r.createdTs());
    }

    @Override
    default Optional<Room> room(String roomId) {
        return jdbc().one("SELECT * FROM rooms WHERE room_id = ?", JdbcRoomStore::room, roomId);
    }

    @Override
    default List<Room> publishedRooms() {
        return jdbc().query("SELECT * FROM rooms WHERE published = 1 ORDER BY created_ts", JdbcRoomStore::room);
    }

    @Override
    default void setPublished(String roomId, boolean published) {
        jdbc().update("UPDATE rooms SET published = ? WHERE room_id = ?", published, roomId);
    }

    static StoredEvent event(ResultSet rs) throws SQLException {
        Optional<String> txnDevice = Jdbc.optString(rs, "txn_device");
        Optional<String> txnId = Jdbc.optString(rs, "txn_id");
        return new StoredEvent(rs.getLong("stream_pos"), rs.getString("event_id"), rs.getString("room_id"), rs.getString("type"),
                Jdbc.optString(rs, "state_key"), rs.getString("sender"), rs.getLong("origin_server_ts"), rs.getLong("depth"),
                rs.getString("json"), Jdbc.optString(rs, "redacted_by"),
                txnDevice.isPresent() && txnId.isPresent() ? Optional.of(new Records.Txn(txnDevice.get(), txnId.get())) : Optional.empty());
    }

    @Override
    default boolean persistEvent(StoredEvent e, Records.GraphWrite g, Optional<Relation> relation, List<Records.PushAction> actions,
            List<NotificationStore.ReadMark> reads) {
        return jdbc().commitIf(c -> {
            if (e.txn().isPresent() && Jdbc.update(c, "INSERT INTO event_txns (user_id, device_id, txn_id, event_id) VALUES (?, ?, ?, ?) "
                    + "ON CONFLICT (user_id, device_id, txn_id) DO NOTHING", e.sender(), e.txn().get().deviceId(), e.txn().get().txnId(),
                    e.eventId()) == 0) {
                return false;
            }
            // an event held as an outlier takes its place in the graph and the timeline when it is received there
            int written = Jdbc.update(c, "INSERT INTO events (stream_pos, event_id, room_id, type, state_key, sender, origin_server_ts, depth, json, "
                    + "txn_device, txn_id, prev_events, auth_events, status, state_before, state_after) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO UPDATE SET stream_pos = excluded.stream_pos, "
                    + "prev_events = excluded.prev_events, auth_events = excluded.auth_events, status = excluded.status, "
                    + "state_before = excluded.state_before, state_after = excluded.state_after WHERE events.status = 'outlier'", e.streamPos(), e.eventId(), e.roomId(), e.type(),
                    e.stateKey(), e.sender(), e.originServerTs(), e.depth(), e.json(), e.txn().map(Records.Txn::deviceId),
                    e.txn().map(Records.Txn::txnId), JdbcGraphStore.ids(g.prevEvents()), JdbcGraphStore.ids(g.authEvents()),
                    g.status().map(Records.EventStatus::column), g.stateBefore(), g.stateAfter());
            if (written == 0) {
                throw new SQLException("event " + e.eventId() + " is stored already");
            }
            JdbcGraphStore.insertGroups(c, g.newGroups());
            JdbcSearchStore.index(c, e, g.status());
            writeExtremities(c, e.roomId(), g);
            for (Map.Entry<List<String>, Optional<String>> change : g.currentState().entrySet()) {
                List<String> key = change.getKey();
                if (change.getValue().isPresent()) {
                    Jdbc.update(c, "INSERT INTO current_state (room_id, type, state_key, event_id) VALUES (?, ?, ?, ?) "
                            + "ON CONFLICT (room_id, type, state_key) DO UPDATE SET event_id = excluded.event_id",
                            e.roomId(), key.get(0), key.get(1), change.getValue().get());
                } else {
                    Jdbc.update(c, "DELETE FROM current_state WHERE room_id = ? AND type = ? AND state_key = ?", e.roomId(), key.get(0),
                            key.get(1));
                    if (key.get(0).equals("m.room.member")) {
                        Jdbc.update(c, "DELETE FROM memberships WHERE room_id = ? AND user_id = ?", e.roomId(), key.get(1));
                    }
                }
            }
            for (Membership m : g.memberships()) {
                Jdbc.update(c, "INSERT INTO memberships (room_id, user_id, membership, event_id, stream_pos) VALUES (?, ?, ?, ?, ?) "
                        + "ON CONFLICT (room_id, user_id) DO UPDATE SET membership = excluded.membership, event_id = excluded.event_id, "
                        + "stream_pos = excluded.stream_pos", m.roomId(), m.userId(), m.membership(), m.eventId(), m.streamPos());
            }
            if (relation.isPresent()) {
                JdbcRelationStore.insert(c, relation.get());
            }
            JdbcNotificationStore.insert(c, actions);
            for (NotificationStore.ReadMark read : reads) {
                JdbcNotificationStore.markRead(c, read);
            }
            return true;
        });
    }

    /** The forward and backward extremities an event changes: nothing to write for an event that follows a line. */
    private static void writeExtremities(java.sql.Connection c, String roomId, Records.GraphWrite g) throws SQLException {
        for (String id : g.extremityRowsDeleted()) {
            Jdbc.update(c, "DELETE FROM forward_extremities WHERE room_id = ? AND event_id = ?", roomId, id);
        }
        for (String id : g.extremityRowsInserted()) {
            Jdbc.update(c, "INSERT INTO forward_extremities (room_id, event_id) VALUES (?, ?) ON CONFLICT (room_id, event_id) DO NOTHING",
                    roomId, id);
        }
        for (String id : g.backwardRemoved()) {
            Jdbc.update(c, "DELETE FROM backward_extremities WHERE room_id = ? AND event_id = ?", roomId, id);
        }
        for (String id : g.backwardAdded()) {
            Jdbc.update(c, "INSERT INTO backward_extremities (room_id, event_id) VALUES (?, ?) ON CONFLICT (room_id, event_id) DO NOTHING",
                    roomId, id);
        }
    }

    @Override
    default Optional<StoredEvent> event(String eventId) {
        return jdbc().one("SELECT * FROM events WHERE event_id = ?", JdbcRoomStore::event, eventId);
    }

    @Override
    default List<StoredEvent> roomEvents(String roomId, long after, long upTo, int limit, boolean backwards) {
        if (after >= 0) {
            return jdbc().query("SELECT * FROM events WHERE room_id = ? AND stream_pos > ? AND stream_pos <= ? ORDER BY stream_pos "
                    + (backwards ? "DESC" : "ASC") + " LIMIT ?", JdbcRoomStore::event, roomId, after, upTo, limit);
        }
        // below 0: backfilled events (accepted, negative positions) beside the events kept outside the timeline
        return jdbc().query("SELECT * FROM events WHERE room_id = ? AND stream_pos > ? AND stream_pos <= ? "
                + "AND (stream_pos > 0 OR status IS NULL) ORDER BY stream_pos " + (backwards ? "DESC" : "ASC") + " LIMIT ?",
                JdbcRoomStore::event, roomId, after, upTo, limit);
    }

    @Override
    default List<StoredEvent> eventsNearTime(String roomId, long ts, boolean forward, int limit) {
        return jdbc().query("SELECT * FROM events WHERE room_id = ? AND stream_pos > 0 AND origin_server_ts " + (forward ? ">=" : "<=")
                + " ? ORDER BY origin_server_ts " + (forward ? "ASC" : "DESC") + ", stream_pos " + (forward ? "ASC" : "DESC") + " LIMIT ?",
                JdbcRoomStore::event, roomId, ts, limit);
    }

    @Override
    default Map<List<String>, String> currentState(String roomId) {
        Map<List<String>, String> state = new LinkedHashMap<>();
        jdbc().query("SELECT type, state_key, event_id FROM current_state WHERE room_id = ? ORDER BY type, state_key",
                rs -> state.put(List.of(rs.getString(1), rs.getString(2)), rs.getString(3)), roomId);
        return state;
    }

    @Override
    default Optional<String> currentStateEvent(String roomId, String type, String stateKey) {
        return jdbc().one("SELECT event_id FROM current_state WHERE room_id = ? AND type = ? AND state_key = ?", rs -> rs.getString(1),
                roomId, type, stateKey);
    }

    @Override
    default List<StoredEvent> stateEventsOfTypes(String roomId, List<String> types) {
        if (types.isEmpty()) {
            return List.of();
        }
        List<Object> args = new ArrayList<>(List.of(roomId));
        args.addAll(types);
        return jdbc().query("SELECT * FROM events WHERE room_id = ? AND stream_pos > 0 AND state_key IS NOT NULL AND type IN ("
                + String.join(",", Collections.nCopies(types.size(), "?")) + ") ORDER BY stream_pos", JdbcRoomStore::event, args.toArray());
    }

    @Override
    default List<StoredEvent> events(List<String> eventIds) {
        if (eventIds.isEmpty()) {
            return List.of();
        }
        String marks = String.join(",", Collections.nCopies(eventIds.size(), "?"));
        return jdbc().query("SELECT * FROM events WHERE event_id IN (" + marks + ") ORDER BY stream_pos", JdbcRoomStore::event,
                eventIds.toArray());
    }

    @Override
    default void markRedacted(String eventId, String redactedBy, String redactedJson) {
        jdbc().transaction(c -> {
            Jdbc.update(c, "UPDATE events SET redacted_by = ?, json = ? WHERE event_id = ?", redactedBy, redactedJson, eventId);
            JdbcSearchStore.unindex(c, eventId); // its old text is found no more
            Jdbc.update(c, "DELETE FROM event_relations WHERE event_id = ?", eventId); // a redacted child relates to nothing
            Jdbc.update(c, "DELETE FROM event_notifications WHERE room_id = (SELECT room_id FROM events WHERE event_id = ?) "
                    + "AND stream_pos = (SELECT stream_pos FROM events WHERE event_id = ?)", eventId, eventId); // and notifies nobody
            return null;
        });
    }

    private static Membership membership(ResultSet rs) throws SQLException {
        return new Membership(rs.getString("room_id"), rs.getString("user_id"), rs.getString("membership"), rs.getString("event_id"),
                rs.getLong("stream_pos"));
    }

    @Override
    default List<Membership> membershipsOfUser(String userId) {
        return jdbc().query("SELECT * FROM memberships WHERE user_id = ? ORDER BY stream_pos", JdbcRoomStore::membership, userId);
    }

    @Override
    default List<Membership> membersOfRoom(String roomId) {
        return jdbc().query("SELECT * FROM memberships WHERE room_id = ? ORDER BY user_id", JdbcRoomStore::membership, roomId);
    }

    @Override
    default Optional<String> txnEvent(String userId, String deviceId, String txnId) {
        return jdbc().one("SELECT event_id FROM event_txns WHERE user_id = ? AND device_id = ? AND txn_id = ?", rs -> rs.getString(1),
                userId, deviceId, txnId);
    }

    @Override
    default void saveTxn(String userId, String deviceId, String txnId, String eventId) {
        jdbc().update("INSERT INTO event_txns (user_id, device_id, txn_id, event_id) VALUES (?, ?, ?, ?) "
                + "ON CONFLICT (user_id, device_id, txn_id) DO NOTHING", userId, deviceId, txnId, eventId);
    }
}
