package dev.mxspec.homeserver.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mxspec.client.sdk.Credentials;
import dev.mxspec.client.sdk.MatrixSession;
import dev.mxspec.client.sdk.Room;
import dev.mxspec.client.sdk.SyncLoop;
import dev.mxspec.homeserver.core.ServerConfig;
import dev.mxspec.homeserver.main.Homeserver;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.spec.v1_7.clientserver.ClientEventWithoutRoomID;
import dev.mxspec.spec.v1_7.events.EventContent;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client SDK against the reference homeserver: room state kept by the sync loop, typed events, token refresh. */
class SdkTest {

    private static final long TOKEN_LIFETIME_MS = 1_500;

    @TempDir
    Path dir;

    private Homeserver server;
    private String url;

    @BeforeEach
    void start() throws Exception {
        server = Homeserver.start(new ServerConfig("localhost", "127.0.0.1", -1, dir.resolve("data").toString(), "sqlite", Optional.empty(),
                true, 0, 0, TOKEN_LIFETIME_MS));
        url = "http://127.0.0.1:" + server.port();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void theSyncLoopKeepsRoomStateMembersAndTimelineAndDeliversTypedEvents() {
        MatrixSession alice = MatrixSession.connect(url);
        alice.register("alice", "alice-password");
        MatrixSession bob = MatrixSession.connect(url);
        bob.register("bob", "bob-password");
        SyncLoop bobs = bob.syncLoop().skipHistory();
        List<String> typed = new CopyOnWriteArrayList<>();
        bobs.listenTyped((room, event, content) -> typed.add(room.name().orElse("?") + " " + event.type() + " "
                + content.getClass().getSimpleName()));

        String roomId = alice.createRoom(Optional.of("Tea"), false, List.of("@bob:localhost"));
        bobs.once(0);
        Room invited = bobs.room(roomId).orElseThrow();
        assertThat(invited.membership()).isEqualTo(Room.Membership.INVITE);
        assertThat(invited.name()).as("from the stripped invite state").contains("Tea");

        bob.join(roomId);
        alice.sendText(roomId, "hello bob");
        alice.setState(roomId, "m.room.topic", "", MatrixJson.mapper().createObjectNode().put("topic", "green or black"));
        bobs.once(0);

        Room joined = bobs.room(roomId).orElseThrow();
        assertThat(joined.membership()).isEqualTo(Room.Membership.JOIN);
        assertThat(joined.joinedMembers()).containsExactly("@alice:localhost", "@bob:localhost");
        assertThat(joined.displayName("@alice:localhost")).isEqualTo("alice");
        assertThat(joined.topic()).as("a state event in the timeline updates the state").contains("green or black");
        assertThat(joined.timeline()).extracting(ClientEventWithoutRoomID::type).endsWith("m.room.member", "m.room.message", "m.room.topic");
        assertThat(typed).contains("Tea m.room.message RoomMessageTextEventContent", "Tea m.room.member RoomMemberEventContent", "Tea m.room.topic RoomTopicEventContent");

        alice.leave(roomId);
        bobs.once(0);
        assertThat(joined.members()).filteredOn(m -> m.userId().equals("@alice:localhost")).singleElement()
                .extracting(Room.Member::membership).isEqualTo("leave");
        assertThat(joined.joinedMembers()).containsExactly("@bob:localhost");

        bob.leave(roomId);
        bobs.once(0);
        assertThat(bobs.room(roomId).orElseThrow().membership()).isEqualTo(Room.Membership.LEAVE);
    }

    @Test
    void historyPagesBackToTheStartAndPrivateReceiptsStayPrivate() {
        MatrixSession alice = MatrixSession.connect(url);
        alice.register("alice", "alice-password");
        MatrixSession bob = MatrixSession.connect(url);
        bob.register("bob", "bob-password");
        String roomId = alice.createRoom(Optional.empty(), true, List.of());
        bob.join(roomId);
        List<String> sent = new java.util.ArrayList<>();
        for (int i = 0; i < 25; i++) {
            alice.sendText(roomId, "line " + i);
            sent.add("line " + i);
        }

        List<String> read = new java.util.ArrayList<>();
        Optional<String> from = Optional.empty();
        int pages = 0;
        do {
            MatrixSession.Page page = bob.historyPage(roomId, from, 10);
            List<String> bodies = page.events().stream().filter(e -> e.type().equals("m.room.message"))
                    .map(e -> e.content().path("body").asText()).toList();
            read.addAll(0, bodies);
            from = page.earlier();
            pages++;
        } while (from.isPresent() && pages < 20);
        assertThat(read).isEqualTo(sent);
        assertThat(pages).as("25 messages and the room's state events, 10 at a time").isBetween(4, 6);

        String last = bob.history(roomId, 1).getFirst().eventId();
        bob.markRead(roomId, last, true, Optional.empty());
        String alicesView = MatrixJson.write(alice.api().sync(syncNow()));
        String bobsView = MatrixJson.write(bob.api().sync(syncNow()));
        assertThat(bobsView).contains("m.read.private").contains(last);
        assertThat(alicesView).doesNotContain("m.read.private");

        bob.markRead(roomId, last, false, Optional.of("main"));
        assertThat(MatrixJson.write(alice.api().sync(syncNow()))).contains("\"m.read\"").contains("\"thread_id\":\"main\"");

        // the sync loop keeps who is typing and how far each member has read
        SyncLoop alices = alice.syncLoop();
        alices.once(0);
        Room room = alices.rooms().get(roomId);
        assertThat(room.readUpTo("@bob:localhost", "m.read")).contains(last);
        assertThat(room.readUpTo("@bob:localhost", "m.read.private")).as("bob's private receipt").isEmpty();
        bob.typing(roomId, true, 30_000);
        alices.once(5_000);
        assertThat(room.typing()).containsExactly("@bob:localhost");
        bob.typing(roomId, false, 0);
        alices.once(5_000);
        assertThat(room.typing()).isEmpty();
    }

    @Test
    void aToDeviceMessageSentTwiceWithOneTransactionIdArrivesOnce() {
        MatrixSession alice = MatrixSession.connect(url);
        Credentials a = alice.register("alice", "alice-password");
        MatrixSession bob = MatrixSession.connect(url);
        bob.register("bob", "bob-password");
        var content = MatrixJson.mapper().createObjectNode().put("hello", "alice");
        var body = new dev.mxspec.spec.v1_7.clientserver.Body(java.util.Map.of(a.userId(), java.util.Map.of(a.deviceId(), content)),
                java.util.Map.of());

        for (String txn : List.of("t1", "t1", "t2")) {
            bob.api().sendToDevice(new dev.mxspec.spec.v1_7.clientserver.endpoints.SendToDevice.Request("org.example.ping", txn, body));
        }

        List<dev.mxspec.spec.v1_7.clientserver.ToDeviceEvents> toDevice = new java.util.ArrayList<>();
        alice.api().sync(syncNow()).toDevice().flatMap(t -> t.events()).ifPresent(toDevice::addAll);
        assertThat(toDevice).as("t1 retried is delivered once, t2 is a new message").hasSize(2)
                .allSatisfy(e -> assertThat(MatrixJson.write(e)).contains("\"sender\":\"@bob:localhost\"").contains("\"hello\":\"alice\""));
    }

    @Test
    void aRestrictedRoomLetsInMembersOfTheAllowedRoomVouchedForByAModerator() {
        MatrixSession alice = MatrixSession.connect(url);
        alice.register("alice", "alice-password");
        MatrixSession carol = MatrixSession.connect(url);
        carol.register("carol", "carol-password");
        String space = alice.createRoom(Optional.of("Space"), true, List.of());
        String inner = alice.createRoom(Optional.of("Inner"), false, List.of());
        var rules = MatrixJson.mapper().createObjectNode().put("join_rule", "restricted");
        rules.putArray("allow").addObject().put("type", "m.room_membership").put("room_id", space);
        alice.setState(inner, "m.room.join_rules", "", rules);

        assertThatThrownBy(() -> carol.join(inner)).as("not in the allowed room yet")
                .isInstanceOfSatisfying(MatrixException.class, e -> {
                    assertThat(e.status()).isEqualTo(403);
                    assertThat(e.errcode()).isEqualTo("M_FORBIDDEN");
                });

        carol.join(space);
        assertThat(carol.join(inner)).isEqualTo(inner);
        var member = alice.api().getRoomStateWithKey(new dev.mxspec.spec.v1_7.clientserver.endpoints.GetRoomStateWithKey.Request(
                inner, "m.room.member", "@carol:localhost"));
        assertThat(MatrixJson.tree(member).path("membership").asText()).isEqualTo("join");
        assertThat(MatrixJson.tree(member).path("join_authorised_via_users_server").asText()).isEqualTo("@alice:localhost");
        assertThat(carol.rooms()).contains(space, inner);
    }

    private static dev.mxspec.spec.v1_7.clientserver.endpoints.Sync.Request syncNow() {
        return new dev.mxspec.spec.v1_7.clientserver.endpoints.Sync.Request(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty());
    }

    @Test
    void anExpiredAccessTokenIsRefreshedAndTheNewCredentialsAreHandedOver() throws Exception {
        MatrixSession alice = MatrixSession.connect(url);
        Credentials first = alice.login(alice.register("alice", "alice-password").userId().substring(1, 6), "alice-password");
        assertThat(first.refreshToken()).as("the SDK asks for refresh tokens").isPresent();
        AtomicReference<Credentials> handedOver = new AtomicReference<>();
        alice.onRefresh(handedOver::set);

        Thread.sleep(TOKEN_LIFETIME_MS + 500);
        assertThat(alice.whoami()).as("the expired token is refreshed and the call repeated").isEqualTo("@alice:localhost");

        Credentials renewed = alice.credentials();
        assertThat(handedOver.get()).isEqualTo(renewed);
        assertThat(renewed.accessToken()).isNotEqualTo(first.accessToken());
        assertThat(renewed.refreshToken()).isPresent().isNotEqualTo(first.refreshToken());
        assertThat(renewed.deviceId()).isEqualTo(first.deviceId());

        MatrixSession stale = MatrixSession.resume(first);
        assertThatThrownBy(stale::whoami).as("the spent refresh token is refused")
                .isInstanceOfSatisfying(MatrixException.class, e -> assertThat(e.errcode()).isEqualTo("M_UNKNOWN_TOKEN"));
    }
}
