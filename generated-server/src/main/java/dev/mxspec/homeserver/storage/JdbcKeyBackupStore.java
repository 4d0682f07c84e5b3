package dev.mxspec.homeserver.storage;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.function.BiPredicate;

/** The SQL of {@link KeyBackupStore} (portable: SQLite and PostgreSQL), mixed into {@link JdbcStorage}. */
interface JdbcKeyBackupStore extends KeyBackupStore {

    Jdbc jdbc();

    private static BackupVersion version(ResultSet rs) throws SQLException {
        return new BackupVersion(rs.getLong("version"), rs.getString("algorithm"), rs.getString("auth_data"), rs.getLong("etag"));
    }

    private static BackedUpKey key(ResultSet rs) throws SQLException {
        return new BackedUpKey(rs.getString("room_id"), rs.getString("session_id"), rs.getLong("first_message_index"),
                rs.getLong("forwarded_count"), rs.getInt("is_verified") != 0, rs.getString("key_data"));
    }

    @Override
    default long createBackupVersion(String userId, String algorithm, String authData) {
        return jdbc().transaction(c -> {
            long version = Jdbc.query(c, "SELECT MAX(version) FROM room_keys_versions WHERE user_id = ?", rs -> rs.getLong(1), userId)
                    .getFirst() + 1; // MAX of no rows is null, read as 0
            Jdbc.update(c, "INSERT INTO room_keys_versions (user_id, version, algorithm, auth_data, etag, deleted) VALUES (?, ?, ?, ?, 0, 0)",
                    userId, version, algorithm, authData);
            return version;
        });
    }

    @Override
    default Optional<BackupVersion> backupVersion(String userId, long version) {
        return jdbc().one("SELECT * FROM room_keys_versions WHERE user_id = ? AND version = ? AND deleted = 0", JdbcKeyBackupStore::version,
                userId, version);
    }

    @Override
    default Optional<BackupVersion> latestBackupVersion(String userId) {
        return jdbc().one("SELECT * FROM room_keys_versions WHERE user_id = ? AND deleted = 0 ORDER BY version DESC LIMIT 1",
                JdbcKeyBackupStore::version, userId);
    }

    @Override
    default long backedUpKeyCount(String userId, long version) {
        return jdbc().one("SELECT COUNT(*) FROM room_keys WHERE user_id = ? AND version = ?", rs -> rs.getLong(1), userId, version).orElse(0L);
    }

    @Override
    default boolean updateBackupAuthData(String userId, long version, String authData) {
        return jdbc().update("UPDATE room_keys_versions SET auth_data = ? WHERE user_id = ? AND version = ? AND deleted = 0", authData, userId,
                version) == 1;
    }

    @Override
    default boolean deleteBackupVersion(String userId, long version) {
        return jdbc().transaction(c -> {
            Jdbc.update(c, "DELETE FROM room_keys WHERE user_id = ? AND version = ?", userId, version);
            return Jdbc.update(c, "UPDATE room_keys_versions SET deleted = 1 WHERE user_id = ? AND version = ?", userId, version) == 1;
        });
    }

    @Override
    default List<BackedUpKey> backedUpKeys(String userId, long version, Optional<String> roomId, Optional<String> sessionId) {
        if (sessionId.isPresent()) {
            return jdbc().query("SELECT * FROM room_keys WHERE user_id = ? AND version = ? AND room_id = ? AND session_id = ?",
                    JdbcKeyBackupStore::key, userId, version, roomId.orElseThrow(), sessionId.get());
        }
        if (roomId.isPresent()) {
            return jdbc().query("SELECT * FROM room_keys WHERE user_id = ? AND version = ? AND room_id = ? ORDER BY session_id",
                    JdbcKeyBackupStore::key, userId, version, roomId.get());
        }
        return jdbc().query("SELECT * FROM room_keys WHERE user_id = ? AND version = ? ORDER BY room_id, session_id", JdbcKeyBackupStore::key,
                userId, version);
    }

    @Override
    default BackupState putBackedUpKeys(String userId, long version, List<BackedUpKey> keys,
            BiPredicate<BackedUpKey, BackedUpKey> replaces) {
        return jdbc().transaction(c -> {
            boolean changed = false;
            for (BackedUpKey offered : keys) {
                List<BackedUpKey> held = Jdbc.query(c, "SELECT * FROM room_keys WHERE user_id = ? AND version = ? AND room_id = ? "
                        + "AND session_id = ?", JdbcKeyBackupStore::key, userId, version, offered.roomId(), offered.sessionId());
                if (held.isEmpty() || replaces.test(held.getFirst(), offered)) {
                    Jdbc.update(c, "INSERT INTO room_keys (user_id, version, room_id, session_id, first_message_index, forwarded_count, "
                            + "is_verified, key_data) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, version, room_id, session_id) "
                            + "DO UPDATE SET first_message_index = excluded.first_message_index, forwarded_count = excluded.forwarded_count, "
                            + "is_verified = excluded.is_verified, key_data = excluded.key_data", userId, version, offered.roomId(),
                            offered.sessionId(), offered.firstMessageIndex(), offered.forwardedCount(), offered.verified(), offered.json());
                    changed = true;
                }
            }
            return state(c, userId, version, changed);
        });
    }

    @Override
    default BackupState deleteBackedUpKeys(String userId, long version, Optional<String> roomId, Optional<String> sessionId) {
        return jdbc().transaction(c -> {
            int deleted;
            if (sessionId.isPresent()) {
                deleted = Jdbc.update(c, "DELETE FROM room_keys WHERE user_id = ? AND version = ? AND room_id = ? AND session_id = ?", userId,
                        version, roomId.orElseThrow(), sessionId.get());
            } else if (roomId.isPresent()) {
                deleted = Jdbc.update(c, "DELETE FROM room_keys WHERE user_id = ? AND version = ? AND room_id = ?", userId, version,
                        roomId.get());
            } else {
                deleted = Jdbc.update(c, "DELETE FROM room_keys WHERE user_id = ? AND version = ?", userId, version);
            }
            return state(c, userId, version, deleted > 0);
        });
    }

    /** The etag (counted up first when {@code changed}) and key count of a version, in a transaction. */
    private static BackupState state(Connection c, String userId, long version, boolean changed) throws SQLException {
        if (changed) {
            Jdbc.update(c, "UPDATE room_keys_versions SET etag = etag + 1 WHERE user_id = ? AND version = ?", userId, version);
        }
        long etag = Jdbc.query(c, "SELECT etag FROM room_keys_versions WHERE user_id = ? AND version = ?", rs -> rs.getLong(1), userId,
                version).stream().findFirst().orElse(0L);
        long count = Jdbc.query(c, "SELECT COUNT(*) FROM room_keys WHERE user_id = ? AND version = ?", rs -> rs.getLong(1), userId, version)
                .getFirst();
        return new BackupState(etag, count);
    }

    @Override
    default void deleteKeyBackups(String userId) {
        jdbc().transaction(c -> {
            Jdbc.update(c, "DELETE FROM room_keys WHERE user_id = ?", userId);
            Jdbc.update(c, "DELETE FROM room_keys_versions WHERE user_id = ?", userId);
            return null;
        });
    }
}
