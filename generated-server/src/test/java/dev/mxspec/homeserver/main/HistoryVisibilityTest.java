package dev.mxspec.homeserver.main;

import static dev.mxspec.homeserver.main.RoomAccessTest.enc;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The rules of "Room History Visibility" and of ignoring users, wherever events are served: sync
 * timelines, {@code /messages}, {@code /context}, {@code /event}, and the state a reader sees.
 */
class HistoryVisibilityTest {

    @TempDir
    Path dir;

    private JsonHttp http;

    private Homeserver start(String backend) throws Exception {
        Homeserver server = TestServers.start(backend, dir, config -> config);
        http = new JsonHttp(server.port());
        return server;
    }

    private String room(String token, String visibility) throws Exception {
        return http.call("POST", "/createRoom", token, "{\"preset\":\"public_chat\",\"initial_state\":[{\"type\":"
                + "\"m.room.history_visibility\",\"state_key\":\"\",\"content\":{\"history_visibility\":\"" + visibility + "\"}}]}")
                .body().path("room_id").asText();
    }

    private String send(String token, String roomId, String text) throws Exception {
        JsonHttp.Reply r = http.call("PUT", "/rooms/" + roomId + "/send/m.room.message/" + enc(text), token,
                "{\"msgtype\":\"m.text\",\"body\":\"" + text + "\"}");
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        return r.body().path("event_id").asText();
    }

    /** The message bodies {@code /messages} gives, oldest first. */
    private List<String> messages(String token, String roomId) throws Exception {
        JsonHttp.Reply r = http.call("GET", "/rooms/" + roomId + "/messages?dir=b&limit=100", token, null);
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        return bodies(r.body().path("chunk")).reversed();
    }

    private static List<String> bodies(JsonNode events) {
        List<String> out = new ArrayList<>();
        events.forEach(e -> {
            if (e.path("type").asText().equals("m.room.message")) {
                out.add(e.path("content").path("body").asText());
            }
        });
        return out;
    }

    private List<String> syncedMessages(String token, String roomId) throws Exception {
        return bodies(http.call("GET", "/sync", token, null).body().path("rooms").path("join").path(roomId).path("timeline")
                .path("events"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void joinedVisibilityHidesWhatCameBeforeTheJoinAndAfterTheLeave(String backend) throws Exception {
        try (Homeserver server = start(backend)) {
            assertThat(server.port()).isPositive();
            String alice = http.register("alice", "alice-password");
            String bob = http.register("bob", "bob-password");
            String roomId = room(alice, "joined");
            String before = send(alice, roomId, "before");
            http.call("POST", "/join/" + roomId, bob, "{}");
            String during = send(alice, roomId, "during");

            assertThat(http.call("GET", "/rooms/" + roomId + "/event/" + enc(before), bob, null).status()).isEqualTo(404);
            assertThat(http.call("GET", "/rooms/" + roomId + "/event/" + enc(during), bob, null).status()).isEqualTo(200);
            assertThat(messages(bob, roomId)).containsExactly("during");
            assertThat(messages(alice, roomId)).containsExactly("before", "during");
            assertThat(syncedMessages(bob, roomId)).containsExactly("during");
            assertThat(http.call("GET", "/rooms/" + roomId + "/context/" + enc(before), bob, null).status()).isEqualTo(404);
            JsonNode context = http.call("GET", "/rooms/" + roomId + "/context/" + enc(during) + "?limit=10", bob, null).body();
            assertThat(bodies(context.path("events_before"))).isEmpty();

            // bob leaves; what he saw stays readable, nothing after his leave is
            http.call("PUT", "/rooms/" + roomId + "/state/m.room.topic", alice, "{\"topic\":\"before bob left\"}");
            http.call("POST", "/rooms/" + roomId + "/leave", bob, "{}");
            String after = send(alice, roomId, "after");
            http.call("PUT", "/rooms/" + roomId + "/state/m.room.topic", alice, "{\"topic\":\"secret plans\"}");
            assertThat(messages(bob, roomId)).containsExactly("during");
            assertThat(http.call("GET", "/rooms/" + roomId + "/event/" + enc(during), bob, null).status()).isEqualTo(200);
            assertThat(http.call("GET", "/rooms/" + roomId + "/event/" + enc(after), bob, null).status()).isEqualTo(404);
            assertThat(http.call("GET", "/rooms/" + roomId + "/state/m.room.topic", bob, null).body().path("topic").asText())
                    .isEqualTo("before bob left");
            JsonNode members = http.call("GET", "/rooms/" + roomId + "/members", bob, null).body().path("chunk");
            assertThat(members.findValuesAsText("membership")).contains("leave");

            // a stranger who was never in the room reads nothing
            String carol = http.register("carol", "carol-password");
            assertThat(http.call("GET", "/rooms/" + roomId + "/messages?dir=b", carol, null).status()).isEqualTo(403);
            assertThat(http.call("GET", "/rooms/" + roomId + "/state", carol, null).status()).isEqualTo(403);
            assertThat(http.call("GET", "/rooms/" + roomId + "/event/" + enc(during), carol, null).status()).as("hidden as if absent")
                    .isEqualTo(404);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void sharedShowsEarlierHistoryToNewMembersAndInvitedFromTheInvite(String backend) throws Exception {
        try (Homeserver server = start(backend)) {
            assertThat(server.port()).isPositive();
            String alice = http.register("alice", "alice-password");
            String bob = http.register("bob", "bob-password");
            String shared = room(alice, "shared");
            send(alice, shared, "old");
            http.call("POST", "/join/" + shared, bob, "{}");
            assertThat(messages(bob, shared)).containsExactly("old");

            String invited = room(alice, "invited");
            send(alice, invited, "before-invite");
            http.call("POST", "/rooms/" + invited + "/invite", alice, "{\"user_id\":\"@bob:localhost\"}");
            send(alice, invited, "after-invite");
            http.call("POST", "/join/" + invited, bob, "{}");
            assertThat(messages(bob, invited)).containsExactly("after-invite");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void messagesPagesEndOnlyAtTheStartAndTakeSyncTokens(String backend) throws Exception {
        try (Homeserver server = start(backend)) {
            assertThat(server.port()).isPositive();
            String alice = http.register("alice", "alice-password");
            String roomId = room(alice, "shared");
            for (int i = 0; i < 12; i++) {
                send(alice, roomId, "m" + i);
            }
            String next = http.call("GET", "/sync", alice, null).body().path("next_batch").asText();
            List<String> seen = new ArrayList<>();
            String from = next; // a sync token is a valid place to page back from
            int pages = 0;
            while (true) {
                JsonNode page = http.call("GET", "/rooms/" + roomId + "/messages?dir=b&limit=5&from=" + from, alice, null).body();
                seen.addAll(bodies(page.path("chunk")));
                pages++;
                if (!page.has("end")) {
                    break;
                }
                assertThat(page.path("chunk").size()).as("a page with more after it is full").isEqualTo(5);
                from = page.path("end").asText();
            }
            assertThat(seen).hasSize(12);
            assertThat(seen.getFirst()).isEqualTo("m11");
            assertThat(pages).isBetween(4, 5);
            assertThat(http.call("GET", "/rooms/" + roomId + "/messages?dir=b&from=garbage", alice, null).body().path("errcode").asText())
                    .isEqualTo("M_INVALID_PARAM");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void worldReadableRoomsAreReadWithoutJoining(String backend) throws Exception {
        try (Homeserver server = start(backend)) {
            assertThat(server.port()).isPositive();
            String alice = http.register("alice", "alice-password");
            String carol = http.register("carol", "carol-password");
            String roomId = room(alice, "world_readable");
            String hello = send(alice, roomId, "hello world");
            http.call("PUT", "/rooms/" + roomId + "/state/m.room.topic", alice, "{\"topic\":\"open\"}");
            assertThat(messages(carol, roomId)).containsExactly("hello world");
            assertThat(http.call("GET", "/rooms/" + roomId + "/event/" + enc(hello), carol, null).body().path("content").path("body")
                    .asText()).isEqualTo("hello world");
            assertThat(http.call("GET", "/rooms/" + roomId + "/state/m.room.topic", carol, null).body().path("topic").asText())
                    .isEqualTo("open");
            // once the room is no longer world-readable, what follows is hidden from non-members, and the room with it
            http.call("PUT", "/rooms/" + roomId + "/state/m.room.history_visibility", alice, "{\"history_visibility\":\"joined\"}");
            send(alice, roomId, "members only");
            assertThat(http.call("GET", "/rooms/" + roomId + "/messages?dir=b", carol, null).status()).isEqualTo(403);
            assertThat(messages(alice, roomId)).containsExactly("hello world", "members only");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void ignoredUsersMessagesAndInvitesDoNotArrive(String backend) throws Exception {
        try (Homeserver server = start(backend)) {
            assertThat(server.port()).isPositive();
            String alice = http.register("alice", "alice-password");
            String bob = http.register("bob", "bob-password");
            String spammer = http.register("spammer", "spammer-password");
            String roomId = room(alice, "shared");
            http.call("POST", "/join/" + roomId, bob, "{}");
            http.call("POST", "/join/" + roomId, spammer, "{}");
            assertThat(http.call("PUT", "/user/" + enc("@bob:localhost") + "/account_data/m.ignored_user_list", bob,
                    "{\"ignored_users\":{\"@spammer:localhost\":{}}}").status()).isEqualTo(200);
            send(alice, roomId, "from-alice");
            send(spammer, roomId, "spam");
            http.call("PUT", "/profile/" + enc("@spammer:localhost") + "/displayname", spammer, "{\"displayname\":\"Spam King\"}");
            assertThat(messages(bob, roomId)).containsExactly("from-alice");
            assertThat(syncedMessages(bob, roomId)).containsExactly("from-alice");
            assertThat(messages(alice, roomId)).containsExactly("from-alice", "spam");
            // state events of ignored users still arrive
            JsonNode timeline = http.call("GET", "/sync", bob, null).body().path("rooms").path("join").path(roomId).path("timeline")
                    .path("events");
            assertThat(timeline.findValuesAsText("displayname")).contains("Spam King");

            String spamRoom = http.call("POST", "/createRoom", spammer, "{\"invite\":[\"@bob:localhost\"]}").body().path("room_id").asText();
            String aliceRoom = http.call("POST", "/createRoom", alice, "{\"invite\":[\"@bob:localhost\"]}").body().path("room_id").asText();
            JsonNode invites = http.call("GET", "/sync", bob, null).body().path("rooms").path("invite");
            assertThat(invites.has(aliceRoom)).isTrue();
            assertThat(invites.has(spamRoom)).isFalse();

            // un-ignored: new messages arrive again
            http.call("PUT", "/user/" + enc("@bob:localhost") + "/account_data/m.ignored_user_list", bob, "{\"ignored_users\":{}}");
            send(spammer, roomId, "sorry");
            assertThat(messages(bob, roomId)).contains("sorry");
        }
    }
}
