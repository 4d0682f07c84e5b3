package dev.mxspec.homeserver.federation.membership;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.crypto.ServerKeys;
import dev.mxspec.homeserver.federation.rooms.RoomAcls;
import dev.mxspec.homeserver.services.RoomService;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.runtime.server.RequestContext;
import dev.mxspec.spec.v1_7.serverserver.MakeJoinResponse;
import dev.mxspec.spec.v1_7.serverserver.SendJoinV2Response;
import dev.mxspec.spec.v1_7.serverserver.endpoints.MakeJoin;
import dev.mxspec.spec.v1_7.serverserver.endpoints.SendJoinV2;
import dev.mxspec.spec.v1_7.serverserver.server.JoinsV1Handler;
import dev.mxspec.spec.v1_7.serverserver.server.JoinsV2Handler;
import java.util.List;

/**
 * Joins of other servers' users to rooms of this server: {@code make_join} (a template, {@link MembershipProtocols#joinTemplate})
 * and {@code send_join} (the signed join taken in and answered with the state and auth chain, without the memberships
 * a client does not need when v2 is asked to {@code omit_members}, {@link MembershipProtocols#acceptJoin}); in a restricted
 * room the join template names a local member who may invite as the join's authoriser, and this server signs the
 * join for him; v1 answers the v2 body inside its {@code [200, ...]} pair, as the spec defines. A
 * server the room's server ACL denies gets {@code M_FORBIDDEN} ({@link RoomAcls}); a room whose state this server does not
 * hold, {@code M_NOT_FOUND}.
 */
public final class JoinHandlers implements JoinsV1Handler, JoinsV2Handler {

    private final RoomService rooms;
    private final ServerKeys keys;
    private final RoomAcls acls;

    public JoinHandlers(RoomService rooms, ServerKeys keys) {
        this.rooms = rooms;
        this.keys = keys;
        this.acls = new RoomAcls(rooms);
    }

    @Override
    public MakeJoinResponse makeJoin(RequestContext context, MakeJoin.Request request) {
        acls.require(request.roomId(), origin(context));
        requireHeld(request.roomId());
        List<String> versions = request.ver().isEmpty() ? List.of("1") : request.ver();
        ObjectNode template = rooms.membershipProtocols().joinTemplate(origin(context), request.roomId(), request.userId(), versions);
        return MatrixJson.mapper().convertValue(template, MakeJoinResponse.class);
    }

    @Override
    public SendJoinV2Response sendJoinV2(RequestContext context, SendJoinV2.Request request) {
        acls.require(request.roomId(), origin(context));
        requireHeld(request.roomId());
        ObjectNode answer = rooms.membershipProtocols().acceptJoin(origin(context), request.roomId(), request.eventId(), body(context), keys,
                request.omitMembers().orElse(false));
        return MatrixJson.mapper().convertValue(answer, SendJoinV2Response.class);
    }

    @Override
    @SuppressWarnings("deprecation") // v1 is deprecated, not removed: servers still send it
    public JsonNode sendJoinV1(RequestContext context, dev.mxspec.spec.v1_7.serverserver.endpoints.SendJoinV1.Request request) {
        acls.require(request.roomId(), origin(context));
        requireHeld(request.roomId());
        ObjectNode answer = rooms.membershipProtocols().acceptJoin(origin(context), request.roomId(), request.eventId(), body(context), keys, false);
        ArrayNode pair = MatrixJson.mapper().createArrayNode();
        pair.add(200);
        pair.add(answer);
        return pair;
    }

    /**
     * {@code M_NOT_FOUND} for a room whose state this server does not hold (one it knows of only by an invite or knock
     * of a local user): it is unknown here, as far as a join goes; the joining server should ask another.
     */
    private void requireHeld(String roomId) {
        if (!rooms.holds(roomId)) {
            throw new MatrixException(404, ErrorCodes.M_NOT_FOUND, "this server does not hold room " + roomId);
        }
    }

    private static String origin(RequestContext context) {
        return RequestBodies.origin(context);
    }

    private static ObjectNode body(RequestContext context) {
        return RequestBodies.object(context, "the join event");
    }
}
