package dev.mxspec.homeserver.main;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import dev.mxspec.homeserver.core.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Guest access ({@code allow_guest_access}): {@code register?kind=guest}, the endpoints guests may call, joins honouring
 * {@code m.room.guest_access}, guests leaving when it closes, and the upgrade that keeps the user ID.
 */
class GuestAccessTest {

    @TempDir
    Path dir;

    private JsonHttp http;

    private JsonNode guest(String body) throws Exception {
        JsonHttp.Reply r = http.call("POST", "/register?kind=guest", null, body);
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        return r.body();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static void refused(JsonHttp.Reply r, int status, String errcode) {
        assertThat(r.status()).as(r.body().toString()).isEqualTo(status);
        assertThat(r.body().path("errcode").asText()).isEqualTo(errcode);
    }

    @Test
    void allowGuestAccessIsReadFromTheConfigurationAndOffByDefault() throws Exception {
        assertThat(ServerConfig.defaults().allowGuestAccess()).isFalse();
        Path file = Files.writeString(dir.resolve("guests.yaml"), "allow_guest_access: true\n");
        assertThat(ServerConfig.read(file).allowGuestAccess()).isTrue();
        assertThat(ServerConfig.defaults().toYaml()).contains("allow_guest_access: false\n");
        assertThat(ServerConfig.defaults().withGuestAccess(true).withRequestLog(true).allowGuestAccess()).isTrue();
    }

    @Test
    void withoutAllowGuestAccessNoGuestRegistersNorUpgrades() throws Exception {
        try (Homeserver server = TestServers.start("sqlite", dir, c -> c)) {
            http = new JsonHttp(server.port());
            refused(http.call("POST", "/register?kind=guest", null, "{}"), 403, "M_GUEST_ACCESS_FORBIDDEN");
            String alice = http.register("alice", "alice-password");
            refused(http.call("POST", "/register", null, "{\"username\":\"bob\",\"password\":\"bob-password\",\"guest_access_token\":\""
                    + alice + "\",\"auth\":{\"type\":\"m.login.dummy\"}}"), 403, "M_GUEST_ACCESS_FORBIDDEN");
            assertThat(http.register("12345", "numeric-password")).as("numeric names are reserved only while guests register").isNotEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aGuestGetsANumericAccountAndOnlyTheGuestEndpoints(String backend) throws Exception {
        try (Homeserver server = TestServers.start(backend, dir, c -> c.withGuestAccess(true).withRegistrationRequiringToken(true))) {
            http = new JsonHttp(server.port());
            JsonNode guest = guest("{\"username\":\"chosen\",\"password\":\"ignored-password\",\"device_id\":\"MINE\","
                    + "\"initial_device_display_name\":\"Guest phone\"}");
            String userId = guest.path("user_id").asText();
            String token = guest.path("access_token").asText();
            assertThat(userId).as("body fields but the display name are ignored").matches("@[0-9]+:localhost");
            assertThat(guest.path("device_id").asText()).isNotEqualTo("MINE").isNotEmpty();
            assertThat(server.storage().isGuest(userId)).isTrue();
            assertThat(server.storage().user(userId).orElseThrow().passwordHash()).isEmpty();

            JsonHttp.Reply whoami = http.call("GET", "/account/whoami", token, null);
            assertThat(whoami.body().path("user_id").asText()).isEqualTo(userId);
            JsonHttp.Reply devices = http.call("GET", "/devices", token, null);
            assertThat(devices.body().path("devices").get(0).path("display_name").asText()).isEqualTo("Guest phone");
            assertThat(http.call("PUT", "/profile/" + enc(userId) + "/displayname", token, "{\"displayname\":\"Visitor\"}").status())
                    .isEqualTo(200);
            assertThat(http.call("POST", "/keys/query", token, "{\"device_keys\":{\"" + userId + "\":[]}}").status()).isEqualTo(200);
            assertThat(http.call("GET", "/sync?timeout=0", token, null).status()).isEqualTo(200);

            refused(http.call("POST", "/createRoom", token, "{}"), 403, "M_GUEST_ACCESS_FORBIDDEN");
            refused(http.call("GET", "/admin/whois/" + enc(userId), token, null), 403, "M_GUEST_ACCESS_FORBIDDEN");
            refused(http.call("POST", "/user/" + enc(userId) + "/filter", token, "{}"), 403, "M_GUEST_ACCESS_FORBIDDEN");
            refused(http.call("POST", "/account/password", token, "{\"new_password\":\"taken-over-password\"}"), 403, "M_GUEST_ACCESS_FORBIDDEN");
            refused(http.call("POST", "/account/deactivate", token, "{}"), 403, "M_GUEST_ACCESS_FORBIDDEN");
            refused(http.call("GET", "/pushrules/", token, null), 403, "M_GUEST_ACCESS_FORBIDDEN");
            refused(http.call("POST", "/rooms/" + enc("!nowhere:localhost") + "/invite", token, "{\"user_id\":\"@x:localhost\"}"), 403,
                    "M_GUEST_ACCESS_FORBIDDEN");
            refused(http.call("DELETE", "/devices/" + guest.path("device_id").asText(), token, "{}"), 403, "M_GUEST_ACCESS_FORBIDDEN");
            refused(http.call("POST", "/register", null, "{\"username\":\"424242\",\"password\":\"numeric-password\","
                    + "\"auth\":{\"type\":\"m.login.dummy\"}}"), 400, "M_INVALID_USERNAME");
            assertThat(guest("{}").path("user_id").asText()).as("a second guest is another user").isNotEqualTo(userId);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void guestsJoinOnlyRoomsWithCanJoinAndLeaveWhenItCloses(String backend) throws Exception {
        try (Homeserver server = TestServers.start(backend, dir, c -> c.withGuestAccess(true))) {
            http = new JsonHttp(server.port());
            String alice = http.register("alice", "alice-password");
            String room = http.call("POST", "/createRoom", alice, "{\"preset\":\"public_chat\"}").body().path("room_id").asText();
            JsonNode guest = guest("{}");
            String userId = guest.path("user_id").asText();
            String token = guest.path("access_token").asText();

            refused(http.call("POST", "/rooms/" + enc(room) + "/join", token, "{}"), 403, "M_FORBIDDEN");
            refused(http.call("POST", "/join/" + enc(room), token, "{}"), 403, "M_FORBIDDEN");
            refused(http.call("POST", "/join/" + enc("!elsewhere:other.example"), token, "{}"), 404, "M_NOT_FOUND");
            http.call("PUT", "/rooms/" + enc(room) + "/state/m.room.guest_access/", alice, "{\"guest_access\":\"forbidden\"}");
            refused(http.call("POST", "/rooms/" + enc(room) + "/join", token, "{}"), 403, "M_FORBIDDEN");

            assertThat(http.call("PUT", "/rooms/" + enc(room) + "/state/m.room.guest_access/", alice, "{\"guest_access\":\"can_join\"}")
                    .status()).isEqualTo(200);
            JsonHttp.Reply joined = http.call("POST", "/join/" + enc(room), token, "{}");
            assertThat(joined.status()).as(joined.body().toString()).isEqualTo(200);
            JsonHttp.Reply sent = http.call("PUT", "/rooms/" + enc(room) + "/send/m.room.message/t1", token,
                    "{\"msgtype\":\"m.text\",\"body\":\"hello from a guest\"}");
            assertThat(sent.status()).as(sent.body().toString()).isEqualTo(200);
            JsonHttp.Reply messages = http.call("GET", "/rooms/" + enc(room) + "/messages?dir=b&limit=5", token, null);
            assertThat(messages.body().path("chunk").get(0).path("content").path("body").asText()).isEqualTo("hello from a guest");
            assertThat(http.call("GET", "/rooms/" + enc(room) + "/members", token, null).status()).isEqualTo(200);
            assertThat(http.call("GET", "/sync?timeout=0", token, null).body().path("rooms").path("join").has(room)).isTrue();

            http.call("PUT", "/rooms/" + enc(room) + "/state/m.room.guest_access/", alice, "{\"guest_access\":\"forbidden\"}");
            JsonHttp.Reply member = http.call("GET", "/rooms/" + enc(room) + "/state/m.room.member/" + enc(userId), alice, null);
            assertThat(member.body().path("membership").asText()).as("the guest left when guest access closed").isEqualTo("leave");
            refused(http.call("PUT", "/rooms/" + enc(room) + "/send/m.room.message/t2", token, "{\"msgtype\":\"m.text\",\"body\":\"x\"}"),
                    403, "M_FORBIDDEN");
            JsonHttp.Reply aliceMember = http.call("GET", "/rooms/" + enc(room) + "/state/m.room.member/" + enc("@alice:localhost"), alice, null);
            assertThat(aliceMember.body().path("membership").asText()).as("full members stay").isEqualTo("join");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void anUpgradedGuestKeepsItsIdAndRoomsAndLosesItsLimits(String backend) throws Exception {
        try (Homeserver server = TestServers.start(backend, dir, c -> c.withGuestAccess(true))) {
            http = new JsonHttp(server.port());
            String alice = http.register("alice", "alice-password");
            String room = http.call("POST", "/createRoom", alice, "{\"preset\":\"private_chat\"}").body().path("room_id").asText();
            http.call("PUT", "/rooms/" + enc(room) + "/state/m.room.join_rules/", alice, "{\"join_rule\":\"public\"}");
            JsonNode guest = guest("{}");
            String userId = guest.path("user_id").asText();
            String localpart = userId.substring(1, userId.indexOf(':'));
            String token = guest.path("access_token").asText();
            assertThat(http.call("POST", "/rooms/" + enc(room) + "/join", token, "{}").status()).isEqualTo(200);

            refused(upgrade(localpart, alice), 403, "M_FORBIDDEN");
            refused(upgrade("someoneelse", token), 403, "M_FORBIDDEN");
            refused(upgrade(localpart, "not-a-token"), 401, "M_UNKNOWN_TOKEN");
            assertThat(server.storage().isGuest(userId)).isTrue();

            // the first request answers the flows; the second, with the session only, completes the upgrade
            JsonHttp.Reply flows = http.call("POST", "/register", null, "{\"username\":\"" + localpart + "\",\"password\":\"upgraded-password\","
                    + "\"guest_access_token\":\"" + token + "\"}");
            assertThat(flows.status()).as(flows.body().toString()).isEqualTo(401);
            JsonHttp.Reply upgraded = http.call("POST", "/register", null, "{\"auth\":{\"type\":\"m.login.dummy\",\"session\":\""
                    + flows.body().path("session").asText() + "\"}}");
            assertThat(upgraded.status()).as(upgraded.body().toString()).isEqualTo(200);
            assertThat(upgraded.body().path("user_id").asText()).isEqualTo(userId);
            String full = upgraded.body().path("access_token").asText();
            assertThat(server.storage().isGuest(userId)).isFalse();
            assertThat(http.call("GET", "/joined_rooms", full, null).body().path("joined_rooms").toString()).contains(room);
            assertThat(http.call("POST", "/createRoom", full, "{}").status()).isEqualTo(200);
            assertThat(http.call("POST", "/createRoom", token, "{}").status()).as("the guest's token is a full account's now").isEqualTo(200);
            JsonHttp.Reply login = http.call("POST", "/login", null, "{\"type\":\"m.login.password\",\"identifier\":{\"type\":\"m.id.user\","
                    + "\"user\":\"" + localpart + "\"},\"password\":\"upgraded-password\"}");
            assertThat(login.status()).as(login.body().toString()).isEqualTo(200);
            refused(upgrade(localpart, token), 403, "M_FORBIDDEN");
        }
    }

    private JsonHttp.Reply upgrade(String username, String guestToken) throws Exception {
        return http.call("POST", "/register", null, "{\"username\":\"" + username + "\",\"password\":\"upgraded-password\","
                + "\"guest_access_token\":\"" + guestToken + "\",\"auth\":{\"type\":\"m.login.dummy\"}}");
    }

    @Test
    void badGuestBodiesAreMatrixErrorsNeverServerErrors() throws Exception {
        try (Homeserver server = TestServers.start("sqlite", dir, c -> c.withGuestAccess(true))) {
            http = new JsonHttp(server.port());
            String token = guest("{}").path("access_token").asText();
            for (String body : List.of("null", "[]", "\"x\"", "{\"initial_device_display_name\":5}", "{\"guest_access_token\":7}", "{")) {
                JsonHttp.Reply r = http.call("POST", "/register?kind=guest", null, body);
                assertThat(r.status()).as(body + " " + r.body()).isLessThan(500);
                JsonHttp.Reply upgrade = http.call("POST", "/register", null, body);
                assertThat(upgrade.status()).as(body + " " + upgrade.body()).isLessThan(500);
            }
            assertThat(http.call("POST", "/register?kind=visitor", null, "{}").status()).isEqualTo(400);
            JsonHttp.Reply upgrade = http.call("POST", "/register", null, "{\"username\":[],\"password\":\"upgraded-password\","
                    + "\"guest_access_token\":\"" + token + "\",\"auth\":{\"type\":\"m.login.dummy\"}}");
            assertThat(upgrade.status()).as(upgrade.body().toString()).isEqualTo(400);
            refused(http.call("POST", "/keys/upload", token, "{\"device_keys\":{\"user_id\":\"@alice:localhost\",\"device_id\":\"X\","
                    + "\"algorithms\":[],\"keys\":{},\"signatures\":{}}}"), 400, "M_INVALID_PARAM");
        }
    }
}
