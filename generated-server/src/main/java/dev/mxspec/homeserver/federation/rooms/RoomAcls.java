package dev.mxspec.homeserver.federation.rooms;

import dev.mxspec.homeserver.federation.ServerAcl;
import dev.mxspec.homeserver.services.ClientEvents;
import dev.mxspec.homeserver.services.RoomService;
import dev.mxspec.runtime.api.MatrixException;

/**
 * The server ACL of a room applied to the servers that ask something of it: the {@link ServerAcl} of the room's current
 * {@code m.room.server_acl} state; a room without one (or unknown here) lets every server in.
 */
public final class RoomAcls {

    private final RoomService rooms;

    public RoomAcls(RoomService rooms) {
        this.rooms = rooms;
    }

    /** Whether {@code server} may take part in the room now. */
    public boolean allows(String roomId, String server) {
        return rooms.stateEvent(roomId, "m.room.server_acl", "")
                .map(e -> ServerAcl.of(ClientEvents.parse(e.json()).path("content")).allows(server)).orElse(true);
    }

    /** {@code M_FORBIDDEN} (403) when the room's server ACL denies {@code server}. */
    public void require(String roomId, String server) {
        if (!allows(roomId, server)) {
            throw MatrixException.forbidden("the server ACL of room " + roomId + " denies " + server);
        }
    }
}
