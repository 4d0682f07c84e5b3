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

/** Threads, edits, reactions and references: {@code /relations}, {@code /threads} and bundled aggregations, as v1.7 describes them. */
class RelationsTest {

    @TempDir
    Path dir;

    private JsonHttp http;
    private int txn;

    private Homeserver start(String backend) throws Exception {
        Homeserver server = TestServers.start(backend, dir, config -> config);
        http = new JsonHttp(server.port());
        return server;
    }

    private JsonHttp.Reply send(String token, String roomId, String type, String content) throws Exception {
        return http.call("PUT", "/rooms/" + roomId + "/send/" + type + "/t" + (++txn), token, content);
    }

    private String id(JsonHttp.Reply reply) {
        assertThat(reply.status()).as(reply.body().toString()).isEqualTo(200);
        return reply.body().path("event_id").asText();
    }

    private static String relatesTo(String relType, String eventId) {
        return "\"m.relates_to\":{\"rel_type\":\"" + relType + "\",\"event_id\":\"" + eventId + "\"}";
    }

    private JsonNode relations(String token, String roomId, String eventId, String rest) throws Exception {
        JsonHttp.Reply r = http.callV1("GET", "/rooms/" + roomId + "/relations/" + enc(eventId) + rest, token);
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        return r.body();
    }

    private static List<String> ids(JsonNode chunk) {
        List<String> out = new ArrayList<>();
        chunk.forEach(e -> out.add(e.path("event_id").asText()));
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void threadsEditsReactionsAndReferencesAreAggregatedAndListed(String backend) throws Exception {
        try (Homeserver server = start(backend)) {
            assertThat(server.port()).isPositive();
            String alice = http.register("alice", "alice-password");
            String bob = http.register("bob", "bob-password");
            String carol = http.register("carol", "carol-password");
            String roomId = http.call("POST", "/createRoom", alice, "{\"preset\":\"public_chat\"}").body().path("room_id").asText();
            http.call("POST", "/join/" + roomId, bob, "{}");
            http.call("POST", "/join/" + roomId, carol, "{}");

            String root = id(send(alice, roomId, "m.room.message", "{\"msgtype\":\"m.text\",\"body\":\"lunch?\"}"));
            String reply1 = id(send(bob, roomId, "m.room.message", "{\"msgtype\":\"m.text\",\"body\":\"yes\"," + relatesTo("m.thread", root) + "}"));
            String reply2 = id(send(bob, roomId, "m.room.message", "{\"msgtype\":\"m.text\",\"body\":\"at noon\"," + relatesTo("m.thread", root) + "}"));
            String reaction = id(send(carol, roomId, "m.reaction", "{\"m.relates_to\":{\"rel_type\":\"m.annotation\",\"event_id\":\"" + root
                    + "\",\"key\":\"👍\"}}"));
            String edit = id(send(alice, roomId, "m.room.message", "{\"msgtype\":\"m.text\",\"body\":\"* lunch at 12?\",\"m.new_content\":"
                    + "{\"msgtype\":\"m.text\",\"body\":\"lunch at 12?\"}," + relatesTo("m.replace", root) + "}"));
            // an "edit" by someone else is no edit
            id(send(carol, roomId, "m.room.message", "{\"msgtype\":\"m.text\",\"body\":\"* hijack\",\"m.new_content\":"
                    + "{\"msgtype\":\"m.text\",\"body\":\"hijack\"}," + relatesTo("m.replace", root) + "}"));
            String reference = id(send(bob, roomId, "m.room.message", "{\"msgtype\":\"m.text\",\"body\":\"see above\","
                    + relatesTo("m.reference", root) + "}"));

            JsonNode event = http.call("GET", "/rooms/" + roomId + "/event/" + enc(root), alice, null).body();
            assertThat(event.path("content").path("body").asText()).as("the original's content is left as it was").isEqualTo("lunch?");
            JsonNode bundled = event.path("unsigned").path("m.relations");
            assertThat(bundled.path("m.thread").path("count").asInt()).isEqualTo(2);
            assertThat(bundled.path("m.thread").path("latest_event").path("event_id").asText()).isEqualTo(reply2);
            assertThat(bundled.path("m.thread").path("latest_event").path("content").path("body").asText()).isEqualTo("at noon");
            assertThat(bundled.path("m.thread").path("current_user_participated").asBoolean()).as("alice started it").isTrue();
            assertThat(bundled.path("m.replace").path("event_id").asText()).isEqualTo(edit);
            assertThat(bundled.path("m.replace").path("content").path("m.new_content").path("body").asText()).isEqualTo("lunch at 12?");
            assertThat(ids(bundled.path("m.reference").path("chunk"))).containsExactly(reference);
            assertThat(bundled.has("m.annotation")).as("not aggregated in v1.7").isFalse();
            JsonNode forCarol = http.call("GET", "/rooms/" + roomId + "/event/" + enc(root), carol, null).body()
                    .path("unsigned").path("m.relations");
            assertThat(forCarol.path("m.thread").path("current_user_participated").asBoolean()).isFalse();
            // /messages bundles too
            JsonNode messages = http.call("GET", "/rooms/" + roomId + "/messages?dir=b&limit=50", alice, null).body().path("chunk");
            for (JsonNode e : messages) {
                if (e.path("event_id").asText().equals(root)) {
                    assertThat(e.path("unsigned").path("m.relations").path("m.thread").path("count").asInt()).isEqualTo(2);
                }
            }

            // so does /sync
            JsonNode timeline = http.call("GET", "/sync", bob, null).body().path("rooms").path("join").path(roomId).path("timeline")
                    .path("events");
            boolean bundledInSync = false;
            for (JsonNode e : timeline) {
                if (e.path("event_id").asText().equals(root)) {
                    assertThat(e.path("unsigned").path("m.relations").path("m.thread").path("count").asInt()).isEqualTo(2);
                    assertThat(e.path("unsigned").path("m.relations").path("m.replace").path("event_id").asText()).isEqualTo(edit);
                    bundledInSync = true;
                }
            }
            assertThat(bundledInSync).as("the root is in bob's timeline, aggregated").isTrue();

            // /relations, newest first, paged
            JsonNode all = relations(alice, roomId, root, "?limit=3");
            assertThat(all.path("chunk").size()).isEqualTo(3);
            assertThat(all.has("next_batch")).isTrue();
            JsonNode rest = relations(alice, roomId, root, "?limit=10&from=" + all.path("next_batch").asText());
            List<String> everything = new ArrayList<>(ids(all.path("chunk")));
            everything.addAll(ids(rest.path("chunk")));
            assertThat(everything).hasSize(6).startsWith(reference).contains(reply1, reply2, reaction, edit);
            assertThat(rest.has("next_batch")).isFalse();
            assertThat(ids(relations(alice, roomId, root, "/m.thread").path("chunk"))).containsExactly(reply2, reply1);
            assertThat(ids(relations(alice, roomId, root, "/m.thread?dir=f").path("chunk"))).containsExactly(reply1, reply2);
            assertThat(ids(relations(alice, roomId, root, "/m.annotation/m.reaction").path("chunk"))).containsExactly(reaction);

            // the thread list, all and participated
            JsonHttp.Reply threads = http.callV1("GET", "/rooms/" + roomId + "/threads", carol);
            assertThat(ids(threads.body().path("chunk"))).containsExactly(root);
            assertThat(threads.body().path("chunk").get(0).path("unsigned").path("m.relations").path("m.thread").path("count").asInt())
                    .isEqualTo(2);
            assertThat(ids(http.callV1("GET", "/rooms/" + roomId + "/threads?include=participated", carol).body().path("chunk"))).isEmpty();
            assertThat(ids(http.callV1("GET", "/rooms/" + roomId + "/threads?include=participated", bob).body().path("chunk")))
                    .containsExactly(root);

            // a client's retry of the reaction (same transaction ID) is answered with the reaction, not refused
            JsonHttp.Reply retried = http.call("PUT", "/rooms/" + roomId + "/send/m.reaction/t4", carol,
                    "{\"m.relates_to\":{\"rel_type\":\"m.annotation\",\"event_id\":\"" + root + "\",\"key\":\"👍\"}}");
            assertThat(retried.status()).isEqualTo(200);
            assertThat(retried.body().path("event_id").asText()).isEqualTo(reaction);

            // refused: the same reaction twice, a thread from an event that is itself a relation
            JsonHttp.Reply again = send(carol, roomId, "m.reaction", "{\"m.relates_to\":{\"rel_type\":\"m.annotation\",\"event_id\":\""
                    + root + "\",\"key\":\"👍\"}}");
            assertThat(again.status()).isEqualTo(400);
            assertThat(again.body().path("errcode").asText()).isEqualTo("M_DUPLICATE_ANNOTATION");
            JsonHttp.Reply nested = send(bob, roomId, "m.room.message", "{\"msgtype\":\"m.text\",\"body\":\"x\"," + relatesTo("m.thread", reply1)
                    + "}");
            assertThat(nested.status()).isEqualTo(400);
            assertThat(ids(relations(alice, roomId, root, "?limit=50").path("chunk"))).hasSize(6).doesNotContain(again.body().path("event_id").asText(""));

            // a redacted reply leaves every aggregation and list
            assertThat(http.call("PUT", "/rooms/" + roomId + "/redact/" + enc(reply2) + "/r1", bob, "{}").status()).isEqualTo(200);
            JsonNode after = http.call("GET", "/rooms/" + roomId + "/event/" + enc(root), alice, null).body().path("unsigned")
                    .path("m.relations").path("m.thread");
            assertThat(after.path("count").asInt()).isEqualTo(1);
            assertThat(after.path("latest_event").path("event_id").asText()).isEqualTo(reply1);
            assertThat(ids(relations(alice, roomId, root, "/m.thread").path("chunk"))).containsExactly(reply1);
            // and the reaction can be made again once redacted
            http.call("PUT", "/rooms/" + roomId + "/redact/" + enc(reaction) + "/r2", carol, "{}");
            assertThat(send(carol, roomId, "m.reaction", "{\"m.relates_to\":{\"rel_type\":\"m.annotation\",\"event_id\":\"" + root
                    + "\",\"key\":\"👍\"}}").status()).isEqualTo(200);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void relationsFollowHistoryVisibility(String backend) throws Exception {
        try (Homeserver server = start(backend)) {
            assertThat(server.port()).isPositive();
            String alice = http.register("alice", "alice-password");
            String dave = http.register("dave", "dave-password");
            String mallory = http.register("mallory", "mallory-password");
            String roomId = http.call("POST", "/createRoom", alice, "{\"preset\":\"public_chat\",\"initial_state\":[{\"type\":"
                    + "\"m.room.history_visibility\",\"state_key\":\"\",\"content\":{\"history_visibility\":\"joined\"}}]}").body()
                    .path("room_id").asText();
            String root = id(send(alice, roomId, "m.room.message", "{\"msgtype\":\"m.text\",\"body\":\"secret\"}"));
            id(send(alice, roomId, "m.room.message", "{\"msgtype\":\"m.text\",\"body\":\"more\"," + relatesTo("m.thread", root) + "}"));

            // not a member: refused (relations.yaml: 404 for a parent the user may not read, /threads: 403)
            assertThat(http.callV1("GET", "/rooms/" + roomId + "/relations/" + enc(root), mallory).status()).isEqualTo(404);
            assertThat(http.callV1("GET", "/rooms/" + roomId + "/threads", mallory).status()).isEqualTo(403);
            // joined later with "joined" visibility: the thread from before is not his to see
            http.call("POST", "/join/" + roomId, dave, "{}");
            assertThat(http.callV1("GET", "/rooms/" + roomId + "/relations/" + enc(root), dave).status()).isEqualTo(404);
            assertThat(ids(http.callV1("GET", "/rooms/" + roomId + "/threads", dave).body().path("chunk"))).isEmpty();
            // a reply after he joined: he sees it, but not the root's earlier content
            String late = id(send(alice, roomId, "m.room.message", "{\"msgtype\":\"m.text\",\"body\":\"now\"," + relatesTo("m.thread", root)
                    + "}"));
            assertThat(http.call("GET", "/rooms/" + roomId + "/event/" + enc(late), dave, null).status()).isEqualTo(200);
            assertThat(http.call("GET", "/rooms/" + roomId + "/event/" + enc(root), dave, null).status()).isEqualTo(404);
        }
    }
}
