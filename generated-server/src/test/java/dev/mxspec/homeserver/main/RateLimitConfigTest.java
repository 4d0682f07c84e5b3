package dev.mxspec.homeserver.main;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mxspec.homeserver.core.RateLimits;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The rate limits follow the configuration: tightened, left at their defaults, or switched off. */
class RateLimitConfigTest {

    @TempDir
    Path dir;

    private static String register(JsonHttp http, String name) throws Exception {
        JsonHttp.Reply r = http.call("POST", "/register", null, "{\"username\":\"" + name + "\",\"password\":\"correct horse battery\","
                + "\"auth\":{\"type\":\"m.login.dummy\"}}");
        return r.status() + " " + r.body().path("errcode").asText("-");
    }

    private static List<String> registerMany(JsonHttp http, String prefix, int count) throws Exception {
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            answers.add(register(http, prefix + i));
        }
        return answers;
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void registrationIsLimitedByDefaultAndNotWhenSwitchedOff(String backend) throws Exception {
        try (Homeserver limited = TestServers.start(backend, dir.resolve("limited"), c -> c)) {
            assertThat(registerMany(new JsonHttp(limited.port()), "a", 30)).contains("429 M_LIMIT_EXCEEDED");
        }
        try (Homeserver open = TestServers.start(backend, dir.resolve("open"),
                c -> c.withRateLimits(RateLimits.defaults().withRegistration(RateLimits.Limit.off())))) {
            assertThat(registerMany(new JsonHttp(open.port()), "b", 30)).containsOnly("200 -");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void loginAndSendLimitsTakeTheirConfiguredBurst(String backend) throws Exception {
        RateLimits limits = RateLimits.defaults().withLogin(new RateLimits.Limit(0.001, 2.0)).withSends(new RateLimits.Limit(0.001, 3.0));
        try (Homeserver server = TestServers.start(backend, dir, c -> c.withRateLimits(limits))) {
            JsonHttp http = new JsonHttp(server.port());
            String token = http.register("ann", "correct horse battery");
            String roomId = http.call("POST", "/createRoom", token, "{}").body().path("room_id").asText();
            List<String> logins = new ArrayList<>();
            List<String> sends = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                JsonHttp.Reply r = http.call("POST", "/login", null, "{\"type\":\"m.login.password\",\"identifier\":{\"type\":\"m.id.user\","
                        + "\"user\":\"ann\"},\"password\":\"correct horse battery\"}");
                logins.add(r.status() + " " + r.body().path("errcode").asText("-"));
            }
            for (int i = 0; i < 4; i++) {
                JsonHttp.Reply r = http.call("PUT", "/rooms/" + roomId + "/send/m.room.message/t" + i, token, "{\"msgtype\":\"m.text\",\"body\":\"hi\"}");
                sends.add(r.status() + " " + r.body().path("errcode").asText("-"));
            }

            assertThat(logins).containsExactly("200 -", "200 -", "429 M_LIMIT_EXCEEDED");
            assertThat(sends).containsExactly("200 -", "200 -", "200 -", "429 M_LIMIT_EXCEEDED");
        }
    }
}
