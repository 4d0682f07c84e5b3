package dev.mxspec.homeserver.federation.membership;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.crypto.ServerKeys;
import dev.mxspec.homeserver.federation.rooms.RoomAcls;
import dev.mxspec.homeserver.services.RoomService;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.runtime.server.RequestContext;
import dev.mxspec.spec.v1_7.serverserver.MakeKnockResponse;
import dev.mxspec.spec.v1_7.serverserver.SendKnockResponse;
import dev.mxspec.spec.v1_7.serverserver.endpoints.MakeKnock;
import dev.mxspec.spec.v1_7.serverserver.endpoints.SendKnock;
import dev.mxspec.spec.v1_7.serverserver.server.KnocksHandler;
import java.util.List;

/**
 * Knocks of other servers' users on rooms of this server (server-server API, "Knocking upon a room"):
 * {@code make_knock} (a template, {@link MembershipProtocols#knockTemplate}: a room whose join rule takes knocks, a
 * version the origin supports) and {@code send_knock} (the signed knock taken in as any event of the room, answered
 * with the room's stripped state, {@link MembershipProtocols#acceptKnock}). A server the room's server ACL denies gets
 * {@code M_FORBIDDEN} ({@link RoomAcls}).
 */
public final class KnockHandlers implements KnocksHandler {

    private final RoomService rooms;
    private final ServerKeys keys;
    private final RoomAcls acls;

    public KnockHandlers(RoomService rooms, ServerKeys keys) {
        this.rooms = rooms;
        this.keys = keys;
        this.acls = new RoomAcls(rooms);
    }

    @Override
    public MakeKnockResponse makeKnock(RequestContext context, MakeKnock.Request request) {
        String origin = RequestBodies.origin(context);
        acls.require(request.roomId(), origin);
        ObjectNode template = rooms.membershipProtocols().knockTemplate(origin, request.roomId(), request.userId(), List.copyOf(request.ver()));
        return MatrixJson.mapper().convertValue(template, MakeKnockResponse.class);
    }

    @Override
    public SendKnockResponse sendKnock(RequestContext context, SendKnock.Request request) {
        String origin = RequestBodies.origin(context);
        acls.require(request.roomId(), origin);
        List<ObjectNode> state = rooms.membershipProtocols().acceptKnock(origin, request.roomId(), request.eventId(),
                RequestBodies.object(context, "the knock event"), keys);
        ObjectNode answer = MatrixJson.mapper().createObjectNode();
        state.forEach(answer.putArray("knock_room_state")::add);
        return MatrixJson.mapper().convertValue(answer, SendKnockResponse.class);
    }
}
