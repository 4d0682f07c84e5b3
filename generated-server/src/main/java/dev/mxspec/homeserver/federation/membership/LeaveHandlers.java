package dev.mxspec.homeserver.federation.membership;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.mxspec.homeserver.crypto.ServerKeys;
import dev.mxspec.homeserver.federation.rooms.RoomAcls;
import dev.mxspec.homeserver.services.RoomService;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.runtime.server.RequestContext;
import dev.mxspec.spec.v1_7.serverserver.MakeLeaveResponse;
import dev.mxspec.spec.v1_7.serverserver.endpoints.MakeLeave;
import dev.mxspec.spec.v1_7.serverserver.endpoints.SendLeaveV1;
import dev.mxspec.spec.v1_7.serverserver.endpoints.SendLeaveV2;
import dev.mxspec.spec.v1_7.serverserver.server.LeavingV1Handler;
import dev.mxspec.spec.v1_7.serverserver.server.LeavingV2Handler;

/**
 * Leaves of other servers' users from rooms of this server, mostly invites they reject (server-server API, "Leaving
 * Rooms"): {@code make_leave} (a template, {@link MembershipProtocols#leaveTemplate}) and {@code send_leave} (the signed leave
 * taken in as any event of the room, {@link MembershipProtocols#acceptLeave}); v1 answers {@code [200, {}]}. A server the
 * room's server ACL denies gets {@code M_FORBIDDEN} ({@link RoomAcls}).
 */
public final class LeaveHandlers implements LeavingV1Handler, LeavingV2Handler {

    private final RoomService rooms;
    private final ServerKeys keys;
    private final RoomAcls acls;

    public LeaveHandlers(RoomService rooms, ServerKeys keys) {
        this.rooms = rooms;
        this.keys = keys;
        this.acls = new RoomAcls(rooms);
    }

    @Override
    public MakeLeaveResponse makeLeave(RequestContext context, MakeLeave.Request request) {
        acls.require(request.roomId(), RequestBodies.origin(context));
        return MatrixJson.mapper().convertValue(rooms.membershipProtocols().leaveTemplate(RequestBodies.origin(context), request.roomId(), request.userId()),
                MakeLeaveResponse.class);
    }

    @Override
    public JsonNode sendLeaveV2(RequestContext context, SendLeaveV2.Request request) {
        accept(context, request.roomId(), request.eventId());
        return MatrixJson.mapper().createObjectNode();
    }

    @Override
    @SuppressWarnings("deprecation") // v1 is deprecated, not removed: servers still send it
    public JsonNode sendLeaveV1(RequestContext context, SendLeaveV1.Request request) {
        accept(context, request.roomId(), request.eventId());
        ArrayNode pair = MatrixJson.mapper().createArrayNode();
        pair.add(200);
        pair.addObject();
        return pair;
    }

    private void accept(RequestContext context, String roomId, String eventId) {
        acls.require(roomId, RequestBodies.origin(context));
        rooms.membershipProtocols().acceptLeave(RequestBodies.origin(context), roomId, eventId, RequestBodies.object(context, "the leave event"), keys);
    }
}
