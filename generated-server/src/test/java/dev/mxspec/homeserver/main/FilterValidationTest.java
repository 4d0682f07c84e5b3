package dev.mxspec.homeserver.main;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Filters checked against the spec's types, uploaded ({@code POST /user/{userId}/filter}: 400
 * {@code M_BAD_JSON}) and given inline to {@code /sync} (400 {@code M_INVALID_PARAM}, as for an
 * unknown filter ID); filters of other users.
 */
class FilterValidationTest {

    /** Each wrong in one place: booleans as strings or numbers, limits, lists, sections, formats. */
    static final List<String> INVALID = List.of(
            "{\"room\":{\"state\":{\"lazy_load_members\":\"true\"}}}",
            "{\"room\":{\"state\":{\"lazy_load_members\":1}}}",
            "{\"room\":{\"state\":{\"include_redundant_members\":\"true\"}}}",
            "{\"room\":{\"timeline\":{\"contains_url\":0}}}",
            "{\"room\":{\"include_leave\":\"yes\"}}",
            "{\"room\":{\"timeline\":{\"limit\":-1}}}",
            "{\"room\":{\"timeline\":{\"limit\":2.5}}}",
            "{\"room\":{\"timeline\":{\"limit\":\"10\"}}}",
            "{\"presence\":{\"limit\":1e20}}",
            "{\"room\":{\"timeline\":{\"types\":\"m.room.message\"}}}",
            "{\"room\":{\"state\":{\"not_types\":[1]}}}",
            "{\"account_data\":{\"senders\":{}}}",
            "{\"room\":{\"rooms\":\"!a:localhost\"}}",
            "{\"room\":{\"timeline\":[]}}",
            "{\"room\":[]}",
            "{\"event_fields\":\"content.body\"}",
            "{\"event_format\":\"raw\"}",
            "[]");

    @TempDir
    Path dir;

    private SyncClient c;

    @AfterEach
    void stop() {
        if (c != null) {
            c.server.close();
        }
    }

    private JsonHttp.Reply sync(String token, String filter) throws Exception {
        return c.http.call("GET", "/sync?filter=" + URLEncoder.encode(filter, StandardCharsets.UTF_8), token, null);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void invalidFiltersAreRefusedUploadedAndInline(String backend) throws Exception {
        c = new SyncClient(backend, dir);
        String alice = c.http.register("alice", "alice-password");
        for (String filter : INVALID) {
            JsonHttp.Reply upload = c.http.call("POST", "/user/@alice:localhost/filter", alice, filter);
            assertThat(upload.status()).as(filter).isEqualTo(400);
            assertThat(upload.body().path("errcode").asText()).as(filter).isIn("M_BAD_JSON", "M_NOT_JSON");
            if (filter.startsWith("{")) {
                JsonHttp.Reply inline = sync(alice, filter);
                assertThat(inline.status()).as(filter).isEqualTo(400);
                assertThat(inline.body().path("errcode").asText()).as(filter).isEqualTo("M_INVALID_PARAM");
            }
        }
        JsonHttp.Reply notJson = sync(alice, "{not json");
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.body().path("errcode").asText()).isEqualTo("M_INVALID_PARAM");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void validFiltersWorkByIdAndInlineAndBelongToTheirUser(String backend) throws Exception {
        c = new SyncClient(backend, dir);
        String alice = c.http.register("alice", "alice-password");
        String bob = c.http.register("bob", "bob-password");
        String roomId = c.room(alice, "{\"preset\":\"public_chat\",\"name\":\"Filters\"}");
        c.sendMany(alice, roomId, 3);
        String filter = "{\"room\":{\"timeline\":{\"limit\":2,\"types\":[\"m.room.message\"]},\"state\":{\"lazy_load_members\":true,"
                + "\"include_redundant_members\":false},\"include_leave\":false},\"event_format\":\"client\",\"event_fields\":[\"type\"],"
                + "\"presence\":{\"not_senders\":[\"@x:localhost\"]},\"org.example.future\":1}";
        JsonNode inline = SyncClient.ok(sync(alice, filter));
        assertThat(inline.path("rooms").path("join").path(roomId).path("timeline").path("events")).hasSize(2);
        String id = SyncClient.ok(c.http.call("POST", "/user/@alice:localhost/filter", alice, filter)).path("filter_id").asText();
        JsonNode byId = SyncClient.ok(sync(alice, id));
        assertThat(byId.path("rooms").path("join").path(roomId).path("timeline").path("events"))
                .isEqualTo(inline.path("rooms").path("join").path(roomId).path("timeline").path("events"));

        JsonNode none = SyncClient.ok(sync(alice, "{\"room\":{\"timeline\":{\"limit\":0}}}")).path("rooms").path("join").path(roomId);
        assertThat(none.path("timeline").path("events")).as("limit 0: no events").isEmpty();
        assertThat(none.path("timeline").path("limited").asBoolean()).isTrue();
        assertThat(SyncClient.field(none.path("state").path("events"), "/type")).as("all state, none in the timeline")
                .contains("m.room.create", "m.room.name");

        JsonHttp.Reply forAlice = c.http.call("POST", "/user/@alice:localhost/filter", bob, "{}");
        assertThat(forAlice.status()).isEqualTo(403);
        assertThat(forAlice.body().path("errcode").asText()).isEqualTo("M_FORBIDDEN");
        assertThat(c.http.call("GET", "/user/@alice:localhost/filter/" + id, bob, null).status()).isEqualTo(403);
        JsonHttp.Reply othersId = sync(bob, id);
        assertThat(othersId.status()).as("alice's filter ID means nothing to bob").isEqualTo(400);
        assertThat(othersId.body().path("errcode").asText()).isEqualTo("M_INVALID_PARAM");
        JsonHttp.Reply unknown = c.http.call("GET", "/user/@alice:localhost/filter/nope", alice, null);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body().path("errcode").asText()).isEqualTo("M_NOT_FOUND");
    }
}
