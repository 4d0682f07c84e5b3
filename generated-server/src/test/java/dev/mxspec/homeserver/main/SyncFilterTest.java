package dev.mxspec.homeserver.main;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.core.ServerConfig;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The filter fields of {@code /sync} beyond the timeline's types and senders: each section, {@code contains_url}, {@code event_fields}. */
class SyncFilterTest {

    @TempDir
    Path dir;

    private Homeserver server;
    private JsonHttp http;
    private String ann;
    private String ben;
    private String roomId;

    @BeforeEach
    void start() throws Exception {
        server = Homeserver.start(new ServerConfig("localhost", "127.0.0.1", -1, dir.resolve("data").toString(), "sqlite",
                Optional.empty(), true, 0, -1));
        http = new JsonHttp(server.port());
        ann = http.register("ann", "ann-password");
        ben = http.register("ben", "ben-password");
        roomId = http.call("POST", "/createRoom", ann, "{\"preset\":\"public_chat\",\"name\":\"Filters\",\"topic\":\"all of them\"}")
                .body().path("room_id").asText();
        http.call("POST", "/join/" + roomId, ben, "{}");
        http.call("PUT", "/rooms/" + roomId + "/send/m.room.message/t1", ann, "{\"msgtype\":\"m.text\",\"body\":\"plain\"}");
        http.call("PUT", "/rooms/" + roomId + "/send/m.room.message/t2", ann,
                "{\"msgtype\":\"m.file\",\"body\":\"notes.txt\",\"url\":\"mxc://localhost/abc\"}");
        http.call("PUT", "/user/@ben:localhost/account_data/org.example.one", ben, "{\"n\":1}");
        http.call("PUT", "/user/@ben:localhost/account_data/org.example.two", ben, "{\"n\":2}");
        http.call("PUT", "/user/@ben:localhost/rooms/" + roomId + "/account_data/org.example.room", ben, "{\"n\":3}");
        http.call("PUT", "/user/@ben:localhost/rooms/" + roomId + "/account_data/m.tag", ben, "{\"tags\":{}}");
        http.call("PUT", "/presence/@ann:localhost/status", ann, "{\"presence\":\"online\"}");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private JsonNode sync(String filter) throws Exception {
        JsonNode body = http.call("GET", "/sync?filter=" + URLEncoder.encode(filter, StandardCharsets.UTF_8), ben, null).body();
        assertThat(body.has("next_batch")).as(body.toString()).isTrue();
        return body;
    }

    private JsonNode room(JsonNode sync) {
        return sync.path("rooms").path("join").path(roomId);
    }

    private static List<String> values(JsonNode events, String field) {
        List<String> out = new ArrayList<>();
        events.forEach(e -> out.add(e.at(field).asText()));
        return out;
    }

    @Test
    void containsUrlKeepsOnlyEventsWithOrWithoutAUrl() throws Exception {
        String messages = "\"types\":[\"m.room.message\"]";
        assertThat(values(room(sync("{\"room\":{\"timeline\":{" + messages + ",\"contains_url\":true}}}")).path("timeline").path("events"),
                "/content/body")).containsExactly("notes.txt");
        assertThat(values(room(sync("{\"room\":{\"timeline\":{" + messages + ",\"contains_url\":false}}}")).path("timeline").path("events"),
                "/content/body")).containsExactly("plain");
    }

    @Test
    void eventFieldsKeepOnlyThePathsAsked() throws Exception {
        JsonNode events = room(sync("{\"event_fields\":[\"type\",\"content.body\"],\"room\":{\"timeline\":{\"types\":[\"m.room.message\"]}}}"))
                .path("timeline").path("events");
        assertThat(events).hasSize(2);
        events.forEach(e -> {
            assertThat(e.propertyStream().map(java.util.Map.Entry::getKey).toList()).as("what was asked and what the schema requires")
                    .containsExactlyInAnyOrder("type", "content", "event_id", "sender", "origin_server_ts");
            assertThat(e.path("content").propertyStream().map(java.util.Map.Entry::getKey).toList()).containsExactly("body");
        });
    }

    @Test
    void stateFilterTypesAndRoomSections() throws Exception {
        JsonNode state = room(sync("{\"room\":{\"state\":{\"types\":[\"m.room.name\",\"m.room.topic\"]},\"timeline\":{\"limit\":1}}}"))
                .path("state").path("events");
        assertThat(values(state, "/type")).containsExactlyInAnyOrder("m.room.name", "m.room.topic");
        JsonNode noTimeline = room(sync("{\"room\":{\"timeline\":{\"not_rooms\":[\"" + roomId + "\"]}}}"));
        assertThat(noTimeline.path("timeline").path("events")).isEmpty();
        assertThat(noTimeline.path("state").path("events")).as("the state section has no such restriction").isNotEmpty();
    }

    @Test
    void accountDataFiltersGlobalAndPerRoom() throws Exception {
        JsonNode body = sync("{\"account_data\":{\"types\":[\"org.example.one\"]},\"room\":{\"account_data\":{\"not_types\":[\"m.tag\"]}}}");
        assertThat(values(body.path("account_data").path("events"), "/type")).containsExactly("org.example.one");
        assertThat(values(room(body).path("account_data").path("events"), "/type")).containsExactly("org.example.room");
        JsonNode limited = sync("{\"account_data\":{\"limit\":1}}");
        assertThat(limited.path("account_data").path("events")).hasSize(1);
        JsonNode unfiltered = sync("{}");
        assertThat(values(unfiltered.path("account_data").path("events"), "/type")).contains("org.example.one", "org.example.two");
        assertThat(values(room(unfiltered).path("account_data").path("events"), "/type")).contains("org.example.room", "m.tag");
    }

    @Test
    void presenceAndEphemeralFilters() throws Exception {
        http.call("PUT", "/rooms/" + roomId + "/typing/@ann:localhost", ann, "{\"typing\":true,\"timeout\":30000}");
        JsonNode all = sync("{}");
        assertThat(values(all.path("presence").path("events"), "/sender")).contains("@ann:localhost");
        assertThat(values(room(all).path("ephemeral").path("events"), "/type")).contains("m.typing");
        JsonNode filtered = sync("{\"presence\":{\"not_senders\":[\"@ann:localhost\"]},\"room\":{\"ephemeral\":{\"not_types\":[\"m.typing\"]}}}");
        assertThat(values(filtered.path("presence").path("events"), "/sender")).doesNotContain("@ann:localhost");
        assertThat(values(room(filtered).path("ephemeral").path("events"), "/type")).doesNotContain("m.typing");
        assertThat(sync("{\"presence\":{\"types\":[]}}").path("presence").path("events")).as("no type is allowed").isEmpty();
    }
}
