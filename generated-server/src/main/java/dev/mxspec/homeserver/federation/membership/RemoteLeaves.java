package dev.mxspec.homeserver.federation.membership;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.crypto.ServerKeys;
import dev.mxspec.homeserver.federation.FederationClient;
import dev.mxspec.homeserver.rooms.EventIds;
import dev.mxspec.homeserver.rooms.PduView;
import dev.mxspec.homeserver.rooms.RoomVersion;
import dev.mxspec.homeserver.rooms.RoomVersions;
import dev.mxspec.homeserver.services.RoomService;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.spec.v1_7.serverserver.endpoints.MakeLeave;
import dev.mxspec.spec.v1_7.serverserver.endpoints.SendLeaveV2;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A local user leaves a room this server does not hold, which is rejecting an invite from another server
 * (server-server API, "Leaving Rooms (Rejecting Invites)"): {@code make_leave} at a server of the room, the template
 * checked (the user's own leave of that room) and signed here, {@code send_leave} (v2), and the leave kept as the
 * user's membership ({@link MembershipProtocols#keepRemoteLeave}). The inviting server is tried first, then the room ID's own.
 */
public final class RemoteLeaves implements RoomService.RemoteLeaver {

    private final RoomService rooms;
    private final FederationClient client;
    private final ServerKeys keys;
    private final String serverName;

    public RemoteLeaves(RoomService rooms, FederationClient client, ServerKeys keys, String serverName) {
        this.rooms = rooms;
        this.client = client;
        this.keys = keys;
        this.serverName = serverName;
    }

    @Override
    public String leave(String userId, String roomId, List<String> servers) {
        return ThroughServers.first(serverName, roomId, servers, "leaving", server -> leaveThrough(server, userId, roomId),
                (anyServer, failures) -> new MatrixException(502, ErrorCodes.M_UNKNOWN, "no server of the room took the leave of "
                        + userId + ": " + String.join("; ", failures)));
    }

    private String leaveThrough(String server, String userId, String roomId) throws IOException {
        FederationClient.Response made = client.send(server, "GET", MakeLeave.ENDPOINT.expand(Map.of("roomId", roomId, "userId", userId)),
                Optional.empty());
        if (made.status() != 200 || !(made.body().path("event") instanceof ObjectNode template)) {
            throw refused("make_leave", made);
        }
        String versionId = made.body().path("room_version").asText("1");
        RoomVersion version = RoomVersions.of(versionId).orElseThrow(() -> new MatrixException(400, ErrorCodes.M_UNSUPPORTED_ROOM_VERSION,
                "the room's version " + versionId + " is not supported here"));
        PduView view = new PduView(template);
        if (!view.roomId().equals(roomId) || !view.sender().equals(userId) || !view.type().equals("m.room.member")
                || !view.stateKey().equals(Optional.of(userId)) || !view.membership().equals(Optional.of("leave"))) {
            throw new MatrixException(502, ErrorCodes.M_UNKNOWN, server + " answered make_leave with another event than " + userId
                    + "'s leave of " + roomId);
        }
        ObjectNode leave = rooms.membershipProtocols().signTemplate(template, version.id());
        String eventId = EventIds.of(leave, version).orElseThrow();
        FederationClient.Response sent = client.send(server, "PUT", SendLeaveV2.ENDPOINT.expand(Map.of("roomId", roomId, "eventId", eventId)),
                Optional.of(leave));
        if (sent.status() != 200) {
            throw refused("send_leave", sent);
        }
        rooms.membershipProtocols().keepRemoteLeave(leave, keys);
        return eventId;
    }

    private static MatrixException refused(String step, FederationClient.Response r) {
        return new MatrixException(502, ErrorCodes.M_UNKNOWN, step + " answered " + r.status() + " " + r.body().path("errcode").asText(""));
    }
}
