package dev.mxspec.homeserver.federation.rooms;

import static dev.mxspec.homeserver.federation.rooms.FederationFixture.CAROL;
import static dev.mxspec.homeserver.federation.rooms.FederationFixture.DAVE;
import static dev.mxspec.homeserver.federation.rooms.FederationFixture.OTHER;
import static dev.mxspec.homeserver.federation.rooms.FederationFixture.REMOTE;
import static dev.mxspec.homeserver.federation.rooms.FederationFixture.edu;
import static dev.mxspec.homeserver.federation.rooms.FederationFixture.from;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.federation.membership.JoinHandlers;
import dev.mxspec.homeserver.federation.membership.LeaveHandlers;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.spec.v1_7.serverserver.PDUProcessingResult;
import dev.mxspec.spec.v1_7.serverserver.PDUProcessingResults;
import dev.mxspec.spec.v1_7.serverserver.endpoints.GetRoomStateIds;
import dev.mxspec.spec.v1_7.serverserver.endpoints.MakeJoin;
import dev.mxspec.spec.v1_7.serverserver.endpoints.MakeLeave;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A room whose server ACL, set by its local admin, denies {@code remote.test}: that server's events, typing and reads
 * of the room are refused while {@code other.test}, allowed, is still served.
 */
class ServerAclTransactionsTest {

    @TempDir
    Path dir;

    private FederationFixture f;
    private String carolsJoin;
    private String davesJoin;

    @AfterEach
    void stop() {
        if (f != null) {
            f.close();
        }
    }

    /** Carol (remote.test) and dave (other.test) joined, then alice denies remote.test. */
    private void start(String backend) throws Exception {
        f = FederationFixture.start(backend, dir);
        carolsJoin = f.carolJoins();
        ObjectNode join = f.join(DAVE);
        PDUProcessingResults r = f.send(OTHER, List.of(join));
        assertThat(r.pdus().get(f.idOf(join)).error()).isEmpty();
        davesJoin = f.idOf(join);
        f.client("PUT", "/rooms/" + f.roomId + "/state/m.room.server_acl/", f.alice,
                "{\"allow\":[\"*\"],\"deny\":[\"" + REMOTE + "\"],\"allow_ip_literals\":false}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void eventsOfADeniedServerAreRefusedAndNotStored(String backend) throws Exception {
        start(backend);
        ObjectNode carols = f.message(CAROL, "still here?", List.of(carolsJoin));
        PDUProcessingResults refused = f.send(REMOTE, List.of(carols));
        assertThat(refused.pdus().get(f.idOf(carols)).error())
                .hasValue("M_FORBIDDEN: the server ACL of room " + f.roomId + " denies " + REMOTE);
        assertThat(f.server.storage().graphRow(f.idOf(carols))).isEmpty();

        ObjectNode daves = f.message(DAVE, "hello", List.of(davesJoin));
        PDUProcessingResults taken = f.send(OTHER, List.of(daves));
        assertThat(taken.pdus()).isEqualTo(Map.of(f.idOf(daves), new PDUProcessingResult(Optional.empty(), Map.of())));
        assertThat(f.server.storage().graphRow(f.idOf(daves))).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void typingOfADeniedServerIsIgnored(String backend) throws Exception {
        start(backend);
        f.send(REMOTE, "typing-r", List.of(), List.of(
                edu("m.typing", "{\"room_id\":\"" + f.roomId + "\",\"user_id\":\"" + CAROL + "\",\"typing\":true}")));
        f.send(OTHER, "typing-o", List.of(), List.of(
                edu("m.typing", "{\"room_id\":\"" + f.roomId + "\",\"user_id\":\"" + DAVE + "\",\"typing\":true}")));
        List<String> typing = new ArrayList<>();
        for (JsonNode e : f.aliceSync().path("ephemeral").path("events")) {
            if (e.path("type").asText().equals("m.typing")) {
                e.path("content").path("user_ids").forEach(u -> typing.add(u.asText()));
            }
        }
        assertThat(typing).containsExactly(DAVE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void readsOfADeniedServerAreForbidden(String backend) throws Exception {
        start(backend);
        String said = f.aliceSays("after the acl");
        assertThatThrownBy(() -> f.events.getRoomStateIds(from(REMOTE), new GetRoomStateIds.Request(f.roomId, said)))
                .isInstanceOfSatisfying(MatrixException.class,
                        e -> assertThat(List.of(e.status(), e.errcode())).containsExactly(403, "M_FORBIDDEN"));
        var allowed = f.events.getRoomStateIds(from(OTHER), new GetRoomStateIds.Request(f.roomId, said));
        assertThat(allowed.pduIds()).contains(davesJoin, carolsJoin, f.state("m.room.server_acl", ""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aDeniedServerCanNeitherJoinNorLeave(String backend) throws Exception {
        start(backend);
        JoinHandlers joins = new JoinHandlers(f.server.rooms(), FederationFixture.KEYS);
        LeaveHandlers leaves = new LeaveHandlers(f.server.rooms(), FederationFixture.KEYS);
        forbidden(() -> joins.makeJoin(from(REMOTE), new MakeJoin.Request(f.roomId, "@erin:" + REMOTE, List.of(f.version.id()))));
        forbidden(() -> leaves.makeLeave(from(REMOTE), new MakeLeave.Request(f.roomId, CAROL)));
        var template = joins.makeJoin(from(OTHER), new MakeJoin.Request(f.roomId, "@frank:" + OTHER, List.of(f.version.id())));
        assertThat(template.event()).isPresent();
    }

    private static void forbidden(ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(MatrixException.class,
                e -> assertThat(List.of(e.status(), e.errcode())).containsExactly(403, "M_FORBIDDEN"));
    }
}
