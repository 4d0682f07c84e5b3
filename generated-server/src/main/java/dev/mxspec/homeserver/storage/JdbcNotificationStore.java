package dev.mxspec.homeserver.storage;

import dev.mxspec.homeserver.storage.Records.PushAction;
import dev.mxspec.homeserver.storage.Records.UnreadCounts;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/** The SQL of {@link NotificationStore} (portable: SQLite and PostgreSQL), mixed into {@link JdbcStorage}. */
interface JdbcNotificationStore extends NotificationStore {

    Jdbc jdbc();

    /** Writes an event's push actions inside the transaction that stores the event, as one batch. */
    static void insert(Connection c, List<PushAction> actions) throws SQLException {
        if (actions.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO event_push_actions (user_id, room_id, event_id, stream_pos, thread_id, "
                + "highlight, actions, ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, event_id) DO NOTHING")) {
            for (PushAction a : actions) {
                ps.setString(1, a.userId());
                ps.setString(2, a.roomId());
                ps.setString(3, a.eventId());
                ps.setLong(4, a.streamPos());
                ps.setString(5, a.threadId());
                ps.setInt(6, a.highlight() ? 1 : 0);
                ps.setString(7, a.actions());
                ps.setLong(8, a.ts());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Moves a read mark forward inside a transaction. */
    static void markRead(Connection c, ReadMark m) throws SQLException {
        Jdbc.update(c, "INSERT INTO read_marks (user_id, room_id, thread_id, stream_pos) VALUES (?, ?, ?, ?) "
                + "ON CONFLICT (user_id, room_id, thread_id) DO UPDATE SET stream_pos = excluded.stream_pos "
                + "WHERE excluded.stream_pos > read_marks.stream_pos", m.userId(), m.roomId(), m.threadId(), m.streamPos());
    }

    @Override
    default void markRead(ReadMark mark) {
        jdbc().transaction(c -> {
            markRead(c, mark);
            return null;
        });
    }

    /** Unread: after the room's unthreaded mark and after the mark of the action's own thread. */
    String UNREAD = " FROM event_push_actions a LEFT JOIN read_marks r ON r.user_id = a.user_id AND r.room_id = a.room_id AND r.thread_id = '' "
            + "LEFT JOIN read_marks t ON t.user_id = a.user_id AND t.room_id = a.room_id AND t.thread_id = a.thread_id "
            + "WHERE a.user_id = ? AND a.stream_pos > COALESCE(r.stream_pos, 0) AND a.stream_pos > COALESCE(t.stream_pos, 0)";

    @Override
    default List<UnreadCounts> unread(String userId, String roomId, long upTo) {
        return jdbc().query("SELECT a.thread_id, COUNT(*), SUM(a.highlight)" + UNREAD + " AND a.room_id = ? AND a.stream_pos <= ? "
                + "GROUP BY a.thread_id ORDER BY a.thread_id", rs -> new UnreadCounts(rs.getString(1), rs.getLong(2), rs.getLong(3)),
                userId, roomId, upTo);
    }

    @Override
    default UnreadCounts unreadTotal(String userId) {
        return jdbc().one("SELECT COUNT(*), SUM(a.highlight)" + UNREAD, rs -> new UnreadCounts("", rs.getLong(1), rs.getLong(2)), userId)
                .orElse(new UnreadCounts("", 0, 0));
    }

    @Override
    default List<Notified> notifications(String userId, long before, int limit, boolean onlyHighlight) {
        return jdbc().query("SELECT a.*, CASE WHEN a.stream_pos <= COALESCE(r.stream_pos, 0) OR a.stream_pos <= COALESCE(t.stream_pos, 0) "
                + "THEN 1 ELSE 0 END AS is_read FROM event_push_actions a "
                + "LEFT JOIN read_marks r ON r.user_id = a.user_id AND r.room_id = a.room_id AND r.thread_id = '' "
                + "LEFT JOIN read_marks t ON t.user_id = a.user_id AND t.room_id = a.room_id AND t.thread_id = a.thread_id "
                + "WHERE a.user_id = ? AND a.stream_pos < ?" + (onlyHighlight ? " AND a.highlight = 1" : "")
                + " ORDER BY a.stream_pos DESC LIMIT ?", rs -> new Notified(action(rs), rs.getInt("is_read") == 1), userId, before, limit);
    }

    @Override
    default List<PushAction> pushActions(String userId, long after, long upTo, int limit) {
        return jdbc().query("SELECT * FROM event_push_actions WHERE user_id = ? AND stream_pos > ? AND stream_pos <= ? ORDER BY stream_pos LIMIT ?",
                JdbcNotificationStore::action, userId, after, upTo, limit);
    }

    private static PushAction action(ResultSet rs) throws SQLException {
        return new PushAction(rs.getString("user_id"), rs.getString("room_id"), rs.getString("event_id"), rs.getLong("stream_pos"),
                rs.getString("thread_id"), rs.getInt("highlight") == 1, rs.getString("actions"), rs.getLong("ts"));
    }
}
