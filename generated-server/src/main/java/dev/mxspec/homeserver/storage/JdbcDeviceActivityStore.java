package dev.mxspec.homeserver.storage;

import java.util.List;
import java.util.Optional;

/** The SQL of {@link DeviceActivityStore} (portable: SQLite and PostgreSQL), mixed into {@link JdbcStorage}. */
interface JdbcDeviceActivityStore extends DeviceActivityStore {

    Jdbc jdbc();

    @Override
    default void deviceSeen(String userId, String deviceId, long ts, String ip, Optional<String> userAgent) {
        jdbc().update("UPDATE devices SET last_seen_ts = ?, last_seen_ip = ?, last_seen_user_agent = ? WHERE user_id = ? AND device_id = ?",
                ts, ip, userAgent, userId, deviceId);
    }

    @Override
    default List<DeviceActivity> deviceActivity(String userId) {
        return jdbc().query("SELECT device_id, last_seen_ts, last_seen_ip, last_seen_user_agent FROM devices WHERE user_id = ? ORDER BY device_id",
                rs -> new DeviceActivity(rs.getString("device_id"), Jdbc.optLong(rs, "last_seen_ts"), Jdbc.optString(rs, "last_seen_ip"),
                        Jdbc.optString(rs, "last_seen_user_agent")), userId);
    }
}
