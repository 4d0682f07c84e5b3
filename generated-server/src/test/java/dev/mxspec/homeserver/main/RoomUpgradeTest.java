package dev.mxspec.homeserver.main;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Room upgrades as the spec's server behaviour lists them, and who may not upgrade. */
class RoomUpgradeTest {

    @TempDir
    Path dir;

    private JsonHttp http;

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private JsonNode state(String token, String room, String type) throws Exception {
        return http.call("GET", "/rooms/" + enc(room) + "/state/" + type + "/", token, null).body();
    }

    private JsonHttp.Reply upgrade(String token, String room, String body) throws Exception {
        return http.call("POST", "/rooms/" + enc(room) + "/upgrade", token, body);
    }

    private JsonHttp.Reply say(String token, String room, String txn) throws Exception {
        return http.call("PUT", "/rooms/" + enc(room) + "/send/m.room.message/" + txn, token, "{\"msgtype\":\"m.text\",\"body\":\"hi\"}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aModeratorUpgradesTheRoomAndEverythingTheSpecListsFollows(String backend) throws Exception {
        try (Homeserver server = TestServers.start(backend, dir, c -> c)) {
            http = new JsonHttp(server.port());
            String alice = http.register("alice", "alice-password");
            String bob = http.register("bob", "bob-password");
            String carol = http.register("carol", "carol-password");
            String eve = http.register("eve", "eve-password");
            String old = http.call("POST", "/createRoom", alice, "{\"preset\":\"public_chat\",\"visibility\":\"public\",\"name\":\"Old\","
                    + "\"topic\":\"things\",\"room_alias_name\":\"old\",\"room_version\":\"9\"}").body().path("room_id").asText();
            http.call("POST", "/join/" + enc(old), bob, "{}");
            http.call("POST", "/join/" + enc(old), carol, "{}");
            http.call("POST", "/rooms/" + enc(old) + "/ban", alice, "{\"user_id\":\"@carol:localhost\",\"reason\":\"spam\"}");
            JsonNode levels = state(alice, old, "m.room.power_levels");
            ((com.fasterxml.jackson.databind.node.ObjectNode) levels.path("users")).put("@bob:localhost", 50);
            ((com.fasterxml.jackson.databind.node.ObjectNode) levels.path("events")).put("m.room.tombstone", 50);
            assertThat(http.call("PUT", "/rooms/" + enc(old) + "/state/m.room.power_levels/", alice, levels.toString()).status()).isEqualTo(200);
            http.call("PUT", "/user/" + enc("@bob:localhost") + "/rooms/" + enc(old) + "/tags/u.work", bob, "{\"order\":0.5}");
            String lastBefore = say(alice, old, "t1").body().path("event_id").asText();

            assertThat(upgrade(eve, old, "{\"new_version\":\"10\"}").status()).as("not in the room").isEqualTo(403);
            assertThat(upgrade(bob, old, "{\"new_version\":\"999\"}").body().path("errcode").asText()).isEqualTo("M_UNSUPPORTED_ROOM_VERSION");
            for (String bad : List.of("null", "[]", "{}", "{\"new_version\":10}", "{")) {
                assertThat(upgrade(bob, old, bad).status()).as(bad).isEqualTo(400);
            }

            JsonHttp.Reply done = upgrade(bob, old, "{\"new_version\":\"10\"}");
            assertThat(done.status()).as(done.body().toString()).isEqualTo(200);
            String replacement = done.body().path("replacement_room").asText();

            JsonNode create = state(bob, replacement, "m.room.create");
            assertThat(create.path("room_version").asText()).isEqualTo("10");
            assertThat(create.path("predecessor").path("room_id").asText()).isEqualTo(old);
            assertThat(create.path("predecessor").path("event_id").asText()).isEqualTo(lastBefore);
            assertThat(create.has("type")).as("no type before, none after").isFalse();
            assertThat(state(bob, replacement, "m.room.name").path("name").asText()).isEqualTo("Old");
            assertThat(state(bob, replacement, "m.room.topic").path("topic").asText()).isEqualTo("things");
            assertThat(state(bob, replacement, "m.room.join_rules").path("join_rule").asText()).isEqualTo("public");
            assertThat(state(bob, replacement, "m.room.power_levels")).as("the old levels exactly, after the copy").isEqualTo(levels);
            JsonNode carolThere = http.call("GET", "/rooms/" + enc(replacement) + "/state/m.room.member/" + enc("@carol:localhost"), bob, null)
                    .body();
            assertThat(carolThere.path("membership").asText()).isEqualTo("ban");
            assertThat(carolThere.path("reason").asText()).isEqualTo("spam");
            assertThat(http.call("GET", "/directory/room/" + enc("#old:localhost"), null, null).body().path("room_id").asText())
                    .isEqualTo(replacement);
            assertThat(state(bob, replacement, "m.room.canonical_alias").path("alias").asText()).isEqualTo("#old:localhost");
            assertThat(state(bob, old, "m.room.canonical_alias").has("alias")).isFalse();
            assertThat(http.call("GET", "/directory/list/room/" + enc(replacement), null, null).body().path("visibility").asText())
                    .isEqualTo("public");
            assertThat(http.call("GET", "/directory/list/room/" + enc(old), null, null).body().path("visibility").asText())
                    .isEqualTo("private");

            JsonNode tombstone = state(bob, old, "m.room.tombstone");
            assertThat(tombstone.path("replacement_room").asText()).isEqualTo(replacement);
            assertThat(state(bob, old, "m.room.power_levels")).as("bob may not change the levels, so the old room keeps them")
                    .isEqualTo(levels);
            http.call("POST", "/join/" + enc(replacement), alice, "{}");

            assertThat(upgrade(bob, old, "{\"new_version\":\"10\"}").body().path("errcode").asText()).as("upgraded already")
                    .isEqualTo("M_BAD_STATE");
            // a member's tags follow him when he joins the replacement
            String dave = http.register("dave", "dave-password");
            http.call("POST", "/join/" + enc(old), dave, "{}");
            http.call("PUT", "/user/" + enc("@dave:localhost") + "/rooms/" + enc(old) + "/tags/u.fav", dave, "{}");
            http.call("POST", "/join/" + enc(replacement), dave, "{}");
            JsonNode tags = http.call("GET", "/user/" + enc("@dave:localhost") + "/rooms/" + enc(replacement) + "/tags", dave, null).body();
            assertThat(tags.path("tags").has("u.fav")).isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite"})
    void aSpaceStaysASpaceAndAMemberWithoutPowerCannotUpgrade(String backend) throws Exception {
        try (Homeserver server = TestServers.start(backend, dir, c -> c)) {
            http = new JsonHttp(server.port());
            String alice = http.register("alice", "alice-password");
            String bob = http.register("bob", "bob-password");
            String space = http.call("POST", "/createRoom", alice, "{\"preset\":\"public_chat\",\"creation_content\":{\"type\":\"m.space\"}}")
                    .body().path("room_id").asText();
            http.call("POST", "/join/" + enc(space), bob, "{}");

            JsonHttp.Reply refused = upgrade(bob, space, "{\"new_version\":\"10\"}");
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.body().path("errcode").asText()).isEqualTo("M_FORBIDDEN");
            assertThat(state(alice, space, "m.room.tombstone").path("errcode").asText()).isEqualTo("M_NOT_FOUND");
            assertThat(http.call("GET", "/joined_rooms", bob, null).body().path("joined_rooms")).as("no replacement room left behind")
                    .hasSize(1);

            String replacement = upgrade(alice, space, "{\"new_version\":\"10\"}").body().path("replacement_room").asText();
            assertThat(state(alice, replacement, "m.room.create").path("type").asText()).isEqualTo("m.space");
            JsonNode oldLevels = state(bob, space, "m.room.power_levels");
            assertThat(oldLevels.path("events_default").asLong()).isEqualTo(50);
            assertThat(oldLevels.path("invite").asLong()).isEqualTo(50);
            assertThat(say(bob, space, "t1").status()).as("ordinary members are silenced in the old room").isEqualTo(403);
            assertThat(say(alice, space, "t2").status()).isEqualTo(200);
            assertThat(upgrade(alice, "!nowhere:localhost", "{\"new_version\":\"10\"}").status()).isIn(403, 404);
            assertThat(upgrade(null, space, "{\"new_version\":\"10\"}").status()).isEqualTo(401);
        }
    }
}
