package dev.mxspec.homeserver.main;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.core.ServerConfig;
import dev.mxspec.homeserver.storage.Backends;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every push rule path clients use, and the rules the spec refuses: invalid actions and conditions, unknown scopes and kinds. */
class PushRulePathsTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void listingsAnswerWithAndWithoutTheTrailingSlashAndInvalidRulesAreRefused(String backend) throws Exception {
        Optional<String> pg = backend.equals("postgresql") ? Optional.of(Backends.postgresSchemaUrl()) : Optional.empty();
        try (Homeserver server = Homeserver.start(new ServerConfig("localhost", "127.0.0.1", -1, dir.resolve("data").toString(), backend,
                pg, true, 0, -1))) {
            JsonHttp http = new JsonHttp(server.port());
            String alice = http.register("alice", "alice-password");
            String rule = "{\"actions\":[\"notify\",{\"set_tweak\":\"sound\",\"value\":\"default\"}],\"pattern\":\"cake\"}";
            assertThat(http.call("PUT", "/pushrules/global/content/cake", alice, rule).status()).isEqualTo(200);

            for (String path : List.of("/pushrules", "/pushrules/")) {
                assertThat(http.call("GET", path, alice, null).body().path("global").path("content").findValuesAsText("rule_id"))
                        .as(path).containsExactly("cake");
            }
            for (String path : List.of("/pushrules/global", "/pushrules/global/")) {
                JsonNode global = http.call("GET", path, alice, null).body();
                assertThat(global.path("content").findValuesAsText("rule_id")).as(path).containsExactly("cake");
                assertThat(global.has("override")).isTrue();
            }
            for (String path : List.of("/pushrules/global/content", "/pushrules/global/content/")) {
                JsonNode content = http.call("GET", path, alice, null).body();
                assertThat(content.isArray()).as(path).isTrue();
                assertThat(content.findValuesAsText("rule_id")).containsExactly("cake");
            }
            assertThat(http.call("GET", "/pushrules/global/content/cake/enabled", alice, null).body().path("enabled").asBoolean()).isTrue();
            assertThat(http.call("GET", "/pushrules/global/content/cake/actions", alice, null).body().path("actions").size()).isEqualTo(2);
            assertThat(http.call("GET", "/pushrules/global/", null, null).status()).isEqualTo(401);
            assertThat(http.call("GET", "/pushrules/global/sideways/", alice, null).status()).isEqualTo(400);
            assertThat(http.call("GET", "/pushrules/device/", alice, null).status()).isEqualTo(400);

            JsonHttp.Reply badAction = http.call("PUT", "/pushrules/global/room/!r:localhost", alice, "{\"actions\":[\"explode\"]}");
            assertThat(badAction.status()).isEqualTo(400);
            assertThat(badAction.body().path("errcode").asText()).isEqualTo("M_INVALID_PARAM");
            assertThat(http.call("PUT", "/pushrules/global/content/cake/actions", alice, "{\"actions\":[{\"tweak\":\"x\"}]}").status())
                    .isEqualTo(400);
            assertThat(http.call("PUT", "/pushrules/global/override/x", alice, "{\"actions\":[],\"conditions\":[{\"key\":\"type\"}]}")
                    .status()).isEqualTo(400);
            // none of the refused rules was stored
            JsonNode all = http.call("GET", "/pushrules/", alice, null).body().path("global");
            assertThat(all.findValuesAsText("rule_id")).containsExactly("cake");
            assertThat(http.call("GET", "/pushrules/global/content/cake/actions", alice, null).body().path("actions").get(0).asText())
                    .isEqualTo("notify");
        }
    }
}
