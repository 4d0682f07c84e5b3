package dev.mxspec.homeserver.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mxspec.client.sdk.Credentials;
import dev.mxspec.client.sdk.MatrixSession;
import dev.mxspec.client.sdk.Room;
import dev.mxspec.client.sdk.SyncLoop;
import dev.mxspec.client.sdk.Content;
import dev.mxspec.client.sdk.Notifications;
import dev.mxspec.client.sdk.Unread;
import dev.mxspec.homeserver.core.PushSettings;
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
                true, 0, 0, TOKEN_LIFETIME_MS).withPush(new PushSettings(true, true)));
        url = "http://127.0.0.1:" + server.port();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** A new user, logged in. */
    private MatrixSession user(String name) {
        MatrixSession session = MatrixSession.connect(url);
        session.register(name, name + "-password");
        return session;
    }

    /** A public room of {@code owner} that the others joined. */
    private static String publicRoom(MatrixSession owner, Optional<String> name, MatrixSession... joining) {
        String roomId = owner.createRoom(name, true, List.of());
        for (MatrixSession s : joining) {
            s.join(roomId);
        }
        return roomId;
    }

    @Test
    void theSyncLoopKeepsRoomStateMembersAndTimelineAndDeliversTypedEvents() {
        MatrixSession alice = user("alice");
        MatrixSession bob = user("bob");
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
        MatrixSession alice = user("alice");
        MatrixSession bob = user("bob");
        String roomId = publicRoom(alice, Optional.empty(), bob);
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
        MatrixSession bob = user("bob");
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
        MatrixSession alice = user("alice");
        MatrixSession carol = user("carol");
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

    private static String mentioning(MatrixSession from, String roomId, com.fasterxml.jackson.databind.node.ObjectNode content, String... users) {
        return from.send(roomId, "m.room.message", Content.mention(content, users));
    }

    @Test
    void unreadCountsRiseWithMessagesAndMentionsAndFallWithReceiptsPerRoomAndThread() {
        MatrixSession alice = user("alice");
        MatrixSession bob = user("bob");
        String roomId = publicRoom(alice, Optional.of("Tea"), bob);
        SyncLoop bobs = bob.syncLoop();
        bobs.once(0);
        Room room = bobs.room(roomId).orElseThrow();
        assertThat(room.unread()).as("joins do not notify").isEqualTo(Unread.NONE);

        String root = alice.sendText(roomId, "tea?");
        mentioning(alice, roomId, Content.text("bob, green or black?"), "@bob:localhost");
        bobs.once(0);
        assertThat(room.unread()).isEqualTo(new Unread(2, 1));
        assertThat(room.unreadThreads()).isEmpty();

        String reply = mentioning(alice, roomId, Content.thread("bob: milk?", root), "@bob:localhost");
        alice.thread(roomId, root, "or lemon");
        bobs.once(0);
        assertThat(room.unreadMain()).as("the room's counts from the server cover the main timeline").isEqualTo(new Unread(2, 1));
        assertThat(room.unreadThreads()).containsExactly(java.util.Map.entry(root, new Unread(2, 1)));
        assertThat(room.unread()).as("the whole room").isEqualTo(new Unread(4, 2));
        assertThat(room.unread(root).toString()).isEqualTo("2 unread, 1 highlighted");

        assertThat(bob.markThreadRead(roomId, root, false)).as("the thread's latest reply").isNotEqualTo(reply);
        bobs.once(0);
        assertThat(room.unreadThreads()).as("a threaded receipt clears its thread").isEmpty();
        assertThat(room.unread()).as("and leaves the main timeline alone").isEqualTo(new Unread(2, 1));
        assertThat(room.readUpTo("@bob:localhost", "m.read", Optional.of(root))).isPresent();
        assertThat(room.readUpTo("@bob:localhost", "m.read", Optional.empty())).as("no unthreaded receipt yet").isEmpty();

        mentioning(alice, roomId, Content.thread("bob?", root), "@bob:localhost");
        bobs.once(0);
        assertThat(room.unread()).isEqualTo(new Unread(3, 2));
        String marked = bob.markRoomRead(roomId, true);
        bobs.once(0);
        assertThat(room.unread()).as("a private unthreaded receipt clears the room, threads included").isEqualTo(Unread.NONE);
        assertThat(room.unreadThreads()).isEmpty();
        assertThat(room.readUpTo("@bob:localhost", "m.read.private", Optional.empty())).contains(marked);

        SyncLoop alices = alice.syncLoop();
        alices.once(0);
        assertThat(alices.room(roomId).orElseThrow().readUpTo("@bob:localhost", "m.read.private", Optional.empty()))
                .as("bob's private receipt stays his").isEmpty();
        assertThatThrownBy(() -> bob.markThreadRead(roomId, "$nonesuch", false)).as("no such thread")
                .isInstanceOfSatisfying(MatrixException.class, e -> assertThat(e.errcode()).isEqualTo("M_NOT_FOUND"));
        String elsewhere = alice.createRoom(Optional.of("Private"), false, List.of());
        assertThatThrownBy(() -> bob.markRoomRead(elsewhere, false)).as("a room bob is not in")
                .isInstanceOfSatisfying(MatrixException.class, e -> assertThat(e.errcode()).isEqualTo("M_FORBIDDEN"));
    }

    @Test
    void theLoopKeepsThreadSummariesReactionsAndLatestEditsAlsoForALaterJoiner() throws Exception {
        MatrixSession alice = user("alice");
        MatrixSession bob = user("bob");
        String roomId = publicRoom(alice, Optional.of("Tea"), bob);
        SyncLoop bobs = bob.syncLoop();
        bobs.once(0);
        Room live = bobs.room(roomId).orElseThrow();

        String root = alice.sendText(roomId, "tea at 4?");
        alice.thread(roomId, root, "green");
        String latest = bob.thread(roomId, root, "black");
        alice.edit(roomId, root, "tea at 5?");
        String thumb = alice.react(roomId, root, "👍");
        bob.react(roomId, root, "👍");
        bob.react(roomId, root, "🍵");
        bobs.once(0);

        Room.ThreadSummary summary = live.thread(root).orElseThrow();
        assertThat(summary.replies()).isEqualTo(2);
        assertThat(summary.latest().map(ClientEventWithoutRoomID::eventId)).contains(latest);
        assertThat(summary.participated()).isTrue();
        assertThat(live.reactions(root)).containsExactly(java.util.Map.entry("👍", 2), java.util.Map.entry("🍵", 1));
        ClientEventWithoutRoomID rootEvent = live.timeline().stream().filter(e -> e.eventId().equals(root)).findFirst().orElseThrow();
        assertThat(live.shownContent(rootEvent).path("body").asText()).isEqualTo("tea at 5?");

        alice.api().redactEvent(new dev.mxspec.spec.v1_7.clientserver.endpoints.RedactEvent.Request(roomId, thumb, "r1",
                new dev.mxspec.spec.v1_7.clientserver.RedactEventRequest(Optional.empty(), java.util.Map.of())));
        Thread.sleep(5); // a later origin_server_ts than the first edit's
        alice.edit(roomId, root, "tea at 6?");
        bobs.once(0);
        assertThat(live.reactions(root)).as("a redacted reaction no longer counts")
                .containsExactly(java.util.Map.entry("👍", 1), java.util.Map.entry("🍵", 1));
        assertThat(live.shownContent(rootEvent).path("body").asText()).as("the newest edit").isEqualTo("tea at 6?");

        MatrixSession carol = user("carol");
        carol.join(roomId);
        SyncLoop carols = carol.syncLoop();
        carols.once(0);
        Room later = carols.room(roomId).orElseThrow();
        Room.ThreadSummary seen = later.thread(root).orElseThrow();
        assertThat(seen.replies()).as("the bundled count, its replies in the same timeline not counted twice").isEqualTo(2);
        assertThat(seen.latest().map(ClientEventWithoutRoomID::eventId)).contains(latest);
        assertThat(seen.participated()).isFalse();
        assertThat(later.latestEdit(root).map(e -> e.content().path("m.new_content").path("body").asText())).contains("tea at 6?");

        carol.thread(roomId, root, "oolong");
        carols.once(0);
        assertThat(later.thread(root).orElseThrow()).extracting(Room.ThreadSummary::replies, Room.ThreadSummary::participated)
                .containsExactly(3L, true);
        assertThat(later.threads()).extracting(Room.ThreadSummary::rootId).containsExactly(root);
    }

    @Test
    void notificationsComePageByPageAndPushersAreSetListedAndRemovedPerUser() {
        MatrixSession alice = user("alice");
        MatrixSession bob = user("bob");
        String roomId = publicRoom(alice, Optional.empty(), bob);
        List<String> sent = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            sent.add(i == 3 ? mentioning(alice, roomId, Content.text("bob!"), "@bob:localhost") : alice.sendText(roomId, "line " + i));
        }
        bob.markRead(roomId, sent.get(1), false, Optional.empty());

        Notifications.Page first = bob.notifications().list(Optional.empty(), 2, false);
        assertThat(first.notifications()).extracting(n -> n.event().eventId()).containsExactly(sent.get(4), sent.get(3));
        assertThat(first.notifications()).extracting(Notifications.Notification::highlight, Notifications.Notification::read)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(false, false), org.assertj.core.groups.Tuple.tuple(true, false));
        assertThat(first.notifications().getFirst().roomId()).isEqualTo(roomId);
        Notifications.Page rest = bob.notifications().list(first.next(), 10, false);
        assertThat(rest.notifications()).extracting(n -> n.event().eventId()).containsExactly(sent.get(2), sent.get(1), sent.get(0));
        assertThat(rest.notifications()).extracting(Notifications.Notification::read).containsExactly(false, true, true);
        assertThat(rest.next()).isEmpty();
        assertThat(bob.notifications().list(Optional.empty(), 150, false).notifications()).as("past the server's page size").hasSize(5);
        assertThat(bob.notifications().list(Optional.empty(), 10, true).notifications()).extracting(n -> n.event().eventId())
                .containsExactly(sent.get(3));
        assertThat(alice.notifications().list(Optional.empty(), 10, false).notifications()).as("alice was notified of nothing").isEmpty();
        assertThatThrownBy(() -> bob.notifications().list(Optional.of("not-a-token"), 10, false))
                .isInstanceOfSatisfying(MatrixException.class, e -> assertThat(e.errcode()).isEqualTo("M_INVALID_PARAM"));

        String gateway = "http://127.0.0.1:9/_matrix/push/v1/notify";
        alice.notifications().setPusher(Notifications.HttpPusher.of("org.example.tea", "alice-phone", gateway), false);
        bob.notifications().setPusher(new Notifications.HttpPusher("org.example.tea", "bob-phone", gateway, Optional.of("event_id_only"),
                "Tea", "bob's phone", "de"), false);
        assertThat(bob.notifications().pushers()).singleElement().satisfies(p -> {
            assertThat(p.pushkey()).isEqualTo("bob-phone");
            assertThat(p.data().url()).contains(gateway);
            assertThat(p.data().format()).contains("event_id_only");
            assertThat(p.deviceDisplayName()).isEqualTo("bob's phone");
            assertThat(p.lang()).isEqualTo("de");
        });
        assertThat(bob.notifications().removePusher("org.example.tea", "alice-phone")).as("not bob's").isFalse();
        assertThat(alice.notifications().pushers()).extracting(p -> p.pushkey()).containsExactly("alice-phone");
        assertThat(bob.notifications().removePusher("org.example.tea", "bob-phone")).isTrue();
        assertThat(bob.notifications().pushers()).isEmpty();
        assertThatThrownBy(() -> bob.notifications().setPusher(Notifications.HttpPusher.of("org.example.tea", "k", "http://127.0.0.1:9/notify"), false))
                .isInstanceOfSatisfying(MatrixException.class, e -> assertThat(e.errcode()).isEqualTo("M_INVALID_PARAM"));
    }

    @Test
    void anInterruptEndsALongPollAtOnce() throws Exception {
        MatrixSession alice = user("alice");
        SyncLoop loop = alice.syncLoop().skipHistory();
        Thread running = Thread.ofVirtual().start(() -> loop.run(30_000));
        Thread.sleep(500);
        long start = System.nanoTime();
        running.interrupt();
        assertThat(running.join(java.time.Duration.ofSeconds(5))).as("the loop ended").isTrue();
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isLessThan(java.time.Duration.ofSeconds(2));
    }

    @Test
    void aThreadedReceiptOnAnEventOutsideItsThreadIsRefusedAndClearsNothing() {
        MatrixSession alice = user("alice");
        MatrixSession bob = user("bob");
        String roomId = publicRoom(alice, Optional.empty(), bob);
        String root = alice.sendText(roomId, "tea?");
        alice.thread(roomId, root, "green");
        String inMain = alice.sendText(roomId, "in the room");
        SyncLoop bobs = bob.syncLoop();
        bobs.once(0);
        assertThat(bobs.room(roomId).orElseThrow().unread(root)).isEqualTo(new Unread(1, 0));

        assertThatThrownBy(() -> bob.markRead(roomId, inMain, false, Optional.of(root)))
                .as("v1.7 POST /receipt: 400 when the event_id is not related to the thread_id")
                .isInstanceOfSatisfying(MatrixException.class, e -> assertThat(e.errcode()).isEqualTo("M_INVALID_PARAM"));
        assertThatThrownBy(() -> bob.markRead(roomId, inMain, false, Optional.of("$no-such-root")))
                .isInstanceOfSatisfying(MatrixException.class, e -> assertThat(e.errcode()).isEqualTo("M_INVALID_PARAM"));
        bobs.once(0);
        assertThat(bobs.room(roomId).orElseThrow().unread(root)).as("the thread's reply is still unread").isEqualTo(new Unread(1, 0));
    }
}
