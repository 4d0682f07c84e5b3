package dev.mxspec.homeserver.storage;

import dev.mxspec.homeserver.storage.Records.PushAction;
import dev.mxspec.homeserver.storage.Records.UnreadCounts;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The SQL of {@link NotificationStore} (portable: SQLite and PostgreSQL), mixed into {@link JdbcStorage}.
 * An event's notifications are one row per set of actions, naming its recipients between newlines;
 * a member's notifications are the rows of his rooms whose recipients hold him
 * ({@code LIKE '%\n@alice:example.org\n%'}, escaped).
 */
interface JdbcNotificationStore extends NotificationStore {

    Jdbc jdbc();

    /** Writes an event's push actions inside the transaction that stores the event: one row per set of actions. */
    static void insert(Connection c, List<PushAction> actions) throws SQLException {
        Map<List<Object>, StringBuilder> rows = new LinkedHashMap<>();
        for (PushAction a : actions) {
            rows.computeIfAbsent(List.of(a.eventId(), a.roomId(), a.streamPos(), a.threadId(), a.highlight(), a.actions(), a.ts()),
                    k -> new StringBuilder("\n")).append(a.userId()).append('\n');
        }
        for (Map.Entry<List<Object>, StringBuilder> row : rows.entrySet()) {
            List<Object> k = row.getKey();
            Jdbc.update(c, "INSERT INTO event_notifications (event_id, room_id, stream_pos, thread_id, highlight, actions, recipients, ts) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", k.get(0), k.get(1), k.get(2), k.get(3), k.get(4), k.get(5), row.getValue().toString(),
                    k.get(6));
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

    @Override
    default List<ReadMark> readMarks(String userId, String roomId) {
        return jdbc().query("SELECT * FROM read_marks WHERE user_id = ? AND room_id = ?", rs -> new ReadMark(rs.getString("user_id"),
                rs.getString("room_id"), rs.getString("thread_id"), rs.getLong("stream_pos")), userId, roomId);
    }

    /** The {@code LIKE} pattern of rows that notify a user. */
    private static String recipient(String userId) {
        return "%\n" + userId.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "\n%";
    }

    /** The stream position of a user's unthreaded read mark in the room of {@code n} (0 without one). */
    String ROOM_MARK = "COALESCE((SELECT r.stream_pos FROM read_marks r WHERE r.user_id = ? AND r.room_id = n.room_id AND r.thread_id = ''), 0)";
    /** The user's mark of the thread of {@code n}, joined as {@code t}. */
    String THREAD_MARK = " LEFT JOIN read_marks t ON t.user_id = ? AND t.room_id = n.room_id AND t.thread_id = n.thread_id ";
    String FOR_USER = " n.recipients LIKE ? ESCAPE '\\' ";

    @Override
    default List<UnreadCounts> unread(String userId, String roomId, long after, long upTo) {
        return jdbc().query("SELECT n.thread_id, COUNT(*), SUM(n.highlight) FROM event_notifications n" + THREAD_MARK
                + "WHERE n.room_id = ? AND n.stream_pos > COALESCE((SELECT r.stream_pos FROM read_marks r WHERE r.user_id = ? "
                + "AND r.room_id = ? AND r.thread_id = ''), 0) AND n.stream_pos > ? AND n.stream_pos <= ? AND" + FOR_USER
                + "AND n.stream_pos > COALESCE(t.stream_pos, 0) GROUP BY n.thread_id ORDER BY n.thread_id",
                rs -> new UnreadCounts(rs.getString(1), rs.getLong(2), rs.getLong(3)), userId, roomId, userId, roomId, after, upTo,
                recipient(userId));
    }

    @Override
    default UnreadCounts unreadTotal(String userId) {
        return jdbc().one("SELECT COUNT(*), SUM(n.highlight) FROM memberships m JOIN event_notifications n ON n.room_id = m.room_id"
                + THREAD_MARK + "WHERE m.user_id = ? AND m.membership = 'join' AND n.stream_pos > " + ROOM_MARK + " AND" + FOR_USER
                + "AND n.stream_pos > COALESCE(t.stream_pos, 0)", rs -> new UnreadCounts("", rs.getLong(1), rs.getLong(2)),
                userId, userId, userId, recipient(userId)).orElse(new UnreadCounts("", 0, 0));
    }

    @Override
    default List<Notified> notifications(String userId, long before, int limit, boolean onlyHighlight) {
        return jdbc().query("SELECT n.*, CASE WHEN n.stream_pos <= " + ROOM_MARK + " OR n.stream_pos <= COALESCE(t.stream_pos, 0) "
                + "THEN 1 ELSE 0 END AS is_read FROM memberships m JOIN event_notifications n ON n.room_id = m.room_id" + THREAD_MARK
                + "WHERE m.user_id = ? AND n.stream_pos < ? AND" + FOR_USER + (onlyHighlight ? "AND n.highlight = 1 " : "")
                + "ORDER BY n.stream_pos DESC LIMIT ?", rs -> new Notified(action(userId, rs), rs.getInt("is_read") == 1),
                userId, userId, userId, before, recipient(userId), limit);
    }

    @Override
    default List<PushAction> pushActions(String userId, long after, int limit) {
        return jdbc().query("SELECT n.* FROM memberships m JOIN event_notifications n ON n.room_id = m.room_id "
                + "WHERE m.user_id = ? AND n.stream_pos > ? AND" + FOR_USER + "ORDER BY n.stream_pos LIMIT ?",
                rs -> action(userId, rs), userId, after, recipient(userId), limit);
    }

    private static PushAction action(String userId, ResultSet rs) throws SQLException {
        return new PushAction(userId, rs.getString("room_id"), rs.getString("event_id"), rs.getLong("stream_pos"), rs.getString("thread_id"),
                rs.getInt("highlight") == 1, rs.getString("actions"), rs.getLong("ts"));
    }
}
