package dev.mxspec.homeserver.storage;

import java.util.List;
import java.util.Optional;

/** The SQL of {@link DeviceFederationStore} (portable: SQLite and PostgreSQL), mixed into {@link JdbcStorage}. */
interface JdbcDeviceFederationStore extends DeviceFederationStore {

    Jdbc jdbc();

    @Override
    default List<AnnouncedDevice> announcedDevices(String userId) {
        return jdbc().query("SELECT user_id, device_id, stream_id, deleted, json FROM device_list_outbound WHERE user_id = ? "
                + "ORDER BY device_id", rs -> new AnnouncedDevice(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getInt(4) != 0,
                rs.getString(5)), userId);
    }

    @Override
    default void saveAnnouncedDevices(List<AnnouncedDevice> devices) {
        if (devices.isEmpty()) {
            return;
        }
        jdbc().transaction(c -> {
            for (AnnouncedDevice d : devices) {
                Jdbc.update(c, "INSERT INTO device_list_outbound (user_id, device_id, stream_id, deleted, json) VALUES (?, ?, ?, ?, ?) "
                        + "ON CONFLICT (user_id, device_id) DO UPDATE SET stream_id = excluded.stream_id, deleted = excluded.deleted, "
                        + "json = excluded.json", d.userId(), d.deviceId(), d.streamId(), d.deleted() ? 1 : 0, d.json());
            }
            return null;
        });
    }

    @Override
    default Optional<RemoteDeviceList> remoteDeviceList(String userId) {
        return jdbc().one("SELECT user_id, stream_id, devices FROM remote_device_lists WHERE user_id = ?",
                rs -> new RemoteDeviceList(rs.getString(1), rs.getLong(2), rs.getString(3)), userId);
    }

    @Override
    default void saveRemoteDeviceList(RemoteDeviceList list) {
        jdbc().update("INSERT INTO remote_device_lists (user_id, stream_id, devices) VALUES (?, ?, ?) ON CONFLICT (user_id) "
                + "DO UPDATE SET stream_id = excluded.stream_id, devices = excluded.devices", list.userId(), list.streamId(), list.devices());
    }

    @Override
    default boolean updateRemoteDeviceList(RemoteDeviceList list, long expectedStreamId) {
        return jdbc().update("UPDATE remote_device_lists SET stream_id = ?, devices = ? WHERE user_id = ? AND stream_id = ?",
                list.streamId(), list.devices(), list.userId(), expectedStreamId) == 1;
    }

    @Override
    default void dropRemoteDeviceList(String userId) {
        jdbc().update("DELETE FROM remote_device_lists WHERE user_id = ?", userId);
    }

    @Override
    default boolean saveReceivedToDevice(String origin, String messageId, long ts) {
        return jdbc().update("INSERT INTO federation_received_to_device (origin, message_id, received_ts) VALUES (?, ?, ?) "
                + "ON CONFLICT (origin, message_id) DO NOTHING", origin, messageId, ts) == 1;
    }
}
