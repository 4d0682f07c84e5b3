package dev.mxspec.homeserver.storage;

import java.util.List;
import java.util.Optional;

/** The SQL of {@link ServerKeyStore} (portable: SQLite and PostgreSQL), mixed into {@link JdbcStorage}. */
interface JdbcServerKeyStore extends ServerKeyStore {

    Jdbc jdbc();

    @Override
    default Optional<String> signingSeed(String keyId) {
        return jdbc().one("SELECT seed FROM server_keys WHERE key_id = ?", rs -> rs.getString(1), keyId);
    }

    @Override
    default void saveSigningSeed(String keyId, String seed, long createdTs) {
        jdbc().update("INSERT INTO server_keys (key_id, seed, created_ts) VALUES (?, ?, ?)", keyId, seed, createdTs);
    }

    @Override
    default List<StoredSigningKey> signingKeys() {
        return jdbc().query("SELECT key_id, seed, created_ts, expired_ts FROM server_keys ORDER BY created_ts, key_id",
                rs -> new StoredSigningKey(rs.getString(1), rs.getString(2), rs.getLong(3), Jdbc.optLong(rs, "expired_ts")));
    }

    @Override
    default void expireSigningKey(String keyId, long expiredTs) {
        jdbc().update("UPDATE server_keys SET expired_ts = ? WHERE key_id = ? AND expired_ts IS NULL", expiredTs, keyId);
    }
}
