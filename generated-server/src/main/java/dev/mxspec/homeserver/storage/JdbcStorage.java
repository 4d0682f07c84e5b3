package dev.mxspec.homeserver.storage;

import com.zaxxer.hikari.HikariDataSource;
import dev.mxspec.homeserver.storage.Records.AccessToken;
import dev.mxspec.homeserver.storage.Records.AccountData;
import dev.mxspec.homeserver.storage.Records.Device;
import dev.mxspec.homeserver.storage.Records.DeviceKeys;
import dev.mxspec.homeserver.storage.Records.OneTimeKey;
import dev.mxspec.homeserver.storage.Records.Membership;
import dev.mxspec.homeserver.storage.Records.Presence;
import dev.mxspec.homeserver.storage.Records.Receipt;
import dev.mxspec.homeserver.storage.Records.Room;
import dev.mxspec.homeserver.storage.Records.StoredEvent;
import dev.mxspec.homeserver.storage.Records.ToDevice;
import dev.mxspec.homeserver.storage.Records.User;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.flywaydb.core.Flyway;

/**
 * The storage on JDBC with portable SQL ({@code INSERT ... ON CONFLICT} works on SQLite and
 * PostgreSQL alike). {@link SqliteStorage} and {@link PostgresStorage} open it.
 */
abstract class JdbcStorage implements Storage {

    private final HikariDataSource data;
    private final Jdbc jdbc;

    JdbcStorage(HikariDataSource data) {
        this.data = data;
        Flyway.configure().dataSource(data).locations("classpath:db/migration").load().migrate();
        this.jdbc = new Jdbc(data);
    }

    @Override
    public void close() {
        data.close();
    }

    // --- server keys

    @Override
    public Optional<String> signingSeed(String keyId) {
        return jdbc.one("SELECT seed FROM server_keys WHERE key_id = ?", rs -> rs.getString(1), keyId);
    }

    @Override
    public void saveSigningSeed(String keyId, String seed, long createdTs) {
        jdbc.update("INSERT INTO server_keys (key_id, seed, created_ts) VALUES (?, ?, ?)", keyId, seed, createdTs);
    }

    // --- accounts

    private static User user(ResultSet rs) throws SQLException {
        return new User(rs.getString("user_id"), Jdbc.optString(rs, "password_hash"), rs.getInt("admin") != 0,
                rs.getInt("deactivated") != 0, Jdbc.optString(rs, "displayname"), Jdbc.optString(rs, "avatar_url"),
                rs.getLong("created_ts"));
    }

    @Override
    public Optional<User> user(String userId) {
        return jdbc.one("SELECT * FROM users WHERE user_id = ?", JdbcStorage::user, userId);
    }

    @Override
    public boolean createUser(User u) {
        return jdbc.update("INSERT INTO users (user_id, password_hash, admin, deactivated, displayname, avatar_url, created_ts) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id) DO NOTHING",
                u.userId(), u.passwordHash(), u.admin(), u.deactivated(), u.displayname(), u.avatarUrl(), u.createdTs()) == 1;
    }

    @Override
    public void setPassword(String userId, String passwordHash) {
        jdbc.update("UPDATE users SET password_hash = ? WHERE user_id = ?", passwordHash, userId);
    }

    @Override
    public void setProfile(String userId, Optional<String> displayname, Optional<String> avatarUrl) {
        jdbc.update("UPDATE users SET displayname = ?, avatar_url = ? WHERE user_id = ?", displayname, avatarUrl, userId);
    }

    @Override
    public void deactivate(String userId) {
        jdbc.transaction(c -> {
            Jdbc.update(c, "UPDATE users SET deactivated = 1, password_hash = NULL WHERE user_id = ?", userId);
            Jdbc.update(c, "DELETE FROM access_tokens WHERE user_id = ?", userId);
            Jdbc.update(c, "DELETE FROM refresh_tokens WHERE user_id = ?", userId);
            Jdbc.update(c, "DELETE FROM devices WHERE user_id = ?", userId);
            return null;
        });
    }

    private static Device device(ResultSet rs) throws SQLException {
        return new Device(rs.getString("user_id"), rs.getString("device_id"), Jdbc.optString(rs, "display_name"),
                Jdbc.optLong(rs, "last_seen_ts"), Jdbc.optString(rs, "last_seen_ip"));
    }

    @Override
    public void saveDevice(Device d) {
        jdbc.update("INSERT INTO devices (user_id, device_id, display_name, last_seen_ts, last_seen_ip) VALUES (?, ?, ?, ?, ?) "
                + "ON CONFLICT (user_id, device_id) DO UPDATE SET display_name = excluded.display_name, "
                + "last_seen_ts = excluded.last_seen_ts, last_seen_ip = excluded.last_seen_ip",
                d.userId(), d.deviceId(), d.displayName(), d.lastSeenTs(), d.lastSeenIp());
    }

    @Override
    public Optional<Device> device(String userId, String deviceId) {
        return jdbc.one("SELECT * FROM devices WHERE user_id = ? AND device_id = ?", JdbcStorage::device, userId, deviceId);
    }

    @Override
    public List<Device> devices(String userId) {
        return jdbc.query("SELECT * FROM devices WHERE user_id = ? ORDER BY device_id", JdbcStorage::device, userId);
    }

    @Override
    public void deleteDevice(String userId, String deviceId) {
        jdbc.transaction(c -> {
            Jdbc.update(c, "DELETE FROM devices WHERE user_id = ? AND device_id = ?", userId, deviceId);
            Jdbc.update(c, "DELETE FROM access_tokens WHERE user_id = ? AND device_id = ?", userId, deviceId);
            Jdbc.update(c, "DELETE FROM refresh_tokens WHERE user_id = ? AND device_id = ?", userId, deviceId);
            for (String table : List.of("device_keys", "one_time_keys", "fallback_keys")) {
                Jdbc.update(c, "DELETE FROM " + table + " WHERE user_id = ? AND device_id = ?", userId, deviceId);
            }
            return null;
        });
    }

    // --- end-to-end keys

    @Override
    public void saveDeviceKeys(String userId, String deviceId, String json) {
        jdbc.update("INSERT INTO device_keys (user_id, device_id, json) VALUES (?, ?, ?) "
                + "ON CONFLICT (user_id, device_id) DO UPDATE SET json = excluded.json", userId, deviceId, json);
    }

    @Override
    public List<DeviceKeys> deviceKeys(String userId) {
        return jdbc.query("SELECT k.user_id, k.device_id, k.json, d.display_name FROM device_keys k JOIN devices d "
                + "ON d.user_id = k.user_id AND d.device_id = k.device_id WHERE k.user_id = ? ORDER BY k.device_id",
                rs -> new DeviceKeys(rs.getString(1), rs.getString(2), rs.getString(3), Jdbc.optString(rs, "display_name")), userId);
    }

    @Override
    public void addOneTimeKeys(String userId, String deviceId, List<OneTimeKey> keys) {
        jdbc.transaction(c -> {
            for (OneTimeKey k : keys) {
                Jdbc.update(c, "INSERT INTO one_time_keys (user_id, device_id, key_id, algorithm, json) VALUES (?, ?, ?, ?, ?) "
                        + "ON CONFLICT (user_id, device_id, key_id) DO NOTHING", userId, deviceId, k.keyId(), k.algorithm(), k.json());
            }
            return null;
        });
    }

    @Override
    public Map<String, Long> oneTimeKeyCounts(String userId, String deviceId) {
        Map<String, Long> counts = new java.util.TreeMap<>();
        jdbc.query("SELECT algorithm, COUNT(*) FROM one_time_keys WHERE user_id = ? AND device_id = ? GROUP BY algorithm",
                rs -> counts.put(rs.getString(1), rs.getLong(2)), userId, deviceId);
        return counts;
    }

    @Override
    public Optional<OneTimeKey> claimOneTimeKey(String userId, String deviceId, String algorithm) {
        for (int attempt = 0; attempt < 5; attempt++) { // a concurrent claim may take the same key first
            Optional<OneTimeKey> first = jdbc.one("SELECT key_id, algorithm, json FROM one_time_keys WHERE user_id = ? AND device_id = ? "
                    + "AND algorithm = ? ORDER BY key_id LIMIT 1", rs -> new OneTimeKey(rs.getString(1), rs.getString(2), rs.getString(3)),
                    userId, deviceId, algorithm);
            if (first.isEmpty()) {
                return first;
            }
            if (jdbc.update("DELETE FROM one_time_keys WHERE user_id = ? AND device_id = ? AND key_id = ?", userId, deviceId,
                    first.get().keyId()) == 1) {
                return first;
            }
        }
        return Optional.empty();
    }

    @Override
    public void saveFallbackKey(String userId, String deviceId, OneTimeKey key) {
        jdbc.update("INSERT INTO fallback_keys (user_id, device_id, algorithm, key_id, json, used) VALUES (?, ?, ?, ?, ?, 0) "
                + "ON CONFLICT (user_id, device_id, algorithm) DO UPDATE SET key_id = excluded.key_id, json = excluded.json, used = 0",
                userId, deviceId, key.algorithm(), key.keyId(), key.json());
    }

    @Override
    public Optional<OneTimeKey> useFallbackKey(String userId, String deviceId, String algorithm) {
        Optional<OneTimeKey> key = jdbc.one("SELECT key_id, algorithm, json FROM fallback_keys WHERE user_id = ? AND device_id = ? "
                + "AND algorithm = ?", rs -> new OneTimeKey(rs.getString(1), rs.getString(2), rs.getString(3)), userId, deviceId, algorithm);
        key.ifPresent(k -> jdbc.update("UPDATE fallback_keys SET used = 1 WHERE user_id = ? AND device_id = ? AND algorithm = ?",
                userId, deviceId, algorithm));
        return key;
    }

    @Override
    public List<String> unusedFallbackKeyTypes(String userId, String deviceId) {
        return jdbc.query("SELECT algorithm FROM fallback_keys WHERE user_id = ? AND device_id = ? AND used = 0 ORDER BY algorithm",
                rs -> rs.getString(1), userId, deviceId);
    }

    @Override
    public void saveAccessToken(AccessToken t) {
        jdbc.update("INSERT INTO access_tokens (token_hash, user_id, device_id, expires_ts, refresh_hash) VALUES (?, ?, ?, ?, ?)",
                t.tokenHash(), t.userId(), t.deviceId(), t.expiresTs(), t.refreshHash());
    }

    @Override
    public Optional<AccessToken> accessToken(String tokenHash) {
        return jdbc.one("SELECT * FROM access_tokens WHERE token_hash = ?", rs -> new AccessToken(rs.getString("token_hash"),
                rs.getString("user_id"), rs.getString("device_id"), Jdbc.optLong(rs, "expires_ts"), Jdbc.optString(rs, "refresh_hash")),
                tokenHash);
    }

    @Override
    public void deleteAccessToken(String tokenHash) {
        jdbc.update("DELETE FROM access_tokens WHERE token_hash = ?", tokenHash);
    }

    @Override
    public void deleteTokensOfDevice(String userId, String deviceId) {
        jdbc.update("DELETE FROM access_tokens WHERE user_id = ? AND device_id = ?", userId, deviceId);
    }

    @Override
    public void deleteTokensOfUser(String userId) {
        jdbc.update("DELETE FROM access_tokens WHERE user_id = ?", userId);
    }

    @Override
    public void saveRefreshToken(String tokenHash, String userId, String deviceId) {
        jdbc.update("INSERT INTO refresh_tokens (token_hash, user_id, device_id) VALUES (?, ?, ?)", tokenHash, userId, deviceId);
    }

    @Override
    public Optional<String[]> takeRefreshToken(String tokenHash) {
        return jdbc.transaction(c -> {
            List<String[]> rows = Jdbc.query(c, "SELECT user_id, device_id FROM refresh_tokens WHERE token_hash = ?",
                    rs -> new String[] {rs.getString(1), rs.getString(2)}, tokenHash);
            Jdbc.update(c, "DELETE FROM refresh_tokens WHERE token_hash = ?", tokenHash);
            return rows.isEmpty() ? Optional.empty() : Optional.of(rows.getFirst());
        });
    }

    @Override
    public void saveLoginToken(String tokenHash, String userId, long expiresTs) {
        jdbc.update("INSERT INTO login_tokens (token_hash, user_id, expires_ts) VALUES (?, ?, ?)", tokenHash, userId, expiresTs);
    }

    @Override
    public Optional<String> takeLoginToken(String tokenHash, long now) {
        return jdbc.transaction(c -> {
            List<String> rows = Jdbc.query(c, "SELECT user_id FROM login_tokens WHERE token_hash = ? AND expires_ts > ?",
                    rs -> rs.getString(1), tokenHash, now);
            Jdbc.update(c, "DELETE FROM login_tokens WHERE token_hash = ?", tokenHash);
            return rows.isEmpty() ? Optional.empty() : Optional.of(rows.getFirst());
        });
    }

    // --- rooms and events

    private static Room room(ResultSet rs) throws SQLException {
        return new Room(rs.getString("room_id"), rs.getString("room_version"), rs.getString("creator"), rs.getInt("published") != 0,
                rs.getLong("created_ts"));
    }

    @Override
    public void createRoom(Room r) {
        jdbc.update("INSERT INTO rooms (room_id, room_version, creator, published, created_ts) VALUES (?, ?, ?, ?, ?)",
                r.roomId(), r.roomVersion(), r.creator(), r.published(), r.createdTs());
    }

    @Override
    public Optional<Room> room(String roomId) {
        return jdbc.one("SELECT * FROM rooms WHERE room_id = ?", JdbcStorage::room, roomId);
    }

    @Override
    public List<Room> publishedRooms() {
        return jdbc.query("SELECT * FROM rooms WHERE published = 1 ORDER BY created_ts", JdbcStorage::room);
    }

    @Override
    public void setPublished(String roomId, boolean published) {
        jdbc.update("UPDATE rooms SET published = ? WHERE room_id = ?", published, roomId);
    }

    private static StoredEvent event(ResultSet rs) throws SQLException {
        Optional<String> txnDevice = Jdbc.optString(rs, "txn_device");
        Optional<String> txnId = Jdbc.optString(rs, "txn_id");
        return new StoredEvent(rs.getLong("stream_pos"), rs.getString("event_id"), rs.getString("room_id"), rs.getString("type"),
                Jdbc.optString(rs, "state_key"), rs.getString("sender"), rs.getLong("origin_server_ts"), rs.getLong("depth"),
                rs.getString("json"), Jdbc.optString(rs, "redacted_by"),
                txnDevice.isPresent() && txnId.isPresent() ? Optional.of(new Records.Txn(txnDevice.get(), txnId.get())) : Optional.empty());
    }

    @Override
    public boolean persistEvent(StoredEvent e, Optional<Membership> membership) {
        return jdbc.commitIf(c -> {
            if (e.txn().isPresent() && Jdbc.update(c, "INSERT INTO event_txns (user_id, device_id, txn_id, event_id) VALUES (?, ?, ?, ?) "
                    + "ON CONFLICT (user_id, device_id, txn_id) DO NOTHING", e.sender(), e.txn().get().deviceId(), e.txn().get().txnId(),
                    e.eventId()) == 0) {
                return false;
            }
            Jdbc.update(c, "INSERT INTO events (stream_pos, event_id, room_id, type, state_key, sender, origin_server_ts, depth, json, "
                    + "txn_device, txn_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", e.streamPos(), e.eventId(), e.roomId(), e.type(),
                    e.stateKey(), e.sender(), e.originServerTs(), e.depth(), e.json(), e.txn().map(Records.Txn::deviceId),
                    e.txn().map(Records.Txn::txnId));
            if (e.stateKey().isPresent()) {
                Jdbc.update(c, "INSERT INTO current_state (room_id, type, state_key, event_id) VALUES (?, ?, ?, ?) "
                        + "ON CONFLICT (room_id, type, state_key) DO UPDATE SET event_id = excluded.event_id",
                        e.roomId(), e.type(), e.stateKey().get(), e.eventId());
            }
            if (membership.isPresent()) {
                Membership m = membership.get();
                Jdbc.update(c, "INSERT INTO memberships (room_id, user_id, membership, event_id, stream_pos) VALUES (?, ?, ?, ?, ?) "
                        + "ON CONFLICT (room_id, user_id) DO UPDATE SET membership = excluded.membership, event_id = excluded.event_id, "
                        + "stream_pos = excluded.stream_pos", m.roomId(), m.userId(), m.membership(), m.eventId(), m.streamPos());
            }
            return true;
        });
    }

    @Override
    public Optional<StoredEvent> event(String eventId) {
        return jdbc.one("SELECT * FROM events WHERE event_id = ?", JdbcStorage::event, eventId);
    }

    @Override
    public List<StoredEvent> roomEvents(String roomId, long after, long upTo, int limit, boolean backwards) {
        return jdbc.query("SELECT * FROM events WHERE room_id = ? AND stream_pos > ? AND stream_pos <= ? ORDER BY stream_pos "
                + (backwards ? "DESC" : "ASC") + " LIMIT ?", JdbcStorage::event, roomId, after, upTo, limit);
    }

    @Override
    public Map<List<String>, String> currentState(String roomId) {
        Map<List<String>, String> state = new LinkedHashMap<>();
        jdbc.query("SELECT type, state_key, event_id FROM current_state WHERE room_id = ? ORDER BY type, state_key",
                rs -> state.put(List.of(rs.getString(1), rs.getString(2)), rs.getString(3)), roomId);
        return state;
    }

    @Override
    public Map<List<String>, String> stateAt(String roomId, long position) {
        Map<List<String>, String> state = new LinkedHashMap<>();
        jdbc.query("SELECT e.type, e.state_key, e.event_id FROM events e WHERE e.room_id = ? AND e.state_key IS NOT NULL "
                + "AND e.stream_pos = (SELECT MAX(l.stream_pos) FROM events l WHERE l.room_id = e.room_id AND l.type = e.type "
                + "AND l.state_key = e.state_key AND l.stream_pos <= ?) ORDER BY e.type, e.state_key",
                rs -> state.put(List.of(rs.getString(1), rs.getString(2)), rs.getString(3)), roomId, position);
        return state;
    }

    @Override
    public List<StoredEvent> stateEventsOfTypes(String roomId, List<String> types) {
        if (types.isEmpty()) {
            return List.of();
        }
        List<Object> args = new ArrayList<>(List.of(roomId));
        args.addAll(types);
        return jdbc.query("SELECT * FROM events WHERE room_id = ? AND state_key IS NOT NULL AND type IN ("
                + String.join(",", Collections.nCopies(types.size(), "?")) + ") ORDER BY stream_pos", JdbcStorage::event, args.toArray());
    }

    @Override
    public List<StoredEvent> events(List<String> eventIds) {
        if (eventIds.isEmpty()) {
            return List.of();
        }
        String marks = String.join(",", Collections.nCopies(eventIds.size(), "?"));
        return jdbc.query("SELECT * FROM events WHERE event_id IN (" + marks + ") ORDER BY stream_pos", JdbcStorage::event,
                eventIds.toArray());
    }

    @Override
    public void markRedacted(String eventId, String redactedBy, String redactedJson) {
        jdbc.update("UPDATE events SET redacted_by = ?, json = ? WHERE event_id = ?", redactedBy, redactedJson, eventId);
    }

    private static Membership membership(ResultSet rs) throws SQLException {
        return new Membership(rs.getString("room_id"), rs.getString("user_id"), rs.getString("membership"), rs.getString("event_id"),
                rs.getLong("stream_pos"));
    }

    @Override
    public List<Membership> membershipsOfUser(String userId) {
        return jdbc.query("SELECT * FROM memberships WHERE user_id = ? ORDER BY stream_pos", JdbcStorage::membership, userId);
    }

    @Override
    public List<Membership> membersOfRoom(String roomId) {
        return jdbc.query("SELECT * FROM memberships WHERE room_id = ? ORDER BY user_id", JdbcStorage::membership, roomId);
    }

    @Override
    public Optional<String> txnEvent(String userId, String deviceId, String txnId) {
        return jdbc.one("SELECT event_id FROM event_txns WHERE user_id = ? AND device_id = ? AND txn_id = ?", rs -> rs.getString(1),
                userId, deviceId, txnId);
    }

    @Override
    public void saveTxn(String userId, String deviceId, String txnId, String eventId) {
        jdbc.update("INSERT INTO event_txns (user_id, device_id, txn_id, event_id) VALUES (?, ?, ?, ?) "
                + "ON CONFLICT (user_id, device_id, txn_id) DO NOTHING", userId, deviceId, txnId, eventId);
    }

    @Override
    public Optional<String> alias(String alias) {
        return jdbc.one("SELECT room_id FROM room_aliases WHERE alias = ?", rs -> rs.getString(1), alias);
    }

    @Override
    public boolean createAlias(String alias, String roomId, String creator) {
        return jdbc.update("INSERT INTO room_aliases (alias, room_id, creator) VALUES (?, ?, ?) ON CONFLICT (alias) DO NOTHING",
                alias, roomId, creator) == 1;
    }

    @Override
    public boolean deleteAlias(String alias) {
        return jdbc.update("DELETE FROM room_aliases WHERE alias = ?", alias) == 1;
    }

    @Override
    public Optional<String> aliasCreator(String alias) {
        return jdbc.one("SELECT creator FROM room_aliases WHERE alias = ?", rs -> rs.getString(1), alias);
    }

    @Override
    public List<String> aliasesOf(String roomId) {
        return jdbc.query("SELECT alias FROM room_aliases WHERE room_id = ? ORDER BY alias", rs -> rs.getString(1), roomId);
    }

    // --- per-user streams

    @Override
    public void saveAccountData(AccountData d) {
        jdbc.update("INSERT INTO account_data (user_id, room_id, type, content, stream_pos) VALUES (?, ?, ?, ?, ?) "
                + "ON CONFLICT (user_id, room_id, type) DO UPDATE SET content = excluded.content, stream_pos = excluded.stream_pos",
                d.userId(), d.roomId(), d.type(), d.content(), d.streamPos());
    }

    private static AccountData accountData(ResultSet rs) throws SQLException {
        return new AccountData(rs.getString("user_id"), rs.getString("room_id"), rs.getString("type"), rs.getString("content"),
                rs.getLong("stream_pos"));
    }

    @Override
    public Optional<AccountData> accountData(String userId, String roomId, String type) {
        return jdbc.one("SELECT * FROM account_data WHERE user_id = ? AND room_id = ? AND type = ?", JdbcStorage::accountData,
                userId, roomId, type);
    }

    @Override
    public List<AccountData> accountDataSince(String userId, long after) {
        return jdbc.query("SELECT * FROM account_data WHERE user_id = ? AND stream_pos > ? ORDER BY stream_pos",
                JdbcStorage::accountData, userId, after);
    }

    @Override
    public void saveReceipt(Receipt r) {
        jdbc.update("INSERT INTO receipts (room_id, user_id, receipt_type, thread_id, event_id, ts, stream_pos) VALUES (?, ?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT (room_id, user_id, receipt_type, thread_id) DO UPDATE SET event_id = excluded.event_id, ts = excluded.ts, "
                + "stream_pos = excluded.stream_pos", r.roomId(), r.userId(), r.receiptType(), r.threadId(), r.eventId(), r.ts(), r.streamPos());
    }

    @Override
    public List<Receipt> receiptsSince(List<String> roomIds, long after) {
        if (roomIds.isEmpty()) {
            return List.of();
        }
        List<Object> params = new ArrayList<>(roomIds);
        params.add(after);
        return jdbc.query("SELECT * FROM receipts WHERE room_id IN (" + String.join(",", Collections.nCopies(roomIds.size(), "?"))
                + ") AND stream_pos > ? ORDER BY stream_pos", rs -> new Receipt(rs.getString("room_id"), rs.getString("user_id"),
                rs.getString("receipt_type"), rs.getString("thread_id"), rs.getString("event_id"), rs.getLong("ts"), rs.getLong("stream_pos")),
                params.toArray());
    }

    @Override
    public void saveFilter(String userId, String filterId, String json) {
        jdbc.update("INSERT INTO filters (user_id, filter_id, json) VALUES (?, ?, ?)", userId, filterId, json);
    }

    @Override
    public Optional<String> filter(String userId, String filterId) {
        return jdbc.one("SELECT json FROM filters WHERE user_id = ? AND filter_id = ?", rs -> rs.getString(1), userId, filterId);
    }

    @Override
    public void saveToDevice(ToDevice m) {
        jdbc.update("INSERT INTO to_device (stream_pos, user_id, device_id, sender, type, content) VALUES (?, ?, ?, ?, ?, ?)",
                m.streamPos(), m.userId(), m.deviceId(), m.sender(), m.type(), m.content());
    }

    @Override
    public List<ToDevice> toDeviceSince(String userId, String deviceId, long after, int limit) {
        return jdbc.query("SELECT * FROM to_device WHERE user_id = ? AND device_id = ? AND stream_pos > ? ORDER BY stream_pos LIMIT ?",
                rs -> new ToDevice(rs.getLong("stream_pos"), rs.getString("user_id"), rs.getString("device_id"), rs.getString("sender"),
                        rs.getString("type"), rs.getString("content")), userId, deviceId, after, limit);
    }

    @Override
    public void deleteToDeviceUpTo(String userId, String deviceId, long upTo) {
        jdbc.update("DELETE FROM to_device WHERE user_id = ? AND device_id = ? AND stream_pos <= ?", userId, deviceId, upTo);
    }

    private static Presence presence(ResultSet rs) throws SQLException {
        return new Presence(rs.getString("user_id"), rs.getString("presence"), Jdbc.optString(rs, "status_msg"),
                rs.getLong("last_active_ts"), rs.getLong("stream_pos"));
    }

    @Override
    public void savePresence(Presence p) {
        jdbc.update("INSERT INTO presence (user_id, presence, status_msg, last_active_ts, stream_pos) VALUES (?, ?, ?, ?, ?) "
                + "ON CONFLICT (user_id) DO UPDATE SET presence = excluded.presence, status_msg = excluded.status_msg, "
                + "last_active_ts = excluded.last_active_ts, stream_pos = excluded.stream_pos",
                p.userId(), p.presence(), p.statusMsg(), p.lastActiveTs(), p.streamPos());
    }

    @Override
    public void deviceListChanged(String userId, long streamPos) {
        jdbc.update("INSERT INTO device_list_changes (user_id, stream_pos) VALUES (?, ?) "
                + "ON CONFLICT (user_id) DO UPDATE SET stream_pos = excluded.stream_pos", userId, streamPos);
    }

    @Override
    public List<String> deviceListsChangedSince(List<String> userIds, long after, long upTo) {
        if (userIds.isEmpty()) {
            return List.of();
        }
        List<Object> params = new ArrayList<>(userIds);
        params.add(after);
        params.add(upTo);
        return jdbc.query("SELECT user_id FROM device_list_changes WHERE user_id IN ("
                + String.join(",", Collections.nCopies(userIds.size(), "?")) + ") AND stream_pos > ? AND stream_pos <= ? ORDER BY user_id",
                rs -> rs.getString(1), params.toArray());
    }

    @Override
    public List<Presence> presenceSince(List<String> userIds, long after) {
        if (userIds.isEmpty()) {
            return List.of();
        }
        List<Object> params = new ArrayList<>(userIds);
        params.add(after);
        return jdbc.query("SELECT * FROM presence WHERE user_id IN (" + String.join(",", Collections.nCopies(userIds.size(), "?"))
                + ") AND stream_pos > ? ORDER BY stream_pos", JdbcStorage::presence, params.toArray());
    }

    @Override
    public Optional<Presence> presence(String userId) {
        return jdbc.one("SELECT * FROM presence WHERE user_id = ?", JdbcStorage::presence, userId);
    }

    @Override
    public long maxStreamPos() {
        return jdbc.one("SELECT MAX(p) FROM (SELECT MAX(stream_pos) AS p FROM events UNION ALL SELECT MAX(stream_pos) FROM account_data "
                + "UNION ALL SELECT MAX(stream_pos) FROM receipts UNION ALL SELECT MAX(stream_pos) FROM to_device "
                + "UNION ALL SELECT MAX(stream_pos) FROM presence UNION ALL SELECT MAX(stream_pos) FROM memberships "
                + "UNION ALL SELECT MAX(stream_pos) FROM device_list_changes) AS streams",
                rs -> rs.getLong(1)).orElse(0L);
    }
}
