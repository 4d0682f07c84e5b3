package dev.mxspec.homeserver.main;

import static dev.mxspec.homeserver.main.RoomAccessTest.enc;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.spec.v1_7.appservice.Location;
import dev.mxspec.spec.v1_7.appservice.Protocol;
import dev.mxspec.spec.v1_7.appservice.User;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Third-party networks on the Client-Server API ({@code /_matrix/client/v3/thirdparty/...}), answered by asking the
 * services that declare each protocol: two IRC bridges whose instances are merged (each named {@code service|network}),
 * lookups forwarded with their search fields and merged, reverse lookups asked of every bridging service, and
 * {@code 404 M_NOT_FOUND} for a protocol no service declares or describes and for a lookup that finds nothing.
 */
class AppServiceThirdPartyTest {

    @TempDir
    Path dir;

    private Homeserver server;
    private JsonHttp http;
    private final List<TestAppService> services = new ArrayList<>();

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        services.forEach(TestAppService::close);
    }

    private static Protocol protocol(String network, String desc) throws Exception {
        return MatrixJson.mapper().readValue("""
                {"user_fields":["network","nickname"],"location_fields":["network","channel"],"icon":"mxc://example.org/irc",
                 "field_types":{"network":{"regexp":"[a-z.]+","placeholder":"libera.chat"},
                                "nickname":{"regexp":"[^\\\\s#]+","placeholder":"nick"},
                                "channel":{"regexp":"#[^\\\\s]+","placeholder":"#channel"}},
                 "instances":[{"desc":"%s","fields":{"network":"%s"},"network_id":"%s"}]}""".formatted(desc, network, network), Protocol.class);
    }

    private static Location location(String alias, String protocol, String channel) throws Exception {
        return MatrixJson.mapper().readValue("{\"alias\":\"" + alias + "\",\"protocol\":\"" + protocol + "\",\"fields\":{\"channel\":\""
                + channel + "\"}}", Location.class);
    }

    private static User user(String userId, String protocol, String nick) throws Exception {
        return MatrixJson.mapper().readValue("{\"userid\":\"" + userId + "\",\"protocol\":\"" + protocol + "\",\"fields\":{\"nickname\":\""
                + nick + "\"}}", User.class);
    }

    private JsonNode get(String token, String path, int status) throws Exception {
        JsonHttp.Reply r = http.call("GET", path, token, null);
        assertThat(r.status()).as(path + ": " + r.body()).isEqualTo(status);
        if (status != 200) {
            assertThat(r.body().path("errcode").asText()).as(path).isIn("M_NOT_FOUND", "M_INVALID_PARAM");
        }
        return r.body();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void protocolsLocationsAndUsersComeFromTheServicesThatDeclareThem(String backend) throws Exception {
        TestAppService libera = new TestAppService("hs_libera");
        TestAppService oftc = new TestAppService("hs_oftc");
        services.addAll(List.of(libera, oftc));
        libera.protocols = Map.of("irc", protocol("libera", "Libera Chat"));
        oftc.protocols = Map.of("irc", protocol("oftc", "OFTC"), "gitter", protocol("gitter", "Gitter"));
        libera.locations = List.of(location("#_irc_libera_matrix:localhost", "irc", "#matrix"));
        oftc.locations = List.of(location("#_irc_oftc_matrix:localhost", "irc", "#matrix"));
        libera.thirdPartyUsers = List.of(user("@_irc_libera_bob:localhost", "irc", "bob"));
        Path a = libera.register(dir, "libera", "as_libera", "libera_bot", "users: []", "[irc]");
        Path b = oftc.register(dir, "oftc", "as_oftc", "oftc_bot", "users: []", "[irc, gitter, slack]");
        server = TestServers.start(backend, dir, c -> c.withAppServiceConfigFiles(List.of(a.toString(), b.toString())));
        http = new JsonHttp(server.port());
        String alice = http.register("alice", "alice-password");

        JsonNode protocols = get(alice, "/thirdparty/protocols", 200);
        assertThat(protocols.properties().stream().map(Map.Entry::getKey).toList()).as("slack: its service did not describe it")
                .containsExactly("irc", "gitter");
        JsonNode irc = protocols.path("irc");
        assertThat(irc.path("user_fields").toString()).isEqualTo("[\"network\",\"nickname\"]");
        assertThat(irc.path("icon").asText()).isEqualTo("mxc://example.org/irc");
        assertThat(irc.path("instances").findValuesAsText("instance_id")).containsExactly("libera|libera", "oftc|oftc");
        assertThat(irc.path("instances").findValuesAsText("desc")).containsExactly("Libera Chat", "OFTC");
        assertThat(get(alice, "/thirdparty/protocol/irc", 200)).isEqualTo(irc);
        assertThat(get(alice, "/thirdparty/protocol/gitter", 200).path("instances").findValuesAsText("instance_id")).containsExactly("oftc|gitter");
        get(alice, "/thirdparty/protocol/xmpp", 404);
        get(alice, "/thirdparty/protocol/slack", 404);

        JsonNode locations = get(null, "/thirdparty/location/irc?channel=" + enc("#matrix") + "&network=libera&access_token=" + alice, 200);
        assertThat(locations.findValuesAsText("alias")).containsExactlyInAnyOrder("#_irc_libera_matrix:localhost", "#_irc_oftc_matrix:localhost");
        assertThat(libera.lookupFields).containsExactly(Map.of("channel", "#matrix", "network", "libera"));
        assertThat(oftc.lookupFields).as("the access token is not a search field").containsExactly(Map.of("channel", "#matrix", "network", "libera"));
        JsonNode users = get(alice, "/thirdparty/user/irc?nickname=bob", 200);
        assertThat(users.findValuesAsText("userid")).containsExactly("@_irc_libera_bob:localhost");
        get(alice, "/thirdparty/location/gitter?channel=nothing", 404);
        get(alice, "/thirdparty/location/xmpp?channel=x", 404);
        get(alice, "/thirdparty/user/xmpp", 404);

        JsonNode byAlias = get(alice, "/thirdparty/location?alias=" + enc("#_irc_oftc_matrix:localhost"), 200);
        assertThat(byAlias.findValuesAsText("protocol")).containsExactly("irc");
        assertThat(byAlias.path(0).path("fields").path("channel").asText()).isEqualTo("#matrix");
        JsonNode byUserId = get(alice, "/thirdparty/user?userid=" + enc("@_irc_libera_bob:localhost"), 200);
        assertThat(byUserId.findValuesAsText("userid")).containsExactly("@_irc_libera_bob:localhost");
        get(alice, "/thirdparty/location?alias=" + enc("#unknown:localhost"), 404);
        get(alice, "/thirdparty/user?userid=" + enc("@nobody:localhost"), 404);
        get(alice, "/thirdparty/location?alias=not-an-alias", 400);
        get(alice, "/thirdparty/user?userid=not-a-user", 400);
        assertThat(libera.seen()).allSatisfy(s -> assertThat(s.tokenRight()).isTrue());
        assertThat(oftc.seen()).allSatisfy(s -> assertThat(s.tokenInQuery()).isFalse());
    }
}
