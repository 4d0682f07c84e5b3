package dev.mxspec.homeserver.storage;

import dev.mxspec.homeserver.storage.Records.Room;
import java.util.List;
import java.util.Optional;

/** The room lists application services keep for their third-party networks, beside the server's own directory. */
public interface AppServiceDirectoryStore {

    /** Puts the room in (or takes it out of) the list the service keeps for the network. */
    void setAppServiceRoom(String appServiceId, String networkId, String roomId, boolean listed);

    /** The rooms in the network's list of the service, or of every service when {@code appServiceId} is empty; oldest first. */
    List<Room> appServiceRooms(Optional<String> appServiceId, String networkId);

    /** The rooms of the server's directory and of every network's list, each once; oldest first. */
    List<Room> roomsOfAllDirectories();
}
