package dev.mxspec.homeserver.storage;

import dev.mxspec.homeserver.storage.Records.DeviceKeys;
import dev.mxspec.homeserver.storage.Records.OneTimeKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The SQL of {@link DeviceKeyStore} (portable: SQLite and PostgreSQL), mixed into {@link JdbcStorage}. */
interface JdbcDeviceKeyStore extends DeviceKeyStore {

    Jdbc jdbc();

    @Override
    default void saveDeviceKeys(String userId, String deviceId, String json) {
        jdbc().update("INSERT INTO device_keys (user_id, device_id, json) VALUES (?, ?, ?) "
                + "ON CONFLICT (user_id, device_id) DO UPDATE SET json = excluded.json", userId, deviceId, json);
    }

    @Override
    default List<DeviceKeys> deviceKeys(String userId) {
        return jdbc().query("SELECT k.user_id, k.device_id, k.json, d.display_name FROM device_keys k JOIN devices d "
                + "ON d.user_id = k.user_id AND d.device_id = k.device_id WHERE k.user_id = ? ORDER BY k.device_id",
                rs -> new DeviceKeys(rs.getString(1), rs.getString(2), rs.getString(3), Jdbc.optString(rs, "display_name")), userId);
    }

    @Override
    default void addOneTimeKeys(String userId, String deviceId, List<OneTimeKey> keys) {
        jdbc().transaction(c -> {
            for (OneTimeKey k : keys) {
                Jdbc.update(c, "INSERT INTO one_time_keys (user_id, device_id, key_id, algorithm, json) VALUES (?, ?, ?, ?, ?) "
                        + "ON CONFLICT (user_id, device_id, key_id) DO NOTHING", userId, deviceId, k.keyId(), k.algorithm(), k.json());
            }
            return null;
        });
    }

    @Override
    default Map<String, Long> oneTimeKeyCounts(String userId, String deviceId) {
        Map<String, Long> counts = new java.util.TreeMap<>();
        jdbc().query("SELECT algorithm, COUNT(*) FROM one_time_keys WHERE user_id = ? AND device_id = ? GROUP BY algorithm",
                rs -> counts.put(rs.getString(1), rs.getLong(2)), userId, deviceId);
        return counts;
    }

    @Override
    default Optional<OneTimeKey> claimOneTimeKey(String userId, String deviceId, String algorithm) {
        for (int attempt = 0; attempt < 5; attempt++) { // a concurrent claim may take the same key first
            Optional<OneTimeKey> first = jdbc().one("SELECT key_id, algorithm, json FROM one_time_keys WHERE user_id = ? AND device_id = ? "
                    + "AND algorithm = ? ORDER BY key_id LIMIT 1", rs -> new OneTimeKey(rs.getString(1), rs.getString(2), rs.getString(3)),
                    userId, deviceId, algorithm);
            if (first.isEmpty()) {
                return first;
            }
            if (jdbc().update("DELETE FROM one_time_keys WHERE user_id = ? AND device_id = ? AND key_id = ?", userId, deviceId,
                    first.get().keyId()) == 1) {
                return first;
            }
        }
        return Optional.empty();
    }

    @Override
    default void saveFallbackKey(String userId, String deviceId, OneTimeKey key) {
        jdbc().update("INSERT INTO fallback_keys (user_id, device_id, algorithm, key_id, json, used) VALUES (?, ?, ?, ?, ?, 0) "
                + "ON CONFLICT (user_id, device_id, algorithm) DO UPDATE SET key_id = excluded.key_id, json = excluded.json, used = 0",
                userId, deviceId, key.algorithm(), key.keyId(), key.json());
    }

    @Override
    default Optional<OneTimeKey> useFallbackKey(String userId, String deviceId, String algorithm) {
        Optional<OneTimeKey> key = jdbc().one("SELECT key_id, algorithm, json FROM fallback_keys WHERE user_id = ? AND device_id = ? "
                + "AND algorithm = ?", rs -> new OneTimeKey(rs.getString(1), rs.getString(2), rs.getString(3)), userId, deviceId, algorithm);
        key.ifPresent(k -> jdbc().update("UPDATE fallback_keys SET used = 1 WHERE user_id = ? AND device_id = ? AND algorithm = ?",
                userId, deviceId, algorithm));
        return key;
    }

    @Override
    default List<String> unusedFallbackKeyTypes(String userId, String deviceId) {
        return jdbc().query("SELECT algorithm FROM fallback_keys WHERE user_id = ? AND device_id = ? AND used = 0 ORDER BY algorithm",
                rs -> rs.getString(1), userId, deviceId);
    }

    @Override
    default void deviceListChanged(String userId, long streamPos) {
        jdbc().update("INSERT INTO device_list_changes (user_id, stream_pos) VALUES (?, ?) "
                + "ON CONFLICT (user_id) DO UPDATE SET stream_pos = excluded.stream_pos", userId, streamPos);
    }

    @Override
    default List<String> deviceListsChangedSince(List<String> userIds, long after, long upTo) {
        if (userIds.isEmpty()) {
            return List.of();
        }
        List<Object> params = new ArrayList<>(userIds);
        params.add(after);
        params.add(upTo);
        return jdbc().query("SELECT user_id FROM device_list_changes WHERE user_id IN ("
                + String.join(",", Collections.nCopies(userIds.size(), "?")) + ") AND stream_pos > ? AND stream_pos <= ? ORDER BY user_id",
                rs -> rs.getString(1), params.toArray());
    }
}
