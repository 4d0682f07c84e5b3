package dev.mxspec.homeserver.storage;

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
}
