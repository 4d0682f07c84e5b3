package dev.mxspec.homeserver.storage;

import dev.mxspec.homeserver.storage.Records.AccountData;
import dev.mxspec.homeserver.storage.Records.Presence;
import dev.mxspec.homeserver.storage.Records.Receipt;
import dev.mxspec.homeserver.storage.Records.ToDevice;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/** The SQL of {@link StreamStore} (portable: SQLite and PostgreSQL), mixed into {@link JdbcStorage}. */
interface JdbcStreamStore extends StreamStore {

    Jdbc jdbc();

    @Override
    default void saveAccountData(AccountData d) {
        jdbc().update("INSERT INTO account_data (user_id, room_id, type, content, stream_pos) VALUES (?, ?, ?, ?, ?) "
                + "ON CONFLICT (user_id, room_id, type) DO UPDATE SET content = excluded.content, stream_pos = excluded.stream_pos",
                d.userId(), d.roomId(), d.type(), d.content(), d.streamPos());
    }

    private static AccountData accountData(ResultSet rs) throws SQLException {
        return new AccountData(rs.getString("user_id"), rs.getString("room_id"), rs.getString("type"), rs.getString("content"),
                rs.getLong("stream_pos"));
    }

    @Override
    default Optional<AccountData> accountData(String userId, String roomId, String type) {
        return jdbc().one("SELECT * FROM account_data WHERE user_id = ? AND room_id = ? AND type = ?", JdbcStreamStore::accountData,
                userId, roomId, type);
    }

    @Override
    default List<AccountData> accountDataSince(String userId, long after) {
        return jdbc().query("SELECT * FROM account_data WHERE user_id = ? AND stream_pos > ? ORDER BY stream_pos",
                JdbcStreamStore::accountData, userId, after);
    }

    @Override
    default void saveReceipt(Receipt r) {
        jdbc().update("INSERT INTO receipts (room_id, user_id, receipt_type, thread_id, event_id, ts, stream_pos) VALUES (?, ?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT (room_id, user_id, receipt_type, thread_id) DO UPDATE SET event_id = excluded.event_id, ts = excluded.ts, "
                + "stream_pos = excluded.stream_pos", r.roomId(), r.userId(), r.receiptType(), r.threadId(), r.eventId(), r.ts(), r.streamPos());
    }

    @Override
    default List<Receipt> receiptsSince(List<String> roomIds, long after) {
        if (roomIds.isEmpty()) {
            return List.of();
        }
        List<Object> params = new ArrayList<>(roomIds);
        params.add(after);
        return jdbc().query("SELECT * FROM receipts WHERE room_id IN (" + String.join(",", Collections.nCopies(roomIds.size(), "?"))
                + ") AND stream_pos > ? ORDER BY stream_pos", rs -> new Receipt(rs.getString("room_id"), rs.getString("user_id"),
                rs.getString("receipt_type"), rs.getString("thread_id"), rs.getString("event_id"), rs.getLong("ts"), rs.getLong("stream_pos")),
                params.toArray());
    }

    @Override
    default void saveFilter(String userId, String filterId, String json) {
        jdbc().update("INSERT INTO filters (user_id, filter_id, json) VALUES (?, ?, ?)", userId, filterId, json);
    }

    @Override
    default Optional<String> filter(String userId, String filterId) {
        return jdbc().one("SELECT json FROM filters WHERE user_id = ? AND filter_id = ?", rs -> rs.getString(1), userId, filterId);
    }

    @Override
    default void saveToDevice(ToDevice m) {
        jdbc().update("INSERT INTO to_device (stream_pos, user_id, device_id, sender, type, content) VALUES (?, ?, ?, ?, ?, ?)",
                m.streamPos(), m.userId(), m.deviceId(), m.sender(), m.type(), m.content());
    }

    @Override
    default List<ToDevice> toDeviceSince(String userId, String deviceId, long after, int limit) {
        return jdbc().query("SELECT * FROM to_device WHERE user_id = ? AND device_id = ? AND stream_pos > ? ORDER BY stream_pos LIMIT ?",
                rs -> new ToDevice(rs.getLong("stream_pos"), rs.getString("user_id"), rs.getString("device_id"), rs.getString("sender"),
                        rs.getString("type"), rs.getString("content")), userId, deviceId, after, limit);
    }

    @Override
    default void deleteToDeviceUpTo(String userId, String deviceId, long upTo) {
        jdbc().update("DELETE FROM to_device WHERE user_id = ? AND device_id = ? AND stream_pos <= ?", userId, deviceId, upTo);
    }

    private static Presence presence(ResultSet rs) throws SQLException {
        return new Presence(rs.getString("user_id"), rs.getString("presence"), Jdbc.optString(rs, "status_msg"),
                rs.getLong("last_active_ts"), rs.getLong("stream_pos"));
    }

    @Override
    default void savePresence(Presence p) {
        jdbc().update("INSERT INTO presence (user_id, presence, status_msg, last_active_ts, stream_pos) VALUES (?, ?, ?, ?, ?) "
                + "ON CONFLICT (user_id) DO UPDATE SET presence = excluded.presence, status_msg = excluded.status_msg, "
                + "last_active_ts = excluded.last_active_ts, stream_pos = excluded.stream_pos",
                p.userId(), p.presence(), p.statusMsg(), p.lastActiveTs(), p.streamPos());
    }

    @Override
    default List<Presence> presenceSince(List<String> userIds, long after) {
        if (userIds.isEmpty()) {
            return List.of();
        }
        List<Object> params = new ArrayList<>(userIds);
        params.add(after);
        return jdbc().query("SELECT * FROM presence WHERE user_id IN (" + String.join(",", Collections.nCopies(userIds.size(), "?"))
                + ") AND stream_pos > ? ORDER BY stream_pos", JdbcStreamStore::presence, params.toArray());
    }

    @Override
    default Optional<Presence> presence(String userId) {
        return jdbc().one("SELECT * FROM presence WHERE user_id = ?", JdbcStreamStore::presence, userId);
    }
}
