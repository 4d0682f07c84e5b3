package dev.mxspec.homeserver.main;

import static dev.mxspec.homeserver.main.RoomAccessTest.enc;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.runtime.json.MatrixJson;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Unread notification counts in {@code /sync} (per room and per thread), moved on by receipts and by
 * the member's own events, and {@code GET /notifications}, as the push rules of each member decide.
 */
class NotificationsTest {

    @TempDir
    Path dir;

    private Homeserver server;
    private JsonHttp http;
    private int txn;
    private String alice;
    private String bob;
    private String carol;
    private String roomId;

    /** Registers alice, bob and carol, and puts them in one room (alice's), with no messages yet. */
    private void threeInARoom() throws Exception {
        alice = http.register("alice", "alice-password");
        bob = http.register("bob", "bob-password");
        carol = http.register("carol", "carol-password");
        roomId = room3(alice, bob, carol);
    }

    private void start(String backend) throws Exception {
        server = TestServers.start(backend, dir, config -> config);
        http = new JsonHttp(server.port());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private String send(String token, String roomId, String content) throws Exception {
        JsonHttp.Reply r = http.call("PUT", "/rooms/" + roomId + "/send/m.room.message/t" + (++txn), token, content);
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        return r.body().path("event_id").asText();
    }

    private static String text(String body) {
        return "{\"msgtype\":\"m.text\",\"body\":\"" + body + "\"}";
    }

    private static String inThread(String root, String body) {
        return "{\"msgtype\":\"m.text\",\"body\":\"" + body + "\",\"m.relates_to\":{\"rel_type\":\"m.thread\",\"event_id\":\"" + root + "\"}}";
    }

    /** The joined room's part of an initial sync, with or without counts per thread. */
    private JsonNode room(String token, String roomId, boolean perThread) throws Exception {
        String filter = perThread ? "&filter=" + enc("{\"room\":{\"timeline\":{\"unread_thread_notifications\":true}}}") : "";
        JsonHttp.Reply r = http.call("GET", "/sync?timeout=0" + filter, token, null);
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        return r.body().path("rooms").path("join").path(roomId);
    }

    private static String counts(JsonNode room) {
        JsonNode c = room.path("unread_notifications");
        return c.path("notification_count").asInt() + "/" + c.path("highlight_count").asInt();
    }

    private void receipt(String token, String roomId, String type, String eventId, String body) throws Exception {
        JsonHttp.Reply r = http.call("POST", "/rooms/" + roomId + "/receipt/" + type + "/" + enc(eventId), token, body);
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
    }

    private String room3(String alice, String bob, String carol) throws Exception {
        String roomId = http.call("POST", "/createRoom", alice, "{\"preset\":\"public_chat\"}").body().path("room_id").asText();
        http.call("POST", "/join/" + roomId, bob, "{}");
        http.call("POST", "/join/" + roomId, carol, "{}");
        return roomId;
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void countsRiseWithMessagesAndMentionsAndFallWithReceipts(String backend) throws Exception {
        start(backend);
        threeInARoom();
        assertThat(counts(room(alice, roomId, false))).as("joins do not notify").isEqualTo("0/0");

        send(bob, roomId, text("hello all"));
        String mention = send(bob, roomId, "{\"msgtype\":\"m.text\",\"body\":\"alice: look\",\"m.mentions\":{\"user_ids\":[\"@alice:localhost\"]}}");
        send(carol, roomId, "{\"msgtype\":\"m.notice\",\"body\":\"a bot speaks\"}"); // .m.rule.suppress_notices
        assertThat(counts(room(alice, roomId, false))).isEqualTo("2/1");
        assertThat(counts(room(bob, roomId, false))).as("the sender is not notified of his own events").isEqualTo("0/0");
        assertThat(counts(room(carol, roomId, false))).as("carol's own notice moved her read mark").isEqualTo("0/0");

        receipt(alice, roomId, "m.read.private", mention, "{}");
        assertThat(counts(room(alice, roomId, false))).as("a private receipt clears as well").isEqualTo("0/0");

        String later = send(bob, roomId, text("more"));
        send(bob, roomId, "{\"msgtype\":\"m.text\",\"body\":\"@room listen\",\"m.mentions\":{\"room\":true}}");
        assertThat(counts(room(alice, roomId, false))).as("bob's power (0) may not notify the room (50): no highlight").isEqualTo("2/0");
        receipt(alice, roomId, "m.read", later, "{}");
        assertThat(counts(room(alice, roomId, false))).as("read up to and including the receipt's event").isEqualTo("1/0");
        receipt(alice, roomId, "m.read", mention, "{}");
        assertThat(counts(room(alice, roomId, false))).as("an older receipt does not move the mark back").isEqualTo("1/0");

        send(alice, roomId, text("I am here"));
        assertThat(counts(room(alice, roomId, false))).as("her own message marks what came before as read").isEqualTo("0/0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void threadsHaveTheirOwnCountsAndReceipts(String backend) throws Exception {
        start(backend);
        threeInARoom();
        String root = send(bob, roomId, text("lunch?"));
        String reply = send(bob, roomId, inThread(root, "noon"));
        send(carol, roomId, inThread(root, "you too?"));
        String reactionToReply = http.call("PUT", "/rooms/" + roomId + "/send/m.room.message/t" + (++txn), bob,
                "{\"msgtype\":\"m.text\",\"body\":\"quoting\",\"m.relates_to\":{\"rel_type\":\"m.reference\",\"event_id\":\"" + reply + "\"}}")
                .body().path("event_id").asText();
        String main = send(carol, roomId, text("in the room"));

        assertThat(counts(room(alice, roomId, false))).as("without the filter, one count for everything").isEqualTo("5/0");
        JsonNode perThread = room(alice, roomId, true);
        assertThat(counts(perThread)).as("the main timeline: the root and the last message").isEqualTo("2/0");
        assertThat(perThread.path("unread_thread_notifications")).isEqualTo(MatrixJson.mapper().readTree(
                "{\"" + root + "\":{\"highlight_count\":0,\"notification_count\":3}}"));

        receipt(alice, roomId, "m.read", reactionToReply, "{\"thread_id\":\"" + root + "\"}");
        perThread = room(alice, roomId, true);
        assertThat(counts(perThread)).as("a threaded receipt leaves the main timeline alone").isEqualTo("2/0");
        assertThat(perThread.path("unread_thread_notifications").size()).isZero();

        for (String[] wrong : List.of(new String[] {main, root}, new String[] {main, "$no-such-root"}, new String[] {reply, "main"})) {
            JsonHttp.Reply refused = http.call("POST", "/rooms/" + roomId + "/receipt/m.read/" + enc(wrong[0]), alice,
                    "{\"thread_id\":\"" + wrong[1] + "\"}");
            assertThat(refused.status()).as("an event outside the receipt's thread").isEqualTo(400);
            assertThat(refused.body().path("errcode").asText()).isEqualTo("M_INVALID_PARAM");
        }
        assertThat(counts(room(alice, roomId, true))).as("refused threaded receipts clear nothing").isEqualTo("2/0");
        receipt(alice, roomId, "m.read", root, "{\"thread_id\":\"main\"}");
        assertThat(counts(room(alice, roomId, true))).isEqualTo("1/0");
        receipt(alice, roomId, "m.read", main, "{}");
        assertThat(counts(room(alice, roomId, false))).isEqualTo("0/0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void notificationsAreListedNewestFirstWithTheirActionsAndReadState(String backend) throws Exception {
        start(backend);
        threeInARoom();
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            sent.add(send(bob, roomId, i == 2 ? "{\"msgtype\":\"m.text\",\"body\":\"hey alice\"}" : text("message " + i)));
        }
        receipt(alice, roomId, "m.read", sent.get(1), "{}");

        JsonNode first = http.call("GET", "/notifications?limit=3", alice, null).body();
        assertThat(ids(first)).containsExactly(sent.get(4), sent.get(3), sent.get(2));
        JsonNode highlight = first.path("notifications").get(2);
        assertThat(highlight.path("actions")).as("the actions of .m.rule.contains_user_name").isEqualTo(MatrixJson.mapper().readTree(
                "[\"notify\",{\"set_tweak\":\"sound\",\"value\":\"default\"},{\"set_tweak\":\"highlight\"}]"));
        assertThat(highlight.path("room_id").asText()).isEqualTo(roomId);
        assertThat(highlight.path("read").asBoolean()).isFalse();
        assertThat(highlight.path("event").path("content").path("body").asText()).isEqualTo("hey alice");
        assertThat(highlight.path("ts").asLong()).isPositive();
        JsonNode second = http.call("GET", "/notifications?limit=3&from=" + first.path("next_token").asText(), alice, null).body();
        assertThat(ids(second)).containsExactly(sent.get(1), sent.get(0));
        assertThat(second.path("notifications").get(0).path("read").asBoolean()).isTrue();
        assertThat(second.has("next_token")).as("the last page").isFalse();

        JsonNode highlights = http.call("GET", "/notifications?only=highlight", alice, null).body();
        assertThat(ids(highlights)).containsExactly(sent.get(2));
        assertThat(ids(http.call("GET", "/notifications", carol, null).body())).as("carol's own list").containsExactly(
                sent.get(4), sent.get(3), sent.get(2), sent.get(1), sent.get(0));
        assertThat(ids(http.call("GET", "/notifications", bob, null).body())).as("nobody notified bob").isEmpty();
    }

    @org.junit.jupiter.api.Test
    void aUserIdIsNeverTakenForAnotherThatDiffersWhereItHasAnUnderscore() throws Exception {
        start("sqlite");
        String underscore = http.register("a_b", "a_b-password");
        String other = http.register("axb", "axb-password");
        String bob = http.register("bob", "bob-password");
        String roomId = room3(bob, underscore, other);
        assertThat(http.call("PUT", "/pushrules/global/underride/.m.rule.message/enabled", underscore, "{\"enabled\":false}").status())
                .isEqualTo(200);
        send(bob, roomId, text("hello"));
        assertThat(counts(room(other, roomId, false))).isEqualTo("1/0");
        assertThat(counts(room(underscore, roomId, false))).as("a_b turned messages off; axb's notification is not his").isEqualTo("0/0");
        assertThat(ids(http.call("GET", "/notifications", underscore, null).body())).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void countsCarriedForwardWhileOthersSendAreNeverLostNorCountedTwice(String backend) throws Exception {
        start(backend);
        threeInARoom();
        assertThat(counts(room(alice, roomId, false))).isEqualTo("0/0"); // counted once from storage, then carried forward
        int each = 40;
        java.util.concurrent.atomic.AtomicInteger seq = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(3);
        try {
            List<java.util.concurrent.Future<?>> senders = new ArrayList<>();
            for (String token : List.of(bob, carol)) {
                senders.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        JsonHttp.Reply r = http.call("PUT", "/rooms/" + roomId + "/send/m.room.message/c" + seq.incrementAndGet(), token,
                                text("message " + i));
                        assertThat(r.status()).isEqualTo(200);
                    }
                    return null;
                }));
            }
            java.util.concurrent.Future<List<Integer>> reader = pool.submit(() -> {
                List<Integer> seen = new ArrayList<>();
                while (senders.stream().anyMatch(f -> !f.isDone())) {
                    seen.add(room(alice, roomId, false).path("unread_notifications").path("notification_count").asInt());
                }
                return seen;
            });
            for (java.util.concurrent.Future<?> f : senders) {
                f.get(120, java.util.concurrent.TimeUnit.SECONDS);
            }
            List<Integer> seen = reader.get(120, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(seen).as("never going back, never past the messages sent").isSorted().allMatch(n -> n <= 2 * each);
        } finally {
            pool.shutdownNow();
        }
        assertThat(counts(room(alice, roomId, false))).isEqualTo((2 * each) + "/0");
        dev.mxspec.homeserver.core.ServerConfig config = server.config();
        server.close();
        server = Homeserver.start(config);
        http = new JsonHttp(server.port());
        assertThat(counts(room(alice, roomId, false))).as("counted again from storage after a restart").isEqualTo((2 * each) + "/0");
    }

    private static List<String> ids(JsonNode page) {
        List<String> out = new ArrayList<>();
        page.path("notifications").forEach(n -> out.add(n.path("event").path("event_id").asText()));
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void rulesDecideAndChangesApplyAtOnce(String backend) throws Exception {
        start(backend);
        threeInARoom();
        send(bob, roomId, text("one"));
        assertThat(counts(room(alice, roomId, false))).isEqualTo("1/0");

        JsonHttp.Reply off = http.call("PUT", "/pushrules/global/underride/.m.rule.message/enabled", alice, "{\"enabled\":false}");
        assertThat(off.status()).isEqualTo(200);
        send(bob, roomId, text("two"));
        assertThat(counts(room(alice, roomId, false))).as(".m.rule.message disabled").isEqualTo("1/0");

        http.call("PUT", "/pushrules/global/room/" + enc(roomId), alice, "{\"actions\":[\"notify\",{\"set_tweak\":\"highlight\"}]}");
        send(bob, roomId, text("three"));
        assertThat(counts(room(alice, roomId, false))).as("her own room rule, highlighting").isEqualTo("2/1");

        http.call("PUT", "/user/" + enc("@alice:localhost") + "/account_data/m.ignored_user_list", alice,
                "{\"ignored_users\":{\"@carol:localhost\":{}}}");
        send(carol, roomId, text("ignored"));
        assertThat(counts(room(alice, roomId, false))).as("an ignored user's events never notify").isEqualTo("2/1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aRedactedEventNoLongerCounts(String backend) throws Exception {
        start(backend);
        threeInARoom();
        String spam = send(bob, roomId, text("spam alice"));
        assertThat(counts(room(alice, roomId, false))).isEqualTo("1/1");
        JsonHttp.Reply r = http.call("PUT", "/rooms/" + roomId + "/redact/" + enc(spam) + "/r1", bob, "{}");
        assertThat(r.status()).isEqualTo(200);
        assertThat(counts(room(alice, roomId, false))).isEqualTo("0/0");
        assertThat(ids(http.call("GET", "/notifications", alice, null).body())).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void receiptsAndNotificationRequestsThatDoNotFitAreRefused(String backend) throws Exception {
        start(backend);
        threeInARoom();
        String other = http.call("POST", "/createRoom", bob, "{}").body().path("room_id").asText();
        String elsewhere = send(bob, other, text("elsewhere"));
        String message = send(bob, roomId, text("hi"));

        JsonHttp.Reply wrongRoom = http.call("POST", "/rooms/" + roomId + "/receipt/m.read/" + enc(elsewhere), alice, "{}");
        assertThat(wrongRoom.status()).isEqualTo(404);
        assertThat(wrongRoom.body().path("errcode").asText()).isEqualTo("M_NOT_FOUND");
        JsonHttp.Reply fullyReadThreaded = http.call("POST", "/rooms/" + roomId + "/receipt/m.fully_read/" + enc(message), alice,
                "{\"thread_id\":\"main\"}");
        assertThat(fullyReadThreaded.status()).isEqualTo(400);
        assertThat(fullyReadThreaded.body().path("errcode").asText()).isEqualTo("M_INVALID_PARAM");
        JsonHttp.Reply badThread = http.call("POST", "/rooms/" + roomId + "/receipt/m.read/" + enc(message), alice,
                "{\"thread_id\":\"not an event\"}");
        assertThat(badThread.status()).isEqualTo(400);
        JsonHttp.Reply markerElsewhere = http.call("POST", "/rooms/" + roomId + "/read_markers", alice,
                "{\"m.fully_read\":\"" + message + "\",\"m.read\":\"" + elsewhere + "\"}");
        assertThat(markerElsewhere.status()).isEqualTo(404);
        assertThat(http.call("GET", "/user/" + enc("@alice:localhost") + "/rooms/" + enc(roomId) + "/account_data/m.fully_read", alice,
                null).status()).as("nothing of a refused read marker is set").isEqualTo(404);
        assertThat(counts(room(alice, roomId, false))).as("refused receipts clear nothing").isEqualTo("1/0");

        JsonHttp.Reply notMember = http.call("POST", "/rooms/" + other + "/receipt/m.read/" + enc(elsewhere), alice, "{}");
        assertThat(notMember.status()).isEqualTo(403);

        for (String query : List.of("from=garbage", "from=-5", "limit=0", "limit=-1")) {
            JsonHttp.Reply r = http.call("GET", "/notifications?" + query, alice, null);
            assertThat(r.status()).as(query).isEqualTo(400);
            assertThat(r.body().path("errcode").asText()).as(query).isIn("M_INVALID_PARAM", "M_BAD_JSON");
        }
        assertThat(http.call("GET", "/notifications", null, null).status()).isEqualTo(401);
    }
}
