package dev.mxspec.homeserver.main;

import static dev.mxspec.homeserver.main.RoomAccessTest.enc;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.runtime.json.MatrixJson;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;

/** What the search tests share: a server on either database, rooms, messages and searches over HTTP. */
abstract class SearchFixture {

    @TempDir
    Path dir;

    JsonHttp http;
    int txn;

    Homeserver start(String backend) throws Exception {
        Homeserver server = TestServers.start(backend, dir, config -> config);
        http = new JsonHttp(server.port());
        return server;
    }

    String room(String token, String body) throws Exception {
        JsonHttp.Reply r = http.call("POST", "/createRoom", token, body);
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        return r.body().path("room_id").asText();
    }

    String send(String token, String roomId, String type, String content) throws Exception {
        JsonHttp.Reply r = http.call("PUT", "/rooms/" + enc(roomId) + "/send/" + type + "/t" + txn++, token, content);
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        return r.body().path("event_id").asText();
    }

    String say(String token, String roomId, String text) throws Exception {
        return send(token, roomId, "m.room.message", MatrixJson.write(MatrixJson.mapper().createObjectNode().put("msgtype", "m.text")
                .put("body", text)));
    }

    String state(String token, String roomId, String type, String content) throws Exception {
        JsonHttp.Reply r = http.call("PUT", "/rooms/" + enc(roomId) + "/state/" + type + "/", token, content);
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        return r.body().path("event_id").asText();
    }

    void join(String token, String roomId) throws Exception {
        assertThat(http.call("POST", "/join/" + enc(roomId), token, "{}").status()).isEqualTo(200);
    }

    /** The {@code room_events} criteria with a term; more fields are put on it by the caller. */
    static ObjectNode criteria(String term) {
        return MatrixJson.mapper().createObjectNode().put("search_term", term);
    }

    JsonHttp.Reply search(String token, ObjectNode criteria, Optional<String> nextBatch) throws Exception {
        ObjectNode body = MatrixJson.mapper().createObjectNode();
        body.putObject("search_categories").set("room_events", criteria);
        return http.call("POST", "/search" + nextBatch.map(b -> "?next_batch=" + enc(b)).orElse(""), token, MatrixJson.write(body));
    }

    /** The {@code room_events} answer of a search that must succeed. */
    JsonNode found(String token, ObjectNode criteria) throws Exception {
        JsonHttp.Reply r = search(token, criteria, Optional.empty());
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        return r.body().path("search_categories").path("room_events");
    }

    static List<String> ids(JsonNode roomEvents) {
        List<String> out = new ArrayList<>();
        roomEvents.path("results").forEach(r -> out.add(r.path("result").path("event_id").asText()));
        return out;
    }

    List<String> ids(String token, ObjectNode criteria) throws Exception {
        return ids(found(token, criteria));
    }

    static void error(JsonHttp.Reply r, int status, String errcode) {
        assertThat(r.status()).as(r.body().toString()).isEqualTo(status);
        assertThat(r.body().path("errcode").asText()).as(r.body().toString()).isEqualTo(errcode);
    }

    static ObjectNode filtered(ObjectNode criteria, String filter) throws Exception {
        ObjectNode copy = criteria.deepCopy();
        copy.set("filter", MatrixJson.mapper().readTree(filter));
        return copy;
    }
}
