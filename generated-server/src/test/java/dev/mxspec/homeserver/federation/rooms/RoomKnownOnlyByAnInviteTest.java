package dev.mxspec.homeserver.federation.rooms;

import static dev.mxspec.homeserver.federation.rooms.FederationFixture.KEYS;
import static dev.mxspec.homeserver.federation.rooms.FederationFixture.OTHER;
import static dev.mxspec.homeserver.federation.rooms.FederationFixture.REMOTE;
import static dev.mxspec.homeserver.federation.rooms.FederationFixture.REMOTE_KEY;
import static dev.mxspec.homeserver.federation.rooms.FederationFixture.from;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.federation.Origin;
import dev.mxspec.homeserver.federation.membership.InviteHandlers;
import dev.mxspec.homeserver.federation.membership.JoinHandlers;
import dev.mxspec.homeserver.rooms.EventIds;
import dev.mxspec.homeserver.rooms.EventSigning;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.runtime.server.RequestContext;
import dev.mxspec.runtime.server.ServerRequest;
import dev.mxspec.spec.v1_7.serverserver.SendInviteV2Request;
import dev.mxspec.spec.v1_7.serverserver.SendJoinV2Request;
import dev.mxspec.spec.v1_7.serverserver.endpoints.MakeJoin;
import dev.mxspec.spec.v1_7.serverserver.endpoints.SendInviteV2;
import dev.mxspec.spec.v1_7.serverserver.endpoints.SendJoinV2;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A room this server knows of only by an invite of a local user (it holds none of its state): it is "unknown to the
 * receiving server" for {@code make_join} and {@code send_join} (404 {@code M_NOT_FOUND}), which would otherwise hand
 * out a template of a room it cannot speak for, or take in a join it cannot check.
 */
class RoomKnownOnlyByAnInviteTest {

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
    @SuppressWarnings("deprecation") // send_join v1 is deprecated, and served still
    void makeJoinAndSendJoinOfARoomNotHeldAreNotFound() throws Exception {
        f = FederationFixture.start("sqlite", dir);
        f.register("bob");
        String roomId = "!elsewhere:" + REMOTE;
        ObjectNode invite = pdu(roomId, "@carol:" + REMOTE, "@bob:localhost", "invite");
        ObjectNode body = MatrixJson.mapper().createObjectNode().put("room_version", f.version.id());
        body.set("event", invite);
        body.putArray("invite_room_state");
        new InviteHandlers(f.server.rooms(), KEYS, "localhost").sendInviteV2(with(REMOTE, body),
                new SendInviteV2.Request(roomId, id(invite), MatrixJson.convert(body, SendInviteV2Request.class)));
        assertThat(f.server.rooms().membership(roomId, "@bob:localhost")).hasValue("invite");

        JoinHandlers joins = new JoinHandlers(f.server.rooms(), KEYS);
        notFound(() -> joins.makeJoin(from(OTHER), new MakeJoin.Request(roomId, "@erin:" + OTHER, List.of(f.version.id()))));
        ObjectNode join = pdu(roomId, "@carol:" + REMOTE, "@carol:" + REMOTE, "join");
        notFound(() -> joins.sendJoinV2(with(REMOTE, join), new SendJoinV2.Request(roomId, id(join), Optional.empty(),
                MatrixJson.convert(join, SendJoinV2Request.class))));
        notFound(() -> joins.sendJoinV1(with(REMOTE, join), new dev.mxspec.spec.v1_7.serverserver.endpoints.SendJoinV1.Request(roomId,
                id(join), MatrixJson.convert(join, dev.mxspec.spec.v1_7.serverserver.SendJoinV1Request.class))));
        assertThat(f.server.storage().graphRow(id(join))).isEmpty();
    }

    private ObjectNode pdu(String roomId, String sender, String target, String membership) {
        ObjectNode pdu = MatrixJson.mapper().createObjectNode();
        pdu.put("room_id", roomId);
        pdu.put("sender", sender);
        pdu.put("type", "m.room.member");
        pdu.put("state_key", target);
        pdu.putObject("content").put("membership", membership);
        pdu.put("origin", REMOTE);
        pdu.put("origin_server_ts", System.currentTimeMillis());
        pdu.put("depth", 4);
        pdu.putArray("prev_events").add("$" + "p".repeat(43));
        pdu.putArray("auth_events").add("$" + "a".repeat(43));
        return EventSigning.hashAndSign(pdu, REMOTE, REMOTE_KEY, f.version);
    }

    private String id(ObjectNode pdu) {
        return EventIds.of(pdu, f.version).orElseThrow();
    }

    private static RequestContext with(String origin, JsonNode body) {
        return new RequestContext(new ServerRequest("PUT", "/", Map.of(), Map.of(), MatrixJson.write(body).getBytes(
                java.nio.charset.StandardCharsets.UTF_8), "127.0.0.1"), Optional.empty(), Optional.of(new Origin(origin)));
    }

    private static void notFound(ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(MatrixException.class,
                e -> assertThat(List.of(e.status(), e.errcode())).as(e.error()).containsExactly(404, "M_NOT_FOUND"));
    }
}
