package dev.mxspec.homeserver.main;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What guests read through {@code /sync} and {@code /events}: only the rooms they are members of, the room they had to
 * leave when its guest access closed under {@code rooms.leave} and nothing of it after, peeking only into world-readable
 * rooms, and no event stream of their whole account.
 */
class GuestSyncTest {

    @TempDir
    Path dir;

    private JsonHttp http;
    private String alice;
    private String guestId;
    private String guest;
    /** A room whose guest access is can_join, the guest joined; a world-readable room and a members' one he is not in, each with a message. */
    private String open;
    private String readable;
    private String closed;

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private JsonNode ok(String method, String path, String token, String body) throws Exception {
        JsonHttp.Reply r = http.call(method, path, token, body);
        assertThat(r.status()).as(method + " " + path + ": " + r.body()).isEqualTo(200);
        return r.body();
    }

    private void send(String room, String token, String txn, String body) throws Exception {
        ok("PUT", "/rooms/" + enc(room) + "/send/m.room.message/" + txn, token, "{\"msgtype\":\"m.text\",\"body\":\"" + body + "\"}");
    }

    private static void refused(JsonHttp.Reply r, int status, String errcode) {
        assertThat(r.status()).as(r.body().toString()).isEqualTo(status);
        assertThat(r.body().path("errcode").asText()).isEqualTo(errcode);
    }

    /** The rooms of every section of a sync answer. */
    private static List<String> roomsOf(JsonNode sync) {
        List<String> out = new ArrayList<>();
        for (String section : List.of("join", "invite", "leave", "knock")) {
            sync.path("rooms").path(section).fieldNames().forEachRemaining(out::add);
        }
        return out;
    }

    private Homeserver server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void start(String backend) throws Exception {
        server = TestServers.start(backend, dir, c -> c.withGuestAccess(true));
        http = new JsonHttp(server.port());
        alice = http.register("alice", "alice-password");
        open = ok("POST", "/createRoom", alice, "{\"preset\":\"public_chat\",\"initial_state\":[{\"type\":\"m.room.guest_access\","
                + "\"state_key\":\"\",\"content\":{\"guest_access\":\"can_join\"}}]}").path("room_id").asText();
        readable = ok("POST", "/createRoom", alice, "{\"preset\":\"public_chat\",\"initial_state\":[{\"type\":\"m.room.history_visibility\","
                + "\"state_key\":\"\",\"content\":{\"history_visibility\":\"world_readable\"}}]}").path("room_id").asText();
        closed = ok("POST", "/createRoom", alice, "{\"preset\":\"public_chat\"}").path("room_id").asText();
        JsonNode registered = ok("POST", "/register?kind=guest", null, "{}");
        guestId = registered.path("user_id").asText();
        guest = registered.path("access_token").asText();
        ok("POST", "/join/" + enc(open), guest, "{}");
        send(readable, alice, "r1", "readable to all");
        send(closed, alice, "c1", "members only");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aGuestsSyncShowsOnlyTheRoomsItIsAMemberOfNeverOnesItPeeksInto(String backend) throws Exception {
        start(backend);
        JsonNode peeked = ok("GET", "/events?room_id=" + enc(readable) + "&timeout=0&from=s0", guest, null);
        assertThat(peeked.path("chunk").toString()).contains("readable to all");

        JsonNode initial = ok("GET", "/sync?timeout=0", guest, null);
        assertThat(roomsOf(initial)).containsExactly(open);
        send(readable, alice, "r2", "readable again");
        send(closed, alice, "c2", "members again");
        send(open, alice, "o1", "to the guest");
        JsonNode next = ok("GET", "/sync?timeout=0&since=" + enc(initial.path("next_batch").asText()), guest, null);
        assertThat(roomsOf(next)).containsExactly(open);
        assertThat(next.toString()).doesNotContain("readable again").doesNotContain("members again");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void whenGuestAccessClosesTheGuestsNextSyncShowsTheRoomUnderLeaveWithItsLeaveAndNothingLater(String backend) throws Exception {
        start(backend);
        String since = ok("GET", "/sync?timeout=0", guest, null).path("next_batch").asText();
        send(open, alice, "o1", "before closing");
        ok("PUT", "/rooms/" + enc(open) + "/state/m.room.guest_access/", alice, "{\"guest_access\":\"forbidden\"}");
        send(open, alice, "o2", "after the guest left");

        JsonNode sync = ok("GET", "/sync?timeout=0&since=" + enc(since), guest, null);
        assertThat(sync.path("rooms").path("join").has(open)).isFalse();
        JsonNode timeline = sync.path("rooms").path("leave").path(open).path("timeline").path("events");
        JsonNode last = timeline.get(timeline.size() - 1);
        assertThat(last.path("type").asText()).isEqualTo("m.room.member");
        assertThat(last.path("state_key").asText()).isEqualTo(guestId);
        assertThat(last.path("content").path("membership").asText()).isEqualTo("leave");
        assertThat(timeline.toString()).contains("before closing").doesNotContain("after the guest left");
        assertThat(sync.toString()).doesNotContain("after the guest left");

        send(open, alice, "o3", "later still");
        JsonNode after = ok("GET", "/sync?timeout=0&since=" + enc(sync.path("next_batch").asText()), guest, null);
        assertThat(roomsOf(after)).isEmpty();
        JsonNode newest = ok("GET", "/rooms/" + enc(open) + "/messages?dir=b&limit=1", guest, null).path("chunk").get(0);
        assertThat(newest.path("content").path("membership").asText()).as("his history ends at his leave").isEqualTo("leave");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aFilterNamingRoomsTheGuestIsNotInYieldsNothingOfThem(String backend) throws Exception {
        start(backend);
        String others = "{\"room\":{\"rooms\":[\"" + readable + "\",\"" + closed + "\"],\"include_leave\":true}}";
        JsonNode sync = ok("GET", "/sync?timeout=0&filter=" + enc(others), guest, null);
        assertThat(roomsOf(sync)).isEmpty();
        assertThat(sync.toString()).doesNotContain(readable).doesNotContain(closed);
        JsonNode full = ok("GET", "/sync?timeout=0&full_state=true&filter=" + enc(others), guest, null);
        assertThat(roomsOf(full)).isEmpty();

        String all = "{\"room\":{\"rooms\":[\"" + readable + "\",\"" + closed + "\",\"" + open + "\"]}}";
        assertThat(roomsOf(ok("GET", "/sync?timeout=0&filter=" + enc(all), guest, null))).containsExactly(open);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aGuestPeeksOnlyIntoWorldReadableRoomsAndNeverCallsTheEventStreamOfItsAccount(String backend) throws Exception {
        start(backend);
        send(open, alice, "o1", "to the guest");

        assertThat(ok("GET", "/events?room_id=" + enc(readable) + "&timeout=0&from=s0", guest, null).path("chunk").toString())
                .contains("readable to all").doesNotContain("members only").doesNotContain("to the guest");
        assertThat(ok("GET", "/events?room_id=" + enc(open) + "&timeout=0&from=s0", guest, null).path("chunk").toString())
                .as("a room he is joined to").contains("to the guest");
        refused(http.call("GET", "/events?room_id=" + enc(closed) + "&timeout=0&from=s0", guest, null), 403, "M_FORBIDDEN");
        refused(http.call("GET", "/events?room_id=" + enc("!unknown:localhost") + "&timeout=0", guest, null), 404, "M_NOT_FOUND");
        assertThat(http.call("GET", "/events?room_id=not-a-room&timeout=0", guest, null).status()).isBetween(400, 499);
        assertThat(http.call("GET", "/events?room_id=&timeout=0", guest, null).status()).isBetween(400, 499);

        refused(http.call("GET", "/events?timeout=0&from=s0", guest, null), 403, "M_GUEST_ACCESS_FORBIDDEN");
        refused(http.call("GET", "/events", guest, null), 403, "M_GUEST_ACCESS_FORBIDDEN");
        assertThat(ok("GET", "/events?timeout=0&from=s0", alice, null).path("chunk").toString())
                .as("a full user keeps the event stream of his account").contains("members only").contains("to the guest");
    }
}
