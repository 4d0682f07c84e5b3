package dev.mxspec.homeserver.storage;

import dev.mxspec.homeserver.storage.Records.Pusher;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** The SQL of {@link PusherStore} (portable: SQLite and PostgreSQL), mixed into {@link JdbcStorage}. */
interface JdbcPusherStore extends PusherStore {

    Jdbc jdbc();

    @Override
    default List<Pusher> pushers(String userId) {
        return jdbc().query("SELECT * FROM pushers WHERE user_id = ? ORDER BY app_id, pushkey", JdbcPusherStore::pusher, userId);
    }

    @Override
    default List<Pusher> allPushers() {
        return jdbc().query("SELECT * FROM pushers ORDER BY user_id, app_id, pushkey", JdbcPusherStore::pusher);
    }

    @Override
    default Optional<Pusher> pusher(String appId, String pushkey, String userId) {
        return jdbc().one("SELECT * FROM pushers WHERE app_id = ? AND pushkey = ? AND user_id = ?", JdbcPusherStore::pusher, appId, pushkey,
                userId);
    }

    @Override
    default void savePusher(Pusher p) {
        jdbc().update("INSERT INTO pushers (user_id, app_id, pushkey, kind, app_display_name, device_display_name, profile_tag, lang, data, "
                + "device_id, pushkey_ts, last_stream_pos, failing_since) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT (app_id, pushkey, user_id) DO UPDATE SET kind = excluded.kind, app_display_name = excluded.app_display_name, "
                + "device_display_name = excluded.device_display_name, profile_tag = excluded.profile_tag, lang = excluded.lang, "
                + "data = excluded.data, device_id = excluded.device_id", p.userId(), p.appId(), p.pushkey(), p.kind(), p.appDisplayName(),
                p.deviceDisplayName(), p.profileTag(), p.lang(), p.data(), p.deviceId(), p.pushkeyTs(), p.lastStreamPos(), p.failingSince());
    }

    @Override
    default boolean deletePusher(String appId, String pushkey, String userId) {
        return jdbc().update("DELETE FROM pushers WHERE app_id = ? AND pushkey = ? AND user_id = ?", appId, pushkey, userId) > 0;
    }

    @Override
    default void deleteOtherUsersPushers(String appId, String pushkey, String userId) {
        jdbc().update("DELETE FROM pushers WHERE app_id = ? AND pushkey = ? AND user_id <> ?", appId, pushkey, userId);
    }

    @Override
    default void pusherProgress(String appId, String pushkey, String userId, long lastStreamPos, Optional<Long> failingSince) {
        jdbc().update("UPDATE pushers SET last_stream_pos = ?, failing_since = ? WHERE app_id = ? AND pushkey = ? AND user_id = ?",
                lastStreamPos, failingSince, appId, pushkey, userId);
    }

    private static Pusher pusher(ResultSet rs) throws SQLException {
        return new Pusher(rs.getString("user_id"), rs.getString("app_id"), rs.getString("pushkey"), rs.getString("kind"),
                rs.getString("app_display_name"), rs.getString("device_display_name"), Jdbc.optString(rs, "profile_tag"), rs.getString("lang"),
                rs.getString("data"), Jdbc.optString(rs, "device_id"), rs.getLong("pushkey_ts"), rs.getLong("last_stream_pos"),
                Jdbc.optLong(rs, "failing_since"));
    }
}
