package dev.mxspec.homeserver.main;

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

/** The user directory: people who share a room with the searcher or are in public rooms, and nobody else. */
class UserDirectoryTest {

    @TempDir
    Path dir;

    private JsonHttp http;

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private List<String> found(String token, String term) throws Exception {
        JsonNode body = search(token, "{\"search_term\":\"" + term + "\"}").body();
        List<String> ids = new ArrayList<>();
        body.path("results").forEach(r -> ids.add(r.path("user_id").asText()));
        return ids;
    }

    private JsonHttp.Reply search(String token, String body) throws Exception {
        return http.call("POST", "/user_directory/search", token, body);
    }

    private void name(String token, String user, String name) throws Exception {
        http.call("PUT", "/profile/" + enc(user) + "/displayname", token, "{\"displayname\":\"" + name + "\"}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void roomMatesAndPeopleOfPublicRoomsAreFoundByNameOrIdAndNobodyElse(String backend) throws Exception {
        try (Homeserver server = TestServers.start(backend, dir, c -> c)) {
            http = new JsonHttp(server.port());
            String alice = http.register("alice", "alice-password");
            String bob = http.register("bob", "bob-password");
            String carol = http.register("carol", "carol-password");
            String dave = http.register("dave", "dave-password");
            String zoe = http.register("zoe", "zoe-password");
            name(bob, "@bob:localhost", "Bob Builder");
            name(carol, "@carol:localhost", "Carol Bobbin");
            name(dave, "@dave:localhost", "Dave Bobson");
            name(zoe, "@zoe:localhost", "Zoë Quinn");
            String shared = http.call("POST", "/createRoom", alice, "{\"preset\":\"private_chat\"}").body().path("room_id").asText();
            http.call("POST", "/rooms/" + enc(shared) + "/invite", alice, "{\"user_id\":\"@bob:localhost\"}");
            http.call("POST", "/join/" + enc(shared), bob, "{}");
            String open = http.call("POST", "/createRoom", zoe, "{\"preset\":\"public_chat\"}").body().path("room_id").asText();
            http.call("POST", "/join/" + enc(open), carol, "{}");
            http.call("POST", "/createRoom", dave, "{\"preset\":\"private_chat\"}"); // dave shares nothing with anyone

            assertThat(found(alice, "bob")).as("room mate first, then the public room's carol; never dave")
                    .containsExactly("@bob:localhost", "@carol:localhost");
            assertThat(found(alice, "BUILD")).containsExactly("@bob:localhost");
            assertThat(found(alice, "@carol:loc")).containsExactly("@carol:localhost");
            assertThat(found(alice, "zoe")).as("accents folded").containsExactly("@zoe:localhost");
            assertThat(found(alice, "dave")).isEmpty();
            assertThat(found(alice, "obbin")).as("words match at their start only").isEmpty();
            assertThat(found(dave, "bob")).as("dave sees the public room's people only").containsExactly("@carol:localhost");
            assertThat(found(alice, "  ")).isEmpty();

            JsonNode first = search(alice, "{\"search_term\":\"bob\",\"limit\":1}").body();
            assertThat(first.path("results")).hasSize(1);
            assertThat(first.path("results").get(0).path("display_name").asText()).isEqualTo("Bob Builder");
            assertThat(first.path("limited").asBoolean()).isTrue();
            assertThat(search(alice, "{\"search_term\":\"bob\"}").body().path("limited").asBoolean()).isFalse();

            // leaving ends what the shared room showed; deactivating ends it all
            http.call("POST", "/rooms/" + enc(shared) + "/leave", bob, "{}");
            assertThat(found(alice, "bob")).containsExactly("@carol:localhost");
            http.call("POST", "/account/deactivate", carol, "{\"auth\":{\"type\":\"m.login.password\",\"identifier\":"
                    + "{\"type\":\"m.id.user\",\"user\":\"carol\"},\"password\":\"carol-password\"}}");
            assertThat(found(alice, "carol")).isEmpty();

            for (String bad : List.of("null", "[]", "{}", "{\"search_term\":7}", "{\"search_term\":\"a\",\"limit\":\"x\"}", "{")) {
                JsonHttp.Reply r = search(alice, bad);
                assertThat(r.status()).as(bad).isEqualTo(400);
            }
            assertThat(search(alice, "{\"search_term\":\"a\",\"limit\":-1}").body().path("errcode").asText()).isEqualTo("M_INVALID_PARAM");
            assertThat(search(null, "{\"search_term\":\"a\"}").status()).isEqualTo(401);
        }
    }
}
