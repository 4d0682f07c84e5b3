package dev.mxspec.homeserver.main;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mxspec.homeserver.core.RateLimits;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Password guessing over HTTP: an unknown user is answered like a wrong password, in about the same
 * time; a few failures for one account (existing or not) lock that account for a while, not the
 * others, and a successful login clears the count.
 */
class LoginProtectionTest {

    private static final String PASSWORD = "correct horse battery";

    @TempDir
    Path dir;

    private static String login(String user, String password) {
        return "{\"type\":\"m.login.password\",\"identifier\":{\"type\":\"m.id.user\",\"user\":\"" + user + "\"},\"password\":\"" + password + "\"}";
    }

    private static String answer(JsonHttp.Reply r) {
        return r.status() + " " + r.body().path("errcode").asText("-");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void anUnknownUserGetsTheAnswerOfAWrongPasswordInComparableTime(String backend) throws Exception {
        try (Homeserver server = TestServers.start(backend, dir, c -> c.withRateLimits(RateLimits.none()))) {
            JsonHttp http = new JsonHttp(server.port());
            http.register("ann", PASSWORD);
            List<Long> wrong = new ArrayList<>();
            List<Long> unknown = new ArrayList<>();
            JsonHttp.Reply wrongReply = null;
            JsonHttp.Reply unknownReply = null;
            for (int i = 0; i < 9; i++) { // interleaved, so that a slow moment of the machine hits both
                long start = System.nanoTime();
                wrongReply = http.call("POST", "/login", null, login("ann", "wrong password"));
                wrong.add(System.nanoTime() - start);
                start = System.nanoTime();
                unknownReply = http.call("POST", "/login", null, login("nobody" + i, "wrong password"));
                unknown.add(System.nanoTime() - start);
            }
            wrong.sort(null);
            unknown.sort(null);

            assertThat(unknownReply.status()).isEqualTo(403);
            assertThat(unknownReply.body()).isEqualTo(wrongReply.body());
            // both do one Argon2 verification (PasswordLoginTest counts them); without it the unknown user took a sixth of the time
            assertThat((double) unknown.get(4) / wrong.get(4)).isGreaterThan(0.5);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void failedLoginsLockOneAccountForAWhileAndASuccessClearsThem(String backend) throws Exception {
        RateLimits limits = RateLimits.defaults().withLogin(RateLimits.Limit.off()).withLoginFailures(new RateLimits.Limit(0.001, 3.0));
        try (Homeserver server = TestServers.start(backend, dir, c -> c.withRateLimits(limits))) {
            JsonHttp http = new JsonHttp(server.port());
            http.register("ann", PASSWORD);
            http.register("bob", PASSWORD);
            List<String> answers = new ArrayList<>();
            for (String[] attempt : List.of(new String[] {"ann", "guess1"}, new String[] {"ann", "guess2"}, new String[] {"ann", PASSWORD},
                    new String[] {"ann", "guess3"}, new String[] {"ann", "guess4"}, new String[] {"ann", "guess5"}, new String[] {"ann", PASSWORD},
                    new String[] {"bob", PASSWORD}, new String[] {"nobody", "guess1"}, new String[] {"nobody", "guess2"},
                    new String[] {"nobody", "guess3"}, new String[] {"nobody", "guess4"})) {
                answers.add(attempt[0] + " " + (attempt[1].equals(PASSWORD) ? "right" : "wrong") + ": "
                        + answer(http.call("POST", "/login", null, login(attempt[0], attempt[1]))));
            }
            JsonHttp.Reply locked = http.call("POST", "/login", null, login("ann", PASSWORD));

            assertThat(answers).containsExactly("ann wrong: 403 M_FORBIDDEN", "ann wrong: 403 M_FORBIDDEN", "ann right: 200 -",
                    "ann wrong: 403 M_FORBIDDEN", "ann wrong: 403 M_FORBIDDEN", "ann wrong: 403 M_FORBIDDEN", "ann right: 429 M_LIMIT_EXCEEDED",
                    "bob right: 200 -", "nobody wrong: 403 M_FORBIDDEN", "nobody wrong: 403 M_FORBIDDEN", "nobody wrong: 403 M_FORBIDDEN",
                    "nobody wrong: 429 M_LIMIT_EXCEEDED");
            assertThat(locked.body().path("retry_after_ms").asLong()).isBetween(900_000L, 1_000_000L);
        }
    }
}
