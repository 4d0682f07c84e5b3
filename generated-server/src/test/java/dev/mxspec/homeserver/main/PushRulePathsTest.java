package dev.mxspec.homeserver.main;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
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
        try (Homeserver server = TestServers.start(backend, dir, config -> config)) {
            JsonHttp http = new JsonHttp(server.port());
            String alice = http.register("alice", "alice-password");
            String rule = "{\"actions\":[\"notify\",{\"set_tweak\":\"sound\",\"value\":\"default\"}],\"pattern\":\"cake\"}";
            assertThat(http.call("PUT", "/pushrules/global/content/cake", alice, rule).status()).isEqualTo(200);

            for (String path : List.of("/pushrules", "/pushrules/")) {
                assertThat(http.call("GET", path, alice, null).body().path("global").path("content").findValuesAsText("rule_id"))
                        .as(path).containsExactly("cake", ".m.rule.contains_user_name");
            }
            for (String path : List.of("/pushrules/global", "/pushrules/global/")) {
                JsonNode global = http.call("GET", path, alice, null).body();
                assertThat(global.path("content").findValuesAsText("rule_id")).as(path).containsExactly("cake", ".m.rule.contains_user_name");
                assertThat(global.has("override")).isTrue();
            }
            for (String path : List.of("/pushrules/global/content", "/pushrules/global/content/")) {
                JsonNode content = http.call("GET", path, alice, null).body();
                assertThat(content.isArray()).as(path).isTrue();
                assertThat(content.findValuesAsText("rule_id")).containsExactly("cake", ".m.rule.contains_user_name");
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
            // the server's rules: listed, can be disabled and given other actions, not deleted nor used as a position
            JsonNode defaults = http.call("GET", "/pushrules/", alice, null).body().path("global");
            assertThat(defaults.path("override").get(0).path("rule_id").asText()).isEqualTo(".m.rule.master");
            assertThat(defaults.path("underride").findValuesAsText("rule_id")).containsExactly(".m.rule.call", ".m.rule.encrypted_room_one_to_one",
                    ".m.rule.room_one_to_one", ".m.rule.message", ".m.rule.encrypted");
            assertThat(http.call("PUT", "/pushrules/global/underride/.m.rule.message/enabled", alice, "{\"enabled\":false}").status())
                    .isEqualTo(200);
            assertThat(http.call("PUT", "/pushrules/global/underride/.m.rule.message/actions", alice, "{\"actions\":[]}").status())
                    .isEqualTo(200);
            JsonNode message = http.call("GET", "/pushrules/global/underride/.m.rule.message", alice, null).body();
            assertThat(message.path("enabled").asBoolean()).isFalse();
            assertThat(message.path("actions").size()).isZero();
            assertThat(http.call("DELETE", "/pushrules/global/underride/.m.rule.message", alice, null).status()).isEqualTo(400);
            assertThat(http.call("DELETE", "/pushrules/global/underride/.m.rule.nonesuch", alice, null).status()).isEqualTo(404);
            assertThat(http.call("PUT", "/pushrules/global/underride/mine?before=.m.rule.message", alice, "{\"actions\":[]}").status())
                    .isEqualTo(400);
            assertThat(http.call("PUT", "/pushrules/global/override/.m.rule.fake", alice, "{\"actions\":[]}").status()).isEqualTo(400);
            // a user's override comes after the master rule and before the server's other overrides
            assertThat(http.call("PUT", "/pushrules/global/override/mute", alice, "{\"actions\":[],\"conditions\":[]}").status())
                    .isEqualTo(200);
            assertThat(http.call("GET", "/pushrules/global/override", alice, null).body().findValuesAsText("rule_id").subList(0, 3))
                    .containsExactly(".m.rule.master", "mute", ".m.rule.suppress_notices");
            http.call("DELETE", "/pushrules/global/override/mute", alice, null);

            // none of the refused rules was stored
            JsonNode all = http.call("GET", "/pushrules/", alice, null).body().path("global");
            assertThat(all.findValuesAsText("rule_id").stream().filter(id -> !id.startsWith("."))).containsExactly("cake");
            assertThat(http.call("GET", "/pushrules/global/content/cake/actions", alice, null).body().path("actions").get(0).asText())
                    .isEqualTo("notify");
        }
    }
}
