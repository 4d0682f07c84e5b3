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
