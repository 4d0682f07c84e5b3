package dev.mxspec.homeserver.main;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.core.ServerConfig;
import dev.mxspec.homeserver.crypto.ServerKeys;
import dev.mxspec.homeserver.rooms.EventIds;
import dev.mxspec.homeserver.rooms.RoomVersions;
import dev.mxspec.homeserver.services.RoomFederation.Received;
import dev.mxspec.homeserver.storage.Backends;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.json.MatrixJson;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A user of one homeserver joins a room of another through the join protocol of the server-server API
 * ({@code make_join}, the join signed by the joining server, {@code send_join} answered with the state and its
 * auth chain), handed between the two servers in process: both end with the same room state, and events then
 * flow both ways. The HTTP transport between servers is not part of this test.
 */
class RemoteJoinTest {

    @TempDir
    Path dir;

    private Homeserver a;
    private Homeserver b;

    @AfterEach
    void stop() {
        for (Homeserver s : new Homeserver[] {a, b}) {
            if (s != null) {
                s.close();
            }
        }
    }

    private Homeserver start(String name, String backend) throws Exception {
        Optional<String> pg = backend.equals("postgresql") ? Optional.of(Backends.postgresSchemaUrl()) : Optional.empty();
        return Homeserver.start(new ServerConfig(name, "127.0.0.1", -1, dir.resolve(name).toString(), backend, pg, true, 0, 0));
    }

    private static ServerKeys keysOf(Homeserver server) {
        return ServerKeys.of(server.config().serverName(), Homeserver.signingKey(server.storage(), System::currentTimeMillis).verifyKey());
    }

    /** The keys of both servers, as a server's key service knows its own and the other's. */
    private ServerKeys both() {
        ServerKeys ka = keysOf(a);
        ServerKeys kb = keysOf(b);
        return (server, keyId) -> ka.find(server, keyId).or(() -> kb.find(server, keyId));
    }

    private static List<ObjectNode> objects(JsonNode array) {
        List<ObjectNode> out = new ArrayList<>();
        array.forEach(e -> out.add((ObjectNode) e));
        return out;
    }

    private static ObjectNode pdu(Homeserver server, String eventId) throws Exception {
        ObjectNode pdu = (ObjectNode) MatrixJson.mapper().readTree(server.storage().event(eventId).orElseThrow().json());
        pdu.remove("unsigned");
        return pdu;
    }

    private static JsonNode sync(JsonHttp http, String token) throws Exception {
        return http.call("GET", "/sync", token, null).body();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aUserOfAnotherServerJoinsThroughMakeJoinAndSendJoinAndBothServersAgree(String backend) throws Exception {
        a = start("a.test", "sqlite");
        b = start("b.test", backend);
        JsonHttp httpA = new JsonHttp(a.port());
        JsonHttp httpB = new JsonHttp(b.port());
        String alice = httpA.register("alice", "alice-password");
        String bob = httpB.register("bob", "bob-password");
        String roomId = httpA.call("POST", "/createRoom", alice, "{\"preset\":\"public_chat\",\"name\":\"across\"}").body()
                .path("room_id").asText();
        String version = a.storage().room(roomId).orElseThrow().roomVersion();

        ObjectNode template = a.rooms().membershipProtocols().joinTemplate("b.test", roomId, "@bob:b.test", List.of("9", version));
        assertThat(template.path("room_version").asText()).isEqualTo(version);
        ObjectNode join = b.rooms().membershipProtocols().signTemplate((ObjectNode) template.get("event"), version);
        String joinId = EventIds.of(join, RoomVersions.of(version).orElseThrow()).orElseThrow();
        ObjectNode answer = a.rooms().membershipProtocols().acceptJoin("b.test", roomId, joinId, join, keysOf(b), false);
        assertThat(answer.path("members_omitted").asBoolean()).isFalse();
        assertThat(answer.path("servers_in_room").toString()).contains("a.test", "b.test");
        String adopted = b.rooms().membershipProtocols().adoptJoinedRoom(roomId, version, join, objects(answer.path("state")), objects(answer.path("auth_chain")),
                both());
        assertThat(adopted).isEqualTo(joinId);

        Map<List<String>, String> stateA = a.storage().currentState(roomId);
        assertThat(b.storage().currentState(roomId)).isEqualTo(stateA);
        assertThat(stateA.get(List.of("m.room.member", "@bob:b.test"))).isEqualTo(joinId);
        assertThat(b.storage().forwardExtremities(roomId)).containsExactly(joinId);
        JsonNode bobsRoom = sync(httpB, bob).path("rooms").path("join").path(roomId);
        assertThat(bobsRoom.toString()).contains("across", joinId);
        assertThat(httpA.call("GET", "/rooms/" + roomId + "/joined_members", alice, null).body().path("joined").has("@bob:b.test")).isTrue();

        // then events cross both ways, each server taking in the other's as another server's event
        String hello = httpA.call("PUT", "/rooms/" + roomId + "/send/m.room.message/1", alice, "{\"msgtype\":\"m.text\",\"body\":\"hi bob\"}")
                .body().path("event_id").asText();
        Received atB = b.rooms().federation().receive(pdu(a, hello), keysOf(a));
        assertThat(atB.status()).as(atB.reason()).isEmpty();
        String reply = httpB.call("PUT", "/rooms/" + roomId + "/send/m.room.message/1", bob, "{\"msgtype\":\"m.text\",\"body\":\"hi alice\"}")
                .body().path("event_id").asText();
        assertThat(pdu(b, reply).path("prev_events").toString()).contains(hello);
        Received atA = a.rooms().federation().receive(pdu(b, reply), keysOf(b));
        assertThat(atA.status()).as(atA.reason()).isEmpty();
        assertThat(sync(httpB, bob).toString()).contains("hi bob");
        assertThat(sync(httpA, alice).toString()).contains("hi alice");
        assertThat(b.storage().currentState(roomId)).isEqualTo(a.storage().currentState(roomId));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void joinsTheProtocolMustRefuseAreRefusedAndStoreNothing(String backend) throws Exception {
        a = start("a.test", backend);
        b = start("b.test", "sqlite");
        JsonHttp httpA = new JsonHttp(a.port());
        String alice = httpA.register("alice", "alice-password");
        String roomId = httpA.call("POST", "/createRoom", alice, "{\"preset\":\"private_chat\"}").body().path("room_id").asText();
        String version = a.storage().room(roomId).orElseThrow().roomVersion();

        assertThatThrownBy(() -> a.rooms().membershipProtocols().joinTemplate("b.test", roomId, "@bob:c.test", List.of(version)))
                .as("a user of another server than the caller").isInstanceOfSatisfying(MatrixException.class,
                        e -> assertThat(e.status()).isEqualTo(403));
        assertThatThrownBy(() -> a.rooms().membershipProtocols().joinTemplate("b.test", roomId, "@bob:b.test", List.of("1")))
                .as("a server without the room's version").isInstanceOfSatisfying(MatrixException.class,
                        e -> assertThat(e.errcode()).isEqualTo("M_INCOMPATIBLE_ROOM_VERSION"));
        assertThatThrownBy(() -> a.rooms().membershipProtocols().joinTemplate("b.test", roomId, "@bob:b.test", List.of(version)))
                .as("an invite-only room without an invite").isInstanceOfSatisfying(MatrixException.class,
                        e -> assertThat(e.status()).isEqualTo(403));
        assertThatThrownBy(() -> a.rooms().membershipProtocols().joinTemplate("b.test", "!nowhere:a.test", "@bob:b.test", List.of(version)))
                .isInstanceOfSatisfying(MatrixException.class, e -> assertThat(e.status()).isEqualTo(404));

        // invited, bob's server may join him; it may not join someone else, nor send a leave as a join
        httpA.call("POST", "/rooms/" + roomId + "/invite", alice, "{\"user_id\":\"@bob:b.test\"}");
        String invite = a.storage().currentState(roomId).get(List.of("m.room.member", "@bob:b.test"));
        assertThat(invite).isNotNull();
        ObjectNode template = (ObjectNode) a.rooms().membershipProtocols().joinTemplate("b.test", roomId, "@bob:b.test", List.of(version)).get("event");
        ObjectNode join = b.rooms().membershipProtocols().signTemplate(template, version);
        String joinId = EventIds.of(join, RoomVersions.of(version).orElseThrow()).orElseThrow();
        assertThatThrownBy(() -> a.rooms().membershipProtocols().acceptJoin("c.test", roomId, joinId, join, keysOf(b), false)).as("sent by another server")
                .isInstanceOfSatisfying(MatrixException.class, e -> assertThat(e.status()).isEqualTo(403));
        assertThatThrownBy(() -> a.rooms().membershipProtocols().acceptJoin("b.test", roomId, "$other", join, keysOf(b), false)).as("another event ID")
                .isInstanceOfSatisfying(MatrixException.class, e -> assertThat(e.status()).isEqualTo(400));
        ObjectNode leaveAsJoin = template.deepCopy();
        leaveAsJoin.withObjectProperty("content").put("membership", "leave");
        ObjectNode leave = b.rooms().membershipProtocols().signTemplate(leaveAsJoin, version);
        assertThatThrownBy(() -> a.rooms().membershipProtocols().acceptJoin("b.test", roomId, EventIds.of(leave, RoomVersions.of(version).orElseThrow())
                .orElseThrow(), leave, keysOf(b), false)).isInstanceOfSatisfying(MatrixException.class, e -> assertThat(e.status()).isEqualTo(403));
        assertThatThrownBy(() -> a.rooms().membershipProtocols().acceptJoin("b.test", roomId, joinId, join, ServerKeys.none(), false)).as("unverifiable signature")
                .isInstanceOfSatisfying(MatrixException.class, e -> assertThat(e.status()).isEqualTo(403));
        assertThat(a.storage().graphRow(joinId)).isEmpty();
        assertThat(a.storage().currentState(roomId).get(List.of("m.room.member", "@bob:b.test"))).as("still the invite").isEqualTo(invite);
        assertThatThrownBy(() -> b.rooms().membershipProtocols().signTemplate(template.deepCopy().put("sender", "@mallory:c.test"), version))
                .isInstanceOf(MatrixException.class);

        // the joining side refuses an answer without the room's create event, and one it cannot verify
        ObjectNode answer = a.rooms().membershipProtocols().acceptJoin("b.test", roomId, joinId, join, keysOf(b), false);
        List<ObjectNode> noCreate = objects(answer.path("state")).stream().filter(e -> !e.path("type").asText().equals("m.room.create")).toList();
        assertThatThrownBy(() -> b.rooms().membershipProtocols().adoptJoinedRoom(roomId, version, join, noCreate, List.of(), both()))
                .isInstanceOfSatisfying(MatrixException.class, e -> assertThat(e.status()).isEqualTo(403));
        assertThatThrownBy(() -> b.rooms().membershipProtocols().adoptJoinedRoom(roomId, version, join, objects(answer.path("state")),
                objects(answer.path("auth_chain")), ServerKeys.none()))
                .isInstanceOfSatisfying(MatrixException.class, e -> assertThat(e.status()).isEqualTo(403));
        assertThat(b.storage().graphRow(joinId)).isEmpty();
        assertThat(b.storage().currentState(roomId)).isEmpty();
    }
}
