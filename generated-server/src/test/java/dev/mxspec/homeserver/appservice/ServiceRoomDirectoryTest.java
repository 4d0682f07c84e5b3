package dev.mxspec.homeserver.appservice;

import static dev.mxspec.homeserver.appservice.ServiceAccountsTest.assertError;
import static dev.mxspec.homeserver.appservice.ServiceFixture.seg;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The room lists of application services' third-party networks: a service lists rooms with
 * {@code PUT /directory/list/appservice/{networkId}/{roomId}}, clients find them with {@code /publicRooms} and
 * {@code third_party_instance_id} or {@code include_all_networks}; the server's own directory stays as it was.
 */
class ServiceRoomDirectoryTest {

    @TempDir
    Path dir;

    private static List<String> rooms(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.path("chunk").forEach(c -> ids.add(c.path("room_id").asText()));
        return ids;
    }

    private static String instance(String id) {
        return URLEncoder.encode(id, StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aServiceListsRoomsInItsNetworksDirectories(String backend) throws Exception {
        try (ServiceFixture fx = ServiceFixture.start(backend, dir)) {
            String alice = fx.registerHuman("alice");
            String published = fx.ok("POST", "/createRoom", alice, "{\"preset\":\"public_chat\",\"visibility\":\"public\",\"name\":\"main\"}")
                    .path("room_id").asText();
            String irc = fx.ok("POST", "/createRoom", fx.bridgeToken, "{\"preset\":\"public_chat\",\"name\":\"#matrix on libera\"}")
                    .path("room_id").asText();
            String other = fx.ok("POST", "/createRoom", fx.bridgeToken, "{\"preset\":\"public_chat\",\"name\":\"oftc\"}")
                    .path("room_id").asText();

            fx.ok("PUT", "/directory/list/appservice/libera/" + seg(irc), fx.bridgeToken, "{\"visibility\":\"public\"}");
            fx.ok("PUT", "/directory/list/appservice/libera/" + seg(irc), fx.bridgeToken, "{\"visibility\":\"public\"}"); // again: once
            fx.ok("PUT", "/directory/list/appservice/oftc/" + seg(other), fx.bridgeToken, "{\"visibility\":\"public\"}");

            assertThat(rooms(fx.ok("GET", "/publicRooms", null, null))).containsExactly(published);
            assertThat(rooms(fx.ok("POST", "/publicRooms", alice, "{}"))).containsExactly(published);
            assertThat(rooms(fx.ok("POST", "/publicRooms", alice, "{\"third_party_instance_id\":\"bridge|libera\"}"))).containsExactly(irc);
            assertThat(rooms(fx.ok("GET", "/publicRooms?third_party_instance_id=" + instance("bridge|libera"), null, null)))
                    .containsExactly(irc);
            assertThat(rooms(fx.ok("POST", "/publicRooms", alice, "{\"third_party_instance_id\":\"libera\"}")))
                    .as("a bare network ID: every service's list of it").containsExactly(irc);
            assertThat(rooms(fx.ok("POST", "/publicRooms", alice, "{\"third_party_instance_id\":\"logger|libera\"}"))).isEmpty();
            assertThat(rooms(fx.ok("POST", "/publicRooms", alice, "{\"include_all_networks\":true,\"third_party_instance_id\":\"bridge|oftc\"}")))
                    .containsExactlyInAnyOrder(published, irc, other);
            assertThat(rooms(fx.ok("GET", "/publicRooms?include_all_networks=true", null, null)))
                    .containsExactlyInAnyOrder(published, irc, other);
            JsonNode searched = fx.ok("POST", "/publicRooms", alice, "{\"third_party_instance_id\":\"bridge|libera\",\"filter\":"
                    + "{\"generic_search_term\":\"nothing like it\"}}");
            assertThat(rooms(searched)).isEmpty();

            fx.ok("PUT", "/directory/list/appservice/libera/" + seg(irc), fx.bridgeToken, "{\"visibility\":\"private\"}");
            assertThat(rooms(fx.ok("POST", "/publicRooms", alice, "{\"third_party_instance_id\":\"bridge|libera\"}"))).isEmpty();
            assertThat(rooms(fx.ok("GET", "/publicRooms?include_all_networks=true", null, null))).containsExactlyInAnyOrder(published, other);
            assertThat(fx.ok("GET", "/directory/list/room/" + seg(irc), null, null).path("visibility").asText())
                    .as("the server's own directory is another list").isEqualTo("private");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void onlyAServiceEditsItsNetworksLists(String backend) throws Exception {
        try (ServiceFixture fx = ServiceFixture.start(backend, dir)) {
            String alice = fx.registerHuman("alice");
            String room = fx.ok("POST", "/createRoom", alice, "{\"preset\":\"public_chat\"}").path("room_id").asText();
            String path = "/directory/list/appservice/libera/" + seg(room);
            String listed = "{\"third_party_instance_id\":\"libera\"}";

            assertError(fx.call("PUT", path, alice, "{\"visibility\":\"public\"}"), 403, "M_FORBIDDEN");
            assertError(fx.call("PUT", path, null, "{\"visibility\":\"public\"}"), 401, "M_MISSING_TOKEN");
            assertError(fx.call("PUT", path, "never-issued", "{\"visibility\":\"public\"}"), 401, "M_UNKNOWN_TOKEN");
            assertError(fx.call("PUT", path, fx.bridgeToken, "{\"visibility\":\"hidden\"}"), 400, "M_INVALID_PARAM");
            assertError(fx.call("PUT", path, fx.bridgeToken, "{}"), 400, "M_BAD_JSON");
            assertError(fx.call("PUT", path, fx.bridgeToken, "{\"visibility\":7}"), 400, "M_BAD_JSON");
            assertThat(fx.call("PUT", path, fx.bridgeToken, "null").status()).isEqualTo(400);
            assertThat(fx.call("PUT", path, fx.bridgeToken, "[]").status()).isEqualTo(400);
            assertError(fx.call("PUT", "/directory/list/appservice/libera/" + seg("!unknown:localhost"), fx.bridgeToken,
                    "{\"visibility\":\"public\"}"), 404, "M_NOT_FOUND");
            assertError(fx.call("PUT", "/directory/list/appservice/" + seg("a|b") + "/" + seg(room), fx.bridgeToken,
                    "{\"visibility\":\"public\"}"), 400, "M_INVALID_PARAM");
            assertThat(fx.call("PUT", "/directory/list/appservice/libera/not-a-room", fx.bridgeToken, "{\"visibility\":\"public\"}").status())
                    .isEqualTo(400);
            assertError(fx.call("GET", "/publicRooms?include_all_networks=maybe", null, null), 400, "M_INVALID_PARAM");
            assertThat(rooms(fx.ok("POST", "/publicRooms", alice, listed))).as("nothing was listed").isEmpty();

            // the logger lists the room in its own list of the network: the bridge's list stays empty
            fx.ok("PUT", path, fx.loggerToken, "{\"visibility\":\"public\"}");
            assertThat(rooms(fx.ok("POST", "/publicRooms", alice, "{\"third_party_instance_id\":\"bridge|libera\"}"))).isEmpty();
            assertThat(rooms(fx.ok("POST", "/publicRooms", alice, "{\"third_party_instance_id\":\"logger|libera\"}"))).containsExactly(room);
            fx.ok("PUT", path, fx.bridgeToken, "{\"visibility\":\"private\"}"); // taking out what is not in its list: nothing
            assertThat(rooms(fx.ok("POST", "/publicRooms", alice, listed))).containsExactly(room);
        }
    }
}
