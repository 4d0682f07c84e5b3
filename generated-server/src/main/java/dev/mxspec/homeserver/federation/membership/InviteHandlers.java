package dev.mxspec.homeserver.federation.membership;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.crypto.ServerKeys;
import dev.mxspec.homeserver.federation.rooms.RoomAcls;
import dev.mxspec.homeserver.rooms.EventIds;
import dev.mxspec.homeserver.rooms.MatrixIds;
import dev.mxspec.homeserver.rooms.RoomVersion;
import dev.mxspec.homeserver.rooms.RoomVersions;
import dev.mxspec.homeserver.services.RoomService;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.runtime.server.RequestContext;
import dev.mxspec.spec.v1_7.serverserver.EventContainer;
import dev.mxspec.spec.v1_7.serverserver.endpoints.SendInviteV1;
import dev.mxspec.spec.v1_7.serverserver.endpoints.SendInviteV2;
import dev.mxspec.spec.v1_7.serverserver.server.InvitesV1Handler;
import dev.mxspec.spec.v1_7.serverserver.server.InvitesV2Handler;
import java.util.Optional;

/**
 * Invites of local users by users of other servers (server-server API, "Inviting to a room"): the invite checked (an
 * invite of a registered local user, sent by a user of the requesting server, into the room and under the event ID the
 * path names, of a room version this server supports, signed by the origin), co-signed and kept
 * ({@link MembershipProtocols#acceptInvite}), so the user sees it in {@code /sync} and can join or reject it. v1 carries no
 * room version: its rooms are of version 1, and its stripped state is in the event's {@code unsigned}. Into a room this
 * server is in, a server the room's server ACL denies gets {@code M_FORBIDDEN} ({@link RoomAcls}).
 */
public final class InviteHandlers implements InvitesV1Handler, InvitesV2Handler {

    private final RoomService rooms;
    private final ServerKeys keys;
    private final String serverName;
    private final RoomAcls acls;

    public InviteHandlers(RoomService rooms, ServerKeys keys, String serverName) {
        this.rooms = rooms;
        this.keys = keys;
        this.serverName = serverName;
        this.acls = new RoomAcls(rooms);
    }

    @Override
    public EventContainer sendInviteV2(RequestContext context, SendInviteV2.Request request) {
        ObjectNode body = RequestBodies.object(context, "the invite, its room version and stripped state");
        if (!(body.get("event") instanceof ObjectNode event)) {
            throw new MatrixException(400, ErrorCodes.M_BAD_JSON, "the body has no event");
        }
        ArrayNode state = body.get("invite_room_state") instanceof ArrayNode a ? a : MatrixJson.mapper().createArrayNode();
        ObjectNode signed = accept(RequestBodies.origin(context), request.roomId(), request.eventId(), event,
                body.path("room_version").asText(""), state);
        return MatrixJson.mapper().convertValue(MatrixJson.mapper().createObjectNode().set("event", signed), EventContainer.class);
    }

    @Override
    public JsonNode sendInviteV1(RequestContext context, SendInviteV1.Request request) {
        ObjectNode event = RequestBodies.object(context, "the invite event");
        ArrayNode state = event.path("unsigned").get("invite_room_state") instanceof ArrayNode a ? a.deepCopy()
                : MatrixJson.mapper().createArrayNode();
        ObjectNode signed = accept(RequestBodies.origin(context), request.roomId(), request.eventId(), event, "1", state);
        ArrayNode pair = MatrixJson.mapper().createArrayNode();
        pair.add(200);
        pair.addObject().set("event", signed);
        return pair;
    }

    private ObjectNode accept(String origin, String roomId, String eventId, ObjectNode event, String roomVersion, ArrayNode state) {
        acls.require(roomId, origin);
        Optional<RoomVersion> version = RoomVersions.of(roomVersion).filter(v -> rooms.rules().supportedVersions().contains(v.id()));
        if (version.isEmpty()) {
            throw new MatrixException(400, ErrorCodes.M_INCOMPATIBLE_ROOM_VERSION, "room version " + roomVersion + " is not supported here",
                    MatrixJson.mapper().createObjectNode().put("room_version", roomVersion));
        }
        String target = event.path("state_key").asText("");
        if (!event.path("room_id").asText("").equals(roomId) || !event.path("type").asText("").equals("m.room.member")
                || !event.path("content").path("membership").asText("").equals("invite") || target.isEmpty()) {
            throw new MatrixException(400, ErrorCodes.M_BAD_JSON, "not an invite to " + roomId);
        }
        if (!MatrixIds.serverOf(event.path("sender").asText("")).equals(Optional.of(origin))) {
            throw MatrixException.forbidden("the invite is sent by a user of another server than " + origin);
        }
        if (!MatrixIds.serverOf(target).equals(Optional.of(serverName))) {
            throw MatrixException.forbidden("the invite is for " + target + ", not a user of this server");
        }
        if (!rooms.localUser(target)) {
            throw new MatrixException(404, ErrorCodes.M_NOT_FOUND, "no user " + target + " here");
        }
        if (!EventIds.of(event, version.get()).equals(Optional.of(eventId))) {
            throw new MatrixException(400, ErrorCodes.M_BAD_JSON, "the event's ID is not " + eventId);
        }
        return rooms.membershipProtocols().acceptInvite(event, version.get().id(), state, keys);
    }
}
