package dev.mxspec.homeserver.main;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The deprecated sync operations: the event stream, peeking, the initial syncs, one event; with who may read what. */
class LegacySyncTest {

    @TempDir
    Path dir;

    private JsonHttp http;

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private String say(String token, String room, String body) throws Exception {
        return http.call("PUT", "/rooms/" + enc(room) + "/send/m.room.message/" + body, token, "{\"msgtype\":\"m.text\",\"body\":\"" + body + "\"}")
                .body().path("event_id").asText();
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

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void theEventStreamGivesEachEventOfTheUsersRoomsOnceAndWaitsForNews(String backend) throws Exception {
        try (Homeserver server = TestServers.start(backend, dir, c -> c)) {
            http = new JsonHttp(server.port());
            String alice = http.register("alice", "alice-password");
            String bob = http.register("bob", "bob-password");
            String eve = http.register("eve", "eve-password");
            String carol = http.register("carol", "carol-password");
            String room = http.call("POST", "/createRoom", alice, "{\"preset\":\"private_chat\"}").body().path("room_id").asText();
            http.call("POST", "/rooms/" + enc(room) + "/invite", alice, "{\"user_id\":\"@bob:localhost\"}");
            http.call("POST", "/join/" + enc(room), bob, "{}");

            JsonNode now = http.call("GET", "/events?timeout=0", bob, null).body();
            assertThat(now.path("chunk")).isEmpty();
            String from = now.path("end").asText();
            String eveFrom = http.call("GET", "/events?timeout=0", eve, null).body().path("end").asText();
            say(alice, room, "one");
            say(alice, room, "two");

            JsonNode news = http.call("GET", "/events?timeout=0&from=" + from, bob, null).body();
            assertThat(bodies(news.path("chunk"))).containsExactly("one", "two");
            assertThat(news.path("chunk").get(0).path("room_id").asText()).isEqualTo(room);
            assertThat(news.path("start").asText()).isEqualTo(from);
            String end = news.path("end").asText();
            assertThat(http.call("GET", "/events?timeout=0&from=" + end, bob, null).body().path("chunk")).as("each event once").isEmpty();
            assertThat(bodies(http.call("GET", "/events?timeout=0&from=" + eveFrom, eve, null).body().path("chunk")))
                    .as("not eve's room").isEmpty();

            CompletableFuture<JsonNode> waiting = CompletableFuture.supplyAsync(() -> {
                try {
                    return http.call("GET", "/events?timeout=20000&from=" + end, bob, null).body();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(300);
            assertThat(waiting).isNotDone();
            long sent = System.nanoTime();
            say(alice, room, "three");
            assertThat(bodies(waiting.get().path("chunk"))).containsExactly("three");
            assertThat((System.nanoTime() - sent) / 1_000_000).as("woken, not timed out").isLessThan(10_000);

            String carolFrom = http.call("GET", "/events?timeout=0", carol, null).body().path("end").asText();
            http.call("POST", "/rooms/" + enc(room) + "/invite", alice, "{\"user_id\":\"@carol:localhost\"}");
            JsonNode invited = http.call("GET", "/events?timeout=0&from=" + carolFrom, carol, null).body().path("chunk");
            assertThat(invited).hasSize(1);
            assertThat(invited.get(0).path("content").path("membership").asText()).isEqualTo("invite");

            String one = say(alice, room, "four");
            assertThat(http.call("GET", "/events/" + enc(one), bob, null).body().path("content").path("body").asText()).isEqualTo("four");
            assertThat(http.call("GET", "/events/" + enc(one), eve, null).status()).isEqualTo(404);
            assertThat(http.call("GET", "/events/" + enc("$missing"), bob, null).status()).isEqualTo(404);

            assertThat(http.call("GET", "/events?from=x12", bob, null).body().path("errcode").asText()).isEqualTo("M_INVALID_PARAM");
            assertThat(http.call("GET", "/events?timeout=-5", bob, null).status()).isEqualTo(400);
            assertThat(http.call("GET", "/events?timeout=0&room_id=" + enc(room), eve, null).status()).as("peeking a private room").isEqualTo(403);
            assertThat(http.call("GET", "/events?timeout=0", null, null).status()).isEqualTo(401);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void initialSyncsAndPeekingIntoAWorldReadableRoom(String backend) throws Exception {
        try (Homeserver server = TestServers.start(backend, dir, c -> c)) {
            http = new JsonHttp(server.port());
            String alice = http.register("alice", "alice-password");
            String eve = http.register("eve", "eve-password");
            String open = http.call("POST", "/createRoom", alice, "{\"preset\":\"public_chat\",\"visibility\":\"public\",\"name\":\"Open\","
                    + "\"initial_state\":[{\"type\":\"m.room.history_visibility\",\"state_key\":\"\",\"content\":{\"history_visibility\":"
                    + "\"world_readable\"}}]}").body().path("room_id").asText();
            String closed = http.call("POST", "/createRoom", alice, "{\"preset\":\"private_chat\"}").body().path("room_id").asText();
            String left = http.call("POST", "/createRoom", alice, "{}").body().path("room_id").asText();
            for (String b : List.of("a", "b", "c")) {
                say(alice, open, b);
            }
            say(alice, left, "bye");
            http.call("POST", "/rooms/" + enc(left) + "/leave", alice, "{}");
            http.call("PUT", "/user/" + enc("@alice:localhost") + "/account_data/org.example.settings", alice, "{\"x\":1}");

            JsonNode all = http.call("GET", "/initialSync?limit=2", alice, null).body();
            JsonNode openRoom = null;
            List<String> ids = new ArrayList<>();
            for (JsonNode r : all.path("rooms")) {
                ids.add(r.path("room_id").asText());
                if (r.path("room_id").asText().equals(open)) {
                    openRoom = r;
                }
            }
            assertThat(ids).containsExactlyInAnyOrder(open, closed);
            assertThat(openRoom.path("membership").asText()).isEqualTo("join");
            assertThat(bodies(openRoom.path("messages").path("chunk"))).containsExactly("b", "c");
            assertThat(openRoom.path("visibility").asText()).isEqualTo("public");
            assertThat(openRoom.path("state").toString()).contains("m.room.create").contains("\"name\":\"Open\"");
            assertThat(all.path("account_data").toString()).contains("org.example.settings");
            assertThat(all.path("end").asText()).startsWith("s");
            // the older page continues from the start token
            String start = openRoom.path("messages").path("start").asText();
            assertThat(bodies(http.call("GET", "/rooms/" + enc(open) + "/messages?dir=b&limit=1&from=" + start, alice, null).body().path("chunk")))
                    .containsExactly("a");
            assertThat(http.call("GET", "/initialSync?archived=true", alice, null).body().path("rooms").toString()).contains(left);
            assertThat(http.call("GET", "/initialSync?limit=-1", alice, null).status()).isEqualTo(400);

            JsonNode peek = http.call("GET", "/rooms/" + enc(open) + "/initialSync", eve, null).body();
            assertThat(peek.path("room_id").asText()).isEqualTo(open);
            assertThat(peek.has("membership")).as("eve is not in it").isFalse();
            assertThat(bodies(peek.path("messages").path("chunk"))).containsExactly("a", "b", "c");
            assertThat(http.call("GET", "/rooms/" + enc(closed) + "/initialSync", eve, null).status()).isEqualTo(403);
            assertThat(http.call("GET", "/rooms/" + enc("!none:localhost") + "/initialSync", eve, null).status()).isEqualTo(404);

            String from = http.call("GET", "/events?timeout=0&room_id=" + enc(open), eve, null).body().path("end").asText();
            say(alice, open, "d");
            say(alice, closed, "secret");
            JsonNode peeked = http.call("GET", "/events?timeout=5000&room_id=" + enc(open) + "&from=" + from, eve, null).body();
            assertThat(bodies(peeked.path("chunk"))).containsExactly("d");
        }
    }
}
