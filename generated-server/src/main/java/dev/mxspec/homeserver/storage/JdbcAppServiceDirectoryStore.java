package dev.mxspec.homeserver.storage;

import dev.mxspec.homeserver.storage.Records.Room;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** The SQL of {@link AppServiceDirectoryStore} (portable: SQLite and PostgreSQL), mixed into {@link JdbcStorage}. */
interface JdbcAppServiceDirectoryStore extends AppServiceDirectoryStore {

    Jdbc jdbc();

    private static Room room(ResultSet rs) throws SQLException {
        return new Room(rs.getString("room_id"), rs.getString("room_version"), rs.getString("creator"), rs.getInt("published") != 0,
                rs.getLong("created_ts"));
    }

    @Override
    default void setAppServiceRoom(String appServiceId, String networkId, String roomId, boolean listed) {
        if (listed) {
            jdbc().update("INSERT INTO appservice_room_list (appservice_id, network_id, room_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                    appServiceId, networkId, roomId);
        } else {
            jdbc().update("DELETE FROM appservice_room_list WHERE appservice_id = ? AND network_id = ? AND room_id = ?", appServiceId,
                    networkId, roomId);
        }
    }

    @Override
    default List<Room> appServiceRooms(Optional<String> appServiceId, String networkId) {
        if (appServiceId.isPresent()) {
            return jdbc().query("SELECT * FROM rooms WHERE room_id IN (SELECT room_id FROM appservice_room_list WHERE appservice_id = ? "
                    + "AND network_id = ?) ORDER BY created_ts, room_id", JdbcAppServiceDirectoryStore::room, appServiceId.get(), networkId);
        }
        return jdbc().query("SELECT * FROM rooms WHERE room_id IN (SELECT room_id FROM appservice_room_list WHERE network_id = ?) "
                + "ORDER BY created_ts, room_id", JdbcAppServiceDirectoryStore::room, networkId);
    }

    @Override
    default List<Room> roomsOfAllDirectories() {
        return jdbc().query("SELECT * FROM rooms WHERE published = 1 OR room_id IN (SELECT room_id FROM appservice_room_list) "
                + "ORDER BY created_ts, room_id", JdbcAppServiceDirectoryStore::room);
    }
}
