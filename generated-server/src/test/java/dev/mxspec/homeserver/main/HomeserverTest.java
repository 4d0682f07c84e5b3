package dev.mxspec.homeserver.main;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.core.ServerConfig;
import dev.mxspec.homeserver.storage.Backends;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.client.MatrixHttpClient;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.spec.v1_7.clientserver.AuthenticationData;
import dev.mxspec.spec.v1_7.clientserver.ClientEventWithoutRoomID;
import dev.mxspec.spec.v1_7.clientserver.CreateRoomRequest;
import dev.mxspec.spec.v1_7.clientserver.CreateRoomRequestPreset;
import dev.mxspec.spec.v1_7.clientserver.InviteUserRequest;
import dev.mxspec.spec.v1_7.clientserver.JoinRoomByIdRequest;
import dev.mxspec.spec.v1_7.clientserver.LeaveRoomRequest;
import dev.mxspec.spec.v1_7.clientserver.LoginRequest;
import dev.mxspec.spec.v1_7.clientserver.LoginRequestType;
import dev.mxspec.spec.v1_7.clientserver.RegisterRequest;
import dev.mxspec.spec.v1_7.clientserver.SyncResponse;
import dev.mxspec.spec.v1_7.clientserver.client.ClientServerClient;
import dev.mxspec.spec.v1_7.clientserver.endpoints.CreateRoom;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetRoomEvents;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetTokenOwner;
import dev.mxspec.spec.v1_7.clientserver.endpoints.InviteUser;
import dev.mxspec.spec.v1_7.clientserver.endpoints.JoinRoomById;
import dev.mxspec.spec.v1_7.clientserver.endpoints.LeaveRoom;
import dev.mxspec.spec.v1_7.clientserver.endpoints.Login;
import dev.mxspec.spec.v1_7.clientserver.endpoints.Register;
import dev.mxspec.spec.v1_7.clientserver.endpoints.SendMessage;
import dev.mxspec.spec.v1_7.clientserver.endpoints.Sync;
import dev.mxspec.spec.v1_7.clientserver.endpoints.SetTyping;
import dev.mxspec.spec.v1_7.clientserver.endpoints.PostReceipt;
import dev.mxspec.spec.v1_7.clientserver.SetTypingRequest;
import dev.mxspec.spec.v1_7.clientserver.PostReceiptRequest;
import dev.mxspec.spec.v1_7.clientserver.PostReceiptReceiptType;
import dev.mxspec.spec.v1_7.clientserver.GetRoomEventsDir;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The homeserver over HTTP with the generated v1.7 client, on SQLite and on PostgreSQL. */
class HomeserverTest {

    @TempDir
    Path dir;

    private Homeserver start(String backend) throws Exception {
        Optional<String> pg = backend.equals("postgresql") ? Optional.of(Backends.postgresSchemaUrl()) : Optional.empty();
        return Homeserver.start(new ServerConfig("localhost", "127.0.0.1", -1, dir.resolve("data").toString(), backend, pg, true, 0, 0));
    }

    private static ClientServerClient client(Homeserver server) {
        return new ClientServerClient(MatrixHttpClient.create(URI.create("http://127.0.0.1:" + server.port())));
    }

    private static String register(ClientServerClient client, String name) {
        var response = client.register(new Register.Request(Optional.empty(), new RegisterRequest(
                Optional.of(new AuthenticationData(Optional.of("m.login.dummy"), Optional.empty(), Map.of())), Optional.of(name),
                Optional.of("password-" + name), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Map.of())));
        client.http().accessToken(response.accessToken().orElseThrow());
        return response.userId();
    }

    private static JsonNode text(String body) {
        return MatrixJson.mapper().createObjectNode().put("msgtype", "m.text").put("body", body);
    }

    private static List<String> bodies(SyncResponse sync, String roomId) {
        return sync.rooms().flatMap(r -> r.join()).map(j -> j.get(roomId)).flatMap(j -> j.timeline())
                .map(t -> t.events().stream().filter(e -> e.type().equals("m.room.message"))
                        .map(ClientEventWithoutRoomID::content).map(c -> c.path("body").asText()).toList())
                .orElse(List.of());
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void twoUsersChatThroughSyncAndHistory(String backend) throws Exception {
        try (Homeserver server = start(backend)) {
            ClientServerClient alice = client(server);
            ClientServerClient bob = client(server);
            String aliceId = register(alice, "alice");
            String bobId = register(bob, "bob");
            assertThat(alice.getTokenOwner(new GetTokenOwner.Request()).userId()).isEqualTo("@alice:localhost");

            String roomId = alice.createRoom(new CreateRoom.Request(new CreateRoomRequest(Optional.empty(), Optional.empty(),
                    Optional.of("Tea"), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.of(CreateRoomRequestPreset.PRIVATE_CHAT), Optional.empty(), Optional.empty(), Map.of())))
                    .roomId();

            // Bob is refused before he is invited.
            assertThatThrownBy(() -> bob.joinRoomById(new JoinRoomById.Request(roomId, new JoinRoomByIdRequest(Optional.empty(),
                    Optional.empty(), Map.of())))).isInstanceOfSatisfying(MatrixException.class, e -> assertThat(e.errcode()).isEqualTo("M_FORBIDDEN"));

            alice.inviteUser(new InviteUser.Request(roomId, new InviteUserRequest(bobId, Optional.empty(), Map.of())));
            SyncResponse bobFirst = bob.sync(new Sync.Request(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()));
            assertThat(bobFirst.rooms().flatMap(r -> r.invite()).orElseThrow()).containsKey(roomId);
            bob.joinRoomById(new JoinRoomById.Request(roomId, new JoinRoomByIdRequest(Optional.empty(), Optional.empty(), Map.of())));
            String since = bob.sync(new Sync.Request(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty())).nextBatch();

            // A waiting sync wakes up with Alice's message.
            CompletableFuture<SyncResponse> waiting = bob.syncAsync(new Sync.Request(Optional.empty(), Optional.of(since), Optional.empty(),
                    Optional.empty(), Optional.of(10_000L)));
            Thread.sleep(200);
            assertThat(waiting).isNotDone();
            alice.sendMessage(new SendMessage.Request(roomId, "m.room.message", "t1", text("hello bob")));
            assertThat(bodies(waiting.get(), roomId)).containsExactly("hello bob");

            // Sending again with the same transaction ID gives the same event.
            String first = alice.sendMessage(new SendMessage.Request(roomId, "m.room.message", "t2", text("once"))).eventId();
            String again = alice.sendMessage(new SendMessage.Request(roomId, "m.room.message", "t2", text("once"))).eventId();
            assertThat(again).isEqualTo(first);

            var history = bob.getRoomEvents(new GetRoomEvents.Request(roomId, Optional.empty(), Optional.empty(), GetRoomEventsDir.B,
                    Optional.of(2L), Optional.empty()));
            assertThat(history.chunk()).extracting(e -> e.content().path("body").asText()).containsExactly("once", "hello bob");
            assertThat(history.end()).isPresent();

            // Typing and read receipts reach the other user through sync.
            String beforeTyping = bob.sync(new Sync.Request(Optional.empty(), Optional.of(since), Optional.empty(), Optional.empty(),
                    Optional.empty())).nextBatch();
            alice.setTyping(new SetTyping.Request(roomId, aliceId, new SetTypingRequest(true, Optional.of(30_000L), Map.of())));
            alice.postReceipt(new PostReceipt.Request(roomId, PostReceiptReceiptType.M_READ, first,
                    new PostReceiptRequest(Optional.empty(), Map.of())));
            SyncResponse ephemeral = bob.sync(new Sync.Request(Optional.empty(), Optional.of(beforeTyping), Optional.empty(),
                    Optional.empty(), Optional.of(5_000L)));
            JsonNode events = MatrixJson.tree(ephemeral).path("rooms").path("join").path(roomId).path("ephemeral").path("events");
            assertThat(events.toString()).contains("\"type\":\"m.typing\"").contains("\"user_ids\":[\"@alice:localhost\"]")
                    .contains("\"type\":\"m.receipt\"").contains("\"" + first + "\":{\"m.read\":{\"@alice:localhost\"");

            bob.leaveRoom(new LeaveRoom.Request(roomId, new LeaveRoomRequest(Optional.empty(), Map.of())));
            assertThatThrownBy(() -> bob.sendMessage(new SendMessage.Request(roomId, "m.room.message", "t3", text("still here?"))))
                    .isInstanceOfSatisfying(MatrixException.class, e -> assertThat(e.errcode()).isEqualTo("M_FORBIDDEN"));
            assertThat(aliceId).isEqualTo("@alice:localhost");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void everythingAcknowledgedSurvivesARestart(String backend) throws Exception {
        Optional<String> pg = backend.equals("postgresql") ? Optional.of(Backends.postgresSchemaUrl()) : Optional.empty();
        ServerConfig config = new ServerConfig("localhost", "127.0.0.1", -1, dir.resolve("data").toString(), backend, pg, true, 0, 0);
        String roomId;
        String token;
        try (Homeserver server = Homeserver.start(config)) {
            ClientServerClient alice = client(server);
            register(alice, "alice");
            token = alice.http().accessToken();
            roomId = alice.createRoom(new CreateRoom.Request(new CreateRoomRequest(Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty(), Map.of()))).roomId();
            alice.sendMessage(new SendMessage.Request(roomId, "m.room.message", "t1", text("before the restart")));
        }
        try (Homeserver server = Homeserver.start(config)) {
            ClientServerClient alice = client(server);
            alice.http().accessToken(token);
            assertThat(alice.getTokenOwner(new GetTokenOwner.Request()).userId()).isEqualTo("@alice:localhost");
            SyncResponse sync = alice.sync(new Sync.Request(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()));
            assertThat(bodies(sync, roomId)).containsExactly("before the restart");
            alice.sendMessage(new SendMessage.Request(roomId, "m.room.message", "t2", text("after")));
            var history = alice.getRoomEvents(new GetRoomEvents.Request(roomId, Optional.empty(), Optional.empty(), GetRoomEventsDir.B,
                    Optional.of(2L), Optional.empty()));
            assertThat(history.chunk()).extracting(e -> e.content().path("body").asText()).containsExactly("after", "before the restart");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite"})
    void loginAndBadInput(String backend) throws Exception {
        try (Homeserver server = start(backend)) {
            ClientServerClient c = client(server);
            register(c, "carol");
            var login = c.login(new Login.Request(new LoginRequest(LoginRequestType.M_LOGIN_PASSWORD, Optional.empty(), Optional.of("carol"),
                    Optional.empty(), Optional.empty(), Optional.of("password-carol"), Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty(), Map.of())));
            assertThat(login.userId()).isEqualTo("@carol:localhost");
            assertThatThrownBy(() -> c.login(new Login.Request(new LoginRequest(LoginRequestType.M_LOGIN_PASSWORD, Optional.empty(),
                    Optional.of("carol"), Optional.empty(), Optional.empty(), Optional.of("wrong"), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), Map.of()))))
                    .isInstanceOfSatisfying(MatrixException.class, e -> assertThat(e.errcode()).isEqualTo("M_FORBIDDEN"));
        }
    }

    @org.junit.jupiter.api.Test
    void roomsAreFoundByAliasAndInTheDirectoryAndCanBeKnockedOn() throws Exception {
        try (Homeserver server = start("sqlite")) {
            ClientServerClient alice = client(server);
            ClientServerClient carol = client(server);
            register(alice, "alice");
            String carolId = register(carol, "carol");
            String publicRoom = alice.createRoom(new CreateRoom.Request(new CreateRoomRequest(
                    Optional.of(dev.mxspec.spec.v1_7.clientserver.CreateRoomRequestVisibility.PUBLIC), Optional.of("lobby"),
                    Optional.of("Lobby"), Optional.of("Say hello"), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.of(CreateRoomRequestPreset.PUBLIC_CHAT), Optional.empty(), Optional.empty(), Map.of()))).roomId();

            assertThat(carol.getRoomIdByAlias(new dev.mxspec.spec.v1_7.clientserver.endpoints.GetRoomIdByAlias.Request("#lobby:localhost"))
                    .roomId()).contains(publicRoom);
            var directory = carol.queryPublicRooms(new dev.mxspec.spec.v1_7.clientserver.endpoints.QueryPublicRooms.Request(Optional.empty(),
                    new dev.mxspec.spec.v1_7.clientserver.QueryPublicRoomsRequest(Optional.empty(), Optional.empty(),
                            Optional.of(new dev.mxspec.spec.v1_7.clientserver.QueryPublicRoomsRequestFilter(Optional.of("hello"),
                                    Optional.empty(), Map.of())), Optional.empty(), Optional.empty(), Map.of())));
            assertThat(MatrixJson.tree(directory).path("chunk").toString())
                    .contains("\"room_id\":\"" + publicRoom + "\"").contains("\"name\":\"Lobby\"")
                    .contains("\"canonical_alias\":\"#lobby:localhost\"").contains("\"num_joined_members\":1");

            carol.joinRoom(new dev.mxspec.spec.v1_7.clientserver.endpoints.JoinRoom.Request("#lobby:localhost", List.of(),
                    new dev.mxspec.spec.v1_7.clientserver.JoinRoomRequest(Optional.empty(), Optional.empty(), Map.of())));
            String hello = carol.sendMessage(new SendMessage.Request(publicRoom, "m.room.message", "c1", text("hello"))).eventId();
            var context = alice.getEventContext(new dev.mxspec.spec.v1_7.clientserver.endpoints.GetEventContext.Request(publicRoom, hello,
                    Optional.of(4L), Optional.empty()));
            assertThat(context.event().map(e -> e.content().path("body").asText())).contains("hello");
            assertThat(context.eventsBefore().orElseThrow()).hasSize(2);

            // A room with the knock join rule: carol knocks, alice sees it.
            var knockRule = new dev.mxspec.spec.v1_7.clientserver.CreateRoomRequestInitialState("m.room.join_rules", Optional.of(""),
                    MatrixJson.mapper().createObjectNode().put("join_rule", "knock"), Map.of());
            String club = alice.createRoom(new CreateRoom.Request(new CreateRoomRequest(Optional.empty(), Optional.empty(), Optional.of("Club"),
                    Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(List.of(knockRule)),
                    Optional.of(CreateRoomRequestPreset.PRIVATE_CHAT), Optional.empty(), Optional.empty(), Map.of()))).roomId();
            carol.knockRoom(new dev.mxspec.spec.v1_7.clientserver.endpoints.KnockRoom.Request(club, List.of(),
                    new dev.mxspec.spec.v1_7.clientserver.KnockRoomRequest(Optional.of("let me in"), Map.of())));
            SyncResponse carolSync = carol.sync(new Sync.Request(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty()));
            assertThat(MatrixJson.tree(carolSync).path("rooms").path("knock").has(club)).isTrue();
            var members = alice.getMembersByRoom(new dev.mxspec.spec.v1_7.clientserver.endpoints.GetMembersByRoom.Request(club,
                    Optional.empty(), Optional.empty(), Optional.empty()));
            assertThat(members.chunk().orElseThrow()).anySatisfy(e -> {
                assertThat(e.stateKey()).contains(carolId);
                assertThat(e.content().path("membership").asText()).isEqualTo("knock");
            });
        }
    }

    @org.junit.jupiter.api.Test
    void lazyLoadedMembersAndTimelineFiltersShapeTheSync() throws Exception {
        try (Homeserver server = start("sqlite")) {
            ClientServerClient alice = client(server);
            ClientServerClient bob = client(server);
            ClientServerClient dan = client(server);
            register(alice, "alice");
            register(bob, "bob");
            String danId = register(dan, "dan");
            String roomId = alice.createRoom(new CreateRoom.Request(new CreateRoomRequest(Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.of(CreateRoomRequestPreset.PUBLIC_CHAT), Optional.empty(), Optional.empty(), Map.of()))).roomId();
            bob.joinRoomById(new JoinRoomById.Request(roomId, new JoinRoomByIdRequest(Optional.empty(), Optional.empty(), Map.of())));
            dan.joinRoomById(new JoinRoomById.Request(roomId, new JoinRoomByIdRequest(Optional.empty(), Optional.empty(), Map.of())));
            bob.sendMessage(new SendMessage.Request(roomId, "m.room.message", "b1", text("from bob")));

            String filter = "{\"room\":{\"state\":{\"lazy_load_members\":true},\"timeline\":{\"limit\":1,\"types\":[\"m.room.*\"]}}}";
            SyncResponse sync = dan.sync(new Sync.Request(Optional.of(filter), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()));
            JsonNode room = MatrixJson.tree(sync).path("rooms").path("join").path(roomId);
            List<String> memberKeys = new java.util.ArrayList<>();
            room.path("state").path("events").forEach(e -> {
                if (e.path("type").asText().equals("m.room.member")) {
                    memberKeys.add(e.path("state_key").asText());
                }
            });
            // the sender, the user, and alice: a hero of the unnamed room, whose member event comes with lazy-loading as the spec says
            assertThat(memberKeys).containsExactlyInAnyOrder("@bob:localhost", danId, "@alice:localhost");
            assertThat(room.path("timeline").path("events")).hasSize(1);
            assertThat(room.path("timeline").path("limited").asBoolean()).isTrue();

            // room and sender filters
            String other = alice.createRoom(new CreateRoom.Request(new CreateRoomRequest(Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.of(List.of(danId)), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.of(CreateRoomRequestPreset.PUBLIC_CHAT), Optional.empty(), Optional.empty(), Map.of()))).roomId();
            dan.joinRoomById(new JoinRoomById.Request(other, new JoinRoomByIdRequest(Optional.empty(), Optional.empty(), Map.of())));
            alice.sendMessage(new SendMessage.Request(roomId, "m.room.message", "a1", text("from alice")));
            JsonNode onlyOther = MatrixJson.tree(dan.sync(new Sync.Request(Optional.of("{\"room\":{\"rooms\":[\"" + other + "\"]}}"),
                    Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()))).path("rooms").path("join");
            assertThat(onlyOther.properties()).extracting(Map.Entry::getKey).containsExactly(other);
            JsonNode notOther = MatrixJson.tree(dan.sync(new Sync.Request(Optional.of("{\"room\":{\"not_rooms\":[\"" + other + "\"]}}"),
                    Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()))).path("rooms").path("join");
            assertThat(notOther.properties()).extracting(Map.Entry::getKey).containsExactly(roomId);
            JsonNode fromBob = MatrixJson.tree(dan.sync(new Sync.Request(Optional.of(
                    "{\"room\":{\"rooms\":[\"" + roomId + "\"],\"timeline\":{\"senders\":[\"@bob:localhost\"]}}}"),
                    Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()))).path("rooms").path("join").path(roomId);
            assertThat(fromBob.path("timeline").path("events").findValuesAsText("sender")).isNotEmpty().containsOnly("@bob:localhost");
            JsonNode notBob = MatrixJson.tree(dan.sync(new Sync.Request(Optional.of(
                    "{\"room\":{\"timeline\":{\"not_senders\":[\"@bob:localhost\"]}}}"),
                    Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()))).path("rooms").path("join").path(roomId);
            assertThat(notBob.path("timeline").path("events").findValuesAsText("sender")).contains("@alice:localhost")
                    .doesNotContain("@bob:localhost");

            // include_leave: an initial sync lists left rooms only when asked
            dan.leaveRoom(new LeaveRoom.Request(other, new LeaveRoomRequest(Optional.empty(), Map.of())));
            JsonNode without = MatrixJson.tree(dan.sync(new Sync.Request(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty()))).path("rooms");
            JsonNode with = MatrixJson.tree(dan.sync(new Sync.Request(Optional.of("{\"room\":{\"include_leave\":true}}"), Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty()))).path("rooms");
            assertThat(without.path("leave").has(other)).isFalse();
            assertThat(with.path("leave").path(other).path("timeline").path("events").findValuesAsText("type")).contains("m.room.member");
            assertThat(with.path("join").has(other)).isFalse();
        }
    }
}
