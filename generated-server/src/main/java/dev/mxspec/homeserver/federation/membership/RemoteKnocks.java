package dev.mxspec.homeserver.federation.membership;

import com.fasterxml.jackson.databind.node.ArrayNode;
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
import dev.mxspec.spec.v1_7.serverserver.endpoints.MakeKnock;
import dev.mxspec.spec.v1_7.serverserver.endpoints.SendKnock;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A local user knocks on a room this server does not hold (server-server API, "Knocking upon a room"):
 * {@code make_knock} at a server of the room, the template checked (the user's own knock on that room) and signed
 * here, {@code send_knock}, and the knock kept as the user's membership with the stripped state answered
 * ({@link MembershipProtocols#keepRemoteKnock}), which his {@code /sync} shows under {@code rooms.knock}. The servers named
 * by the client are tried in order, then the room ID's own.
 */
public final class RemoteKnocks implements RoomService.RemoteKnocker {

    private final RoomService rooms;
    private final FederationClient client;
    private final ServerKeys keys;
    private final String serverName;

    public RemoteKnocks(RoomService rooms, FederationClient client, ServerKeys keys, String serverName) {
        this.rooms = rooms;
        this.client = client;
        this.keys = keys;
        this.serverName = serverName;
    }

    @Override
    public String knock(String userId, String roomId, List<String> servers, Optional<String> reason) {
        return ThroughServers.first(serverName, roomId, servers, "knocking", server -> knockThrough(server, userId, roomId, reason),
                (anyServer, failures) -> new MatrixException(anyServer ? 403 : 404, anyServer ? ErrorCodes.M_FORBIDDEN : ErrorCodes.M_NOT_FOUND,
                        !anyServer ? "unknown room " + roomId : "no server of the room took the knock of " + userId + ": "
                                + String.join("; ", failures)));
    }

    private String knockThrough(String server, String userId, String roomId, Optional<String> reason) throws IOException {
        String path = MakeKnock.ENDPOINT.expand(Map.of("roomId", roomId, "userId", userId)) + RemoteJoins.versions(rooms);
        FederationClient.Response made = client.send(server, "GET", path, Optional.empty());
        if (made.status() != 200 || !(made.body().path("event") instanceof ObjectNode template)) {
            throw RemoteJoins.refused("make_knock", made);
        }
        String versionId = made.body().path("room_version").asText("");
        RoomVersion version = RoomVersions.of(versionId).orElseThrow(() -> new MatrixException(400, ErrorCodes.M_UNSUPPORTED_ROOM_VERSION,
                "the room's version " + versionId + " is not supported here"));
        PduView view = new PduView(template);
        if (!view.roomId().equals(roomId) || !view.sender().equals(userId) || !view.type().equals("m.room.member")
                || !view.stateKey().equals(Optional.of(userId)) || !view.membership().equals(Optional.of("knock"))) {
            throw new MatrixException(502, ErrorCodes.M_UNKNOWN, server + " answered make_knock with another event than " + userId
                    + "'s knock on " + roomId);
        }
        ObjectNode content = (ObjectNode) template.path("content");
        rooms.memberContent(userId, "knock").properties().forEach(e -> content.set(e.getKey(), e.getValue()));
        reason.ifPresent(r -> content.put("reason", r));
        ObjectNode knock = rooms.membershipProtocols().signTemplate(template, version.id());
        String eventId = EventIds.of(knock, version).orElseThrow();
        FederationClient.Response sent = client.send(server, "PUT", SendKnock.ENDPOINT.expand(Map.of("roomId", roomId, "eventId", eventId)),
                Optional.of(knock));
        if (sent.status() != 200 || !(sent.body().path("knock_room_state") instanceof ArrayNode state)) {
            throw RemoteJoins.refused("send_knock", sent);
        }
        rooms.membershipProtocols().keepRemoteKnock(knock, version.id(), state, keys);
        return eventId;
    }
}
