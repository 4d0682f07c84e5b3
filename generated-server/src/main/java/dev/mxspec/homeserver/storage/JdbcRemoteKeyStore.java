package dev.mxspec.homeserver.storage;

import java.util.Optional;

/** The SQL of {@link RemoteKeyStore} (portable: SQLite and PostgreSQL), mixed into {@link JdbcStorage}. */
interface JdbcRemoteKeyStore extends RemoteKeyStore {

    Jdbc jdbc();

    @Override
    default Optional<RemoteKeys> remoteKeys(String serverName) {
        return jdbc().one("SELECT server_name, key_json, valid_until_ts, fetched_ts FROM remote_server_keys WHERE server_name = ?",
                rs -> new RemoteKeys(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4)), serverName);
    }

    @Override
    default void saveRemoteKeys(RemoteKeys keys) {
        jdbc().update("INSERT INTO remote_server_keys (server_name, key_json, valid_until_ts, fetched_ts) VALUES (?, ?, ?, ?) "
                + "ON CONFLICT (server_name) DO UPDATE SET key_json = excluded.key_json, valid_until_ts = excluded.valid_until_ts, "
                + "fetched_ts = excluded.fetched_ts", keys.serverName(), keys.keyJson(), keys.validUntilTs(), keys.fetchedTs());
    }
}
