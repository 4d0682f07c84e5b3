package dev.mxspec.homeserver.federation.rooms;

import static dev.mxspec.homeserver.federation.rooms.FederationFixture.CAROL;
import static dev.mxspec.homeserver.federation.rooms.FederationFixture.KEYS;
import static dev.mxspec.homeserver.federation.rooms.FederationFixture.REMOTE;
import static dev.mxspec.homeserver.federation.rooms.FederationFixture.from;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.federation.Origin;
import dev.mxspec.homeserver.federation.membership.InviteHandlers;
import dev.mxspec.homeserver.federation.membership.JoinHandlers;
import dev.mxspec.homeserver.federation.membership.LeaveHandlers;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.runtime.server.RequestContext;
import dev.mxspec.runtime.server.ServerRequest;
import dev.mxspec.spec.v1_7.serverserver.GetMissingPreviousEventsRequest;
import dev.mxspec.spec.v1_7.serverserver.SendInviteV1Request;
import dev.mxspec.spec.v1_7.serverserver.SendInviteV2Request;
import dev.mxspec.spec.v1_7.serverserver.SendJoinV1Request;
import dev.mxspec.spec.v1_7.serverserver.SendJoinV2Request;
import dev.mxspec.spec.v1_7.serverserver.SendLeaveV1Request;
import dev.mxspec.spec.v1_7.serverserver.SendLeaveV2Request;
import dev.mxspec.spec.v1_7.serverserver.endpoints.BackfillRoom;
import dev.mxspec.spec.v1_7.serverserver.endpoints.GetEventAuth;
import dev.mxspec.spec.v1_7.serverserver.endpoints.GetMissingPreviousEvents;
import dev.mxspec.spec.v1_7.serverserver.endpoints.GetRoomState;
import dev.mxspec.spec.v1_7.serverserver.endpoints.GetRoomStateIds;
import dev.mxspec.spec.v1_7.serverserver.endpoints.SendInviteV1;
import dev.mxspec.spec.v1_7.serverserver.endpoints.SendInviteV2;
import dev.mxspec.spec.v1_7.serverserver.endpoints.SendJoinV1;
import dev.mxspec.spec.v1_7.serverserver.endpoints.SendJoinV2;
import dev.mxspec.spec.v1_7.serverserver.endpoints.SendLeaveV1;
import dev.mxspec.spec.v1_7.serverserver.endpoints.SendLeaveV2;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Server-server API, "Server Access Control Lists": each endpoint prefix the spec lists as protected answers a server
 * the room's ACL denies with 403 {@code M_FORBIDDEN}, for a request that would be answered were it allowed (carol of
 * {@code remote.test} joined before the ACL, so she may read the room; the joins, leaves and invites are well-formed
 * and would pass the rules). {@code /send}, {@code make_join}, {@code make_leave} and {@code /state_ids} are
 * {@link ServerAclTransactionsTest}'s, the knocks {@code FederatedKnocksTest}'s.
 */
class AclProtectedEndpointsTest {

    @TempDir
    Path dir;

    private FederationFixture f;

    @AfterEach
    void stop() {
        if (f != null) {
            f.close();
        }
    }

    @Test
    @SuppressWarnings("deprecation") // send_join, send_leave and invite v1 are deprecated, and protected still
    void everyProtectedEndpointRefusesADeniedServer() throws Exception {
        f = FederationFixture.start("sqlite", dir);
        String carolsJoin = f.carolJoins();
        f.register("bob");
        String said = f.aliceSays("before the acl");
        // the events denied remote.test would send, made before the ACL (the ACL is no auth event of them)
        ObjectNode erinsJoin = f.join("@erin:" + REMOTE);
        ObjectNode carolsLeave = f.event(CAROL, "m.room.member", CAROL, "{\"membership\":\"leave\"}", f.extremities(),
                List.of(f.state("m.room.create", ""), f.state("m.room.power_levels", ""), carolsJoin));
        ObjectNode invite = f.event(CAROL, "m.room.member", "@bob:localhost", "{\"membership\":\"invite\"}", f.extremities(),
                List.of(f.state("m.room.create", ""), f.state("m.room.power_levels", ""), carolsJoin, f.state("m.room.join_rules", "")));
        f.client("PUT", "/rooms/" + f.roomId + "/state/m.room.server_acl/", f.alice,
                "{\"allow\":[\"*\"],\"deny\":[\"" + REMOTE + "\"],\"allow_ip_literals\":false}");

        EventHandlers reads = f.events;
        deniedByAcl(() -> reads.getRoomState(from(REMOTE), new GetRoomState.Request(f.roomId, said)));
        deniedByAcl(() -> reads.getRoomStateIds(from(REMOTE), new GetRoomStateIds.Request(f.roomId, said)));
        deniedByAcl(() -> reads.backfillRoom(from(REMOTE), new BackfillRoom.Request(f.roomId, List.of(said), 10L)));
        deniedByAcl(() -> reads.getEventAuth(from(REMOTE), new GetEventAuth.Request(f.roomId, said)));
        deniedByAcl(() -> reads.getMissingPreviousEvents(from(REMOTE), new GetMissingPreviousEvents.Request(f.roomId,
                Optional.of(new GetMissingPreviousEventsRequest(Optional.empty(), Optional.empty(), List.of(), List.of(said), Map.of())))));

        JoinHandlers joins = new JoinHandlers(f.server.rooms(), KEYS);
        deniedByAcl(() -> joins.sendJoinV2(with(erinsJoin), new SendJoinV2.Request(f.roomId, f.idOf(erinsJoin), Optional.empty(),
                typed(erinsJoin, SendJoinV2Request.class))));
        deniedByAcl(() -> joins.sendJoinV1(with(erinsJoin), new SendJoinV1.Request(f.roomId, f.idOf(erinsJoin),
                typed(erinsJoin, SendJoinV1Request.class))));

        LeaveHandlers leaves = new LeaveHandlers(f.server.rooms(), KEYS);
        deniedByAcl(() -> leaves.sendLeaveV2(with(carolsLeave), new SendLeaveV2.Request(f.roomId, f.idOf(carolsLeave),
                typed(carolsLeave, SendLeaveV2Request.class))));
        deniedByAcl(() -> leaves.sendLeaveV1(with(carolsLeave), new SendLeaveV1.Request(f.roomId, f.idOf(carolsLeave),
                typed(carolsLeave, SendLeaveV1Request.class))));

        InviteHandlers invites = new InviteHandlers(f.server.rooms(), KEYS, "localhost");
        ObjectNode v2 = MatrixJson.mapper().createObjectNode().put("room_version", f.version.id());
        v2.set("event", invite);
        v2.putArray("invite_room_state");
        deniedByAcl(() -> invites.sendInviteV2(with(v2), new SendInviteV2.Request(f.roomId, f.idOf(invite),
                typed(v2, SendInviteV2Request.class))));
        deniedByAcl(() -> invites.sendInviteV1(with(invite), new SendInviteV1.Request(f.roomId, f.idOf(invite),
                typed(invite, SendInviteV1Request.class))));

        // none of it reached the room
        assertThat(f.server.storage().graphRow(f.idOf(erinsJoin))).isEmpty();
        assertThat(f.server.storage().graphRow(f.idOf(carolsLeave))).isEmpty();
        assertThat(f.server.storage().graphRow(f.idOf(invite))).isEmpty();
        assertThat(f.server.rooms().membership(f.roomId, CAROL)).hasValue("join");
    }

    /** A request of remote.test with {@code body}. */
    private static RequestContext with(JsonNode body) {
        return new RequestContext(new ServerRequest("PUT", "/", Map.of(), Map.of(), MatrixJson.write(body).getBytes(
                java.nio.charset.StandardCharsets.UTF_8), "127.0.0.1"), Optional.empty(), Optional.of(new Origin(REMOTE)));
    }

    private static <T> T typed(JsonNode json, Class<T> type) throws Exception {
        return MatrixJson.convert(json, type);
    }

    private static void deniedByAcl(ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(MatrixException.class, e -> {
            assertThat(List.of(e.status(), e.errcode())).containsExactly(403, "M_FORBIDDEN");
            assertThat(e.error()).contains("server ACL");
        });
    }
}
