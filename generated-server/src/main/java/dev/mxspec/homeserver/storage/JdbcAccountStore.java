package dev.mxspec.homeserver.storage;

import dev.mxspec.homeserver.storage.Records.AccessToken;
import dev.mxspec.homeserver.storage.Records.Device;
import dev.mxspec.homeserver.storage.Records.User;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** The SQL of {@link AccountStore} (portable: SQLite and PostgreSQL), mixed into {@link JdbcStorage}. */
interface JdbcAccountStore extends AccountStore {

    Jdbc jdbc();

    private static User user(ResultSet rs) throws SQLException {
        return new User(rs.getString("user_id"), Jdbc.optString(rs, "password_hash"), rs.getInt("admin") != 0,
                rs.getInt("deactivated") != 0, Jdbc.optString(rs, "displayname"), Jdbc.optString(rs, "avatar_url"),
                rs.getLong("created_ts"));
    }

    @Override
    default Optional<User> user(String userId) {
        return jdbc().one("SELECT * FROM users WHERE user_id = ?", JdbcAccountStore::user, userId);
    }

    @Override
    default boolean createUser(User u) {
        return jdbc().update("INSERT INTO users (user_id, password_hash, admin, deactivated, displayname, avatar_url, created_ts) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id) DO NOTHING",
                u.userId(), u.passwordHash(), u.admin(), u.deactivated(), u.displayname(), u.avatarUrl(), u.createdTs()) == 1;
    }

    @Override
    default void setPassword(String userId, String passwordHash) {
        jdbc().update("UPDATE users SET password_hash = ? WHERE user_id = ?", passwordHash, userId);
    }

    @Override
    default void setGuest(String userId, boolean guest) {
        jdbc().update("UPDATE users SET guest = ? WHERE user_id = ?", guest ? 1 : 0, userId);
    }

    @Override
    default boolean isGuest(String userId) {
        return jdbc().one("SELECT guest FROM users WHERE user_id = ?", rs -> rs.getInt("guest") != 0, userId).orElse(false);
    }

    @Override
    default void setProfile(String userId, Optional<String> displayname, Optional<String> avatarUrl) {
        jdbc().update("UPDATE users SET displayname = ?, avatar_url = ? WHERE user_id = ?", displayname, avatarUrl, userId);
    }

    @Override
    default void deactivate(String userId) {
        jdbc().transaction(c -> {
            Jdbc.update(c, "UPDATE users SET deactivated = 1, password_hash = NULL WHERE user_id = ?", userId);
            Jdbc.update(c, "DELETE FROM access_tokens WHERE user_id = ?", userId);
            Jdbc.update(c, "DELETE FROM refresh_tokens WHERE user_id = ?", userId);
            Jdbc.update(c, "DELETE FROM devices WHERE user_id = ?", userId);
            Jdbc.update(c, "DELETE FROM to_device WHERE user_id = ?", userId);
            return null;
        });
    }

    private static Device device(ResultSet rs) throws SQLException {
        return new Device(rs.getString("user_id"), rs.getString("device_id"), Jdbc.optString(rs, "display_name"),
                Jdbc.optLong(rs, "last_seen_ts"), Jdbc.optString(rs, "last_seen_ip"));
    }

    @Override
    default void saveDevice(Device d) {
        jdbc().update("INSERT INTO devices (user_id, device_id, display_name, last_seen_ts, last_seen_ip) VALUES (?, ?, ?, ?, ?) "
                + "ON CONFLICT (user_id, device_id) DO UPDATE SET display_name = excluded.display_name, "
                + "last_seen_ts = excluded.last_seen_ts, last_seen_ip = excluded.last_seen_ip",
                d.userId(), d.deviceId(), d.displayName(), d.lastSeenTs(), d.lastSeenIp());
    }

    @Override
    default Optional<Device> device(String userId, String deviceId) {
        return jdbc().one("SELECT * FROM devices WHERE user_id = ? AND device_id = ?", JdbcAccountStore::device, userId, deviceId);
    }

    @Override
    default List<Device> devices(String userId) {
        return jdbc().query("SELECT * FROM devices WHERE user_id = ? ORDER BY device_id", JdbcAccountStore::device, userId);
    }

    @Override
    default void deleteDevice(String userId, String deviceId) {
        jdbc().transaction(c -> {
            Jdbc.update(c, "DELETE FROM devices WHERE user_id = ? AND device_id = ?", userId, deviceId);
            Jdbc.update(c, "DELETE FROM access_tokens WHERE user_id = ? AND device_id = ?", userId, deviceId);
            Jdbc.update(c, "DELETE FROM refresh_tokens WHERE user_id = ? AND device_id = ?", userId, deviceId);
            for (String table : List.of("device_keys", "one_time_keys", "fallback_keys", "pushers", "to_device")) {
                Jdbc.update(c, "DELETE FROM " + table + " WHERE user_id = ? AND device_id = ?", userId, deviceId);
            }
            return null;
        });
    }

    @Override
    default void saveAccessToken(AccessToken t) {
        jdbc().update("INSERT INTO access_tokens (token_hash, user_id, device_id, expires_ts, refresh_hash) VALUES (?, ?, ?, ?, ?)",
                t.tokenHash(), t.userId(), t.deviceId(), t.expiresTs(), t.refreshHash());
    }

    @Override
    default Optional<AccessToken> accessToken(String tokenHash) {
        return jdbc().one("SELECT * FROM access_tokens WHERE token_hash = ?", rs -> new AccessToken(rs.getString("token_hash"),
                rs.getString("user_id"), rs.getString("device_id"), Jdbc.optLong(rs, "expires_ts"), Jdbc.optString(rs, "refresh_hash")),
                tokenHash);
    }

    @Override
    default void deleteAccessToken(String tokenHash) {
        jdbc().update("DELETE FROM access_tokens WHERE token_hash = ?", tokenHash);
    }

    @Override
    default void deleteTokensOfDevice(String userId, String deviceId) {
        jdbc().update("DELETE FROM access_tokens WHERE user_id = ? AND device_id = ?", userId, deviceId);
    }

    @Override
    default void deleteTokensOfUser(String userId) {
        jdbc().update("DELETE FROM access_tokens WHERE user_id = ?", userId);
    }

    @Override
    default void saveRefreshToken(String tokenHash, String userId, String deviceId) {
        jdbc().update("INSERT INTO refresh_tokens (token_hash, user_id, device_id) VALUES (?, ?, ?)", tokenHash, userId, deviceId);
    }

    @Override
    default Optional<String[]> takeRefreshToken(String tokenHash) {
        return jdbc().transaction(c -> {
            List<String[]> rows = Jdbc.query(c, "SELECT user_id, device_id FROM refresh_tokens WHERE token_hash = ?",
                    rs -> new String[] {rs.getString(1), rs.getString(2)}, tokenHash);
            Jdbc.update(c, "DELETE FROM refresh_tokens WHERE token_hash = ?", tokenHash);
            return rows.isEmpty() ? Optional.empty() : Optional.of(rows.getFirst());
        });
    }

    @Override
    default void saveLoginToken(String tokenHash, String userId, long expiresTs) {
        jdbc().update("INSERT INTO login_tokens (token_hash, user_id, expires_ts) VALUES (?, ?, ?)", tokenHash, userId, expiresTs);
    }

    @Override
    default Optional<String> takeLoginToken(String tokenHash, long now) {
        return jdbc().transaction(c -> {
            List<String> rows = Jdbc.query(c, "SELECT user_id FROM login_tokens WHERE token_hash = ? AND expires_ts > ?",
                    rs -> rs.getString(1), tokenHash, now);
            Jdbc.update(c, "DELETE FROM login_tokens WHERE token_hash = ?", tokenHash);
            return rows.isEmpty() ? Optional.empty() : Optional.of(rows.getFirst());
        });
    }
}
