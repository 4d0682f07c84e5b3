package dev.mxspec.homeserver.storage;

import dev.mxspec.homeserver.storage.Records.Relation;
import dev.mxspec.homeserver.storage.Records.StoredEvent;
import dev.mxspec.homeserver.storage.Records.ThreadRoot;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The SQL of {@link RelationStore} (portable: SQLite and PostgreSQL), mixed into {@link JdbcStorage}. */
interface JdbcRelationStore extends RelationStore {

    Jdbc jdbc();

    /** Writes a relation inside the transaction that stores its event. */
    static void insert(Connection c, Relation r) throws SQLException {
        Jdbc.update(c, "INSERT INTO event_relations (event_id, relates_to, rel_type, room_id, sender, type, aggregation_key, stream_pos) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING", r.eventId(), r.relatesTo(), r.relType(), r.roomId(),
                r.sender(), r.type(), r.key(), r.streamPos());
    }

    private static Relation relation(ResultSet rs) throws SQLException {
        return new Relation(rs.getString("event_id"), rs.getString("relates_to"), rs.getString("rel_type"), rs.getString("room_id"),
                rs.getString("sender"), rs.getString("type"), Jdbc.optString(rs, "aggregation_key"), rs.getLong("stream_pos"));
    }

    @Override
    default Optional<Relation> relationOf(String eventId) {
        return jdbc().one("SELECT * FROM event_relations WHERE event_id = ?", JdbcRelationStore::relation, eventId);
    }

    @Override
    default List<Relation> relationsTo(List<String> parentIds) {
        if (parentIds.isEmpty()) {
            return List.of();
        }
        return jdbc().query("SELECT * FROM event_relations WHERE relates_to IN (" + String.join(",", Collections.nCopies(parentIds.size(), "?"))
                + ") ORDER BY stream_pos", JdbcRelationStore::relation, parentIds.toArray());
    }

    @Override
    default List<StoredEvent> children(String parentId, Optional<String> relType, Optional<String> eventType, long after, long upTo,
            int limit, boolean backwards) {
        List<Object> args = new ArrayList<>(List.of(parentId, after, upTo));
        StringBuilder sql = new StringBuilder("SELECT e.* FROM event_relations r JOIN events e ON e.event_id = r.event_id "
                + "WHERE r.relates_to = ? AND r.stream_pos > ? AND r.stream_pos <= ?");
        relType.ifPresent(t -> {
            sql.append(" AND r.rel_type = ?");
            args.add(t);
        });
        eventType.ifPresent(t -> {
            sql.append(" AND r.type = ?");
            args.add(t);
        });
        sql.append(" ORDER BY r.stream_pos ").append(backwards ? "DESC" : "ASC").append(" LIMIT ?");
        args.add(limit);
        return jdbc().query(sql.toString(), JdbcRoomStore::event, args.toArray());
    }

    @Override
    default List<ThreadRoot> threads(String roomId, Optional<String> participant, long before, int limit) {
        List<Object> args = new ArrayList<>(List.of(roomId));
        String mine = "";
        if (participant.isPresent()) {
            mine = " AND (r.relates_to IN (SELECT event_id FROM events WHERE room_id = ? AND sender = ?) OR r.relates_to IN "
                    + "(SELECT relates_to FROM event_relations WHERE room_id = ? AND rel_type = 'm.thread' AND sender = ?))";
            args.addAll(List.of(roomId, participant.get(), roomId, participant.get()));
        }
        args.add(before);
        args.add(limit);
        return jdbc().query("SELECT r.relates_to, MAX(r.stream_pos) AS latest FROM event_relations r WHERE r.room_id = ? "
                + "AND r.rel_type = 'm.thread'" + mine + " GROUP BY r.relates_to HAVING MAX(r.stream_pos) < ? ORDER BY latest DESC LIMIT ?",
                rs -> new ThreadRoot(rs.getString(1), rs.getLong(2)), args.toArray());
    }

    @Override
    default boolean hasAnnotation(String parentId, String sender, String type, String key) {
        return jdbc().one("SELECT event_id FROM event_relations WHERE relates_to = ? AND rel_type = 'm.annotation' AND sender = ? "
                + "AND type = ? AND aggregation_key = ?", rs -> rs.getString(1), parentId, sender, type, key).isPresent();
    }

    @Override
    default Set<String> parentsIn(String roomId) {
        return new HashSet<>(jdbc().query("SELECT DISTINCT relates_to FROM event_relations WHERE room_id = ?", rs -> rs.getString(1),
                roomId));
    }
}
