package dev.mxspec.homeserver.main;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.runtime.json.MatrixJson;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * User-interactive authentication: the 401 of the flows (also for a failed stage and an empty
 * body), sessions that remember their first request, completed registrations retried,
 * {@code inhibit_login}, passwords compared in NFKC, and sessions used by the wrong user, for
 * another operation, or with a stage that was not completed.
 */
class InteractiveAuthTest {

    @TempDir
    Path dir;

    private SyncClient c;

    @AfterEach
    void stop() {
        if (c != null) {
            c.server.close();
        }
    }

    private static String passwordAuth(String user, String password, String session) {
        return "{\"type\":\"m.login.password\",\"identifier\":{\"type\":\"m.id.user\",\"user\":\"" + user + "\"},\"password\":\""
                + password + "\"" + (session == null ? "" : ",\"session\":\"" + session + "\"") + "}";
    }

    private String login(String user, String password, String deviceId) throws Exception {
        return SyncClient.ok(c.http.call("POST", "/login", null, "{\"type\":\"m.login.password\",\"identifier\":{\"type\":\"m.id.user\","
                + "\"user\":\"" + user + "\"},\"password\":" + MatrixJson.write(MatrixJson.mapper().getNodeFactory().textNode(password))
                + (deviceId == null ? "" : ",\"device_id\":\"" + deviceId + "\"") + "}")).path("access_token").asText();
    }

    private List<String> devices(String token) throws Exception {
        return SyncClient.field(SyncClient.ok(c.http.call("GET", "/devices", token, null)).path("devices"), "/device_id");
    }

    /** Asserts the 401 of the password flow and returns its session. */
    private static String challenge(JsonHttp.Reply reply, String errcode, List<String> completed) {
        assertThat(reply.status()).as(reply.body().toString()).isEqualTo(401);
        JsonNode body = reply.body();
        assertThat(body.path("flows").get(0).path("stages").get(0).asText()).isIn("m.login.password", "m.login.dummy");
        assertThat(body.path("session").asText()).isNotEmpty();
        assertThat(SyncClient.strings(body.path("completed"))).containsExactlyElementsOf(completed);
        if (errcode == null) {
            assertThat(body.has("errcode")).isFalse();
        } else {
            assertThat(body.path("errcode").asText()).isEqualTo(errcode);
            assertThat(body.path("error").asText()).isNotEmpty();
        }
        return body.path("session").asText();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void failedStagesAndEmptyBodiesGetTheFlows(String backend) throws Exception {
        c = new SyncClient(backend, dir);
        String alice = c.http.register("alice", "alice-password");
        login("alice", "alice-password", "PHONE");
        login("alice", "alice-password", "TABLET");
        challenge(c.http.call("DELETE", "/devices/PHONE", alice, null), null, List.of());
        String bulk = challenge(c.http.call("POST", "/delete_devices", alice, null), null, List.of());
        assertThat(SyncClient.ok(c.http.call("POST", "/delete_devices", alice, "{\"devices\":[\"TABLET\"],\"auth\":"
                + passwordAuth("alice", "alice-password", bulk) + "}")).isEmpty()).as("the session of the empty request goes on").isTrue();
        assertThat(devices(alice)).doesNotContain("TABLET");
        challenge(c.http.call("DELETE", "/devices/PHONE", alice, "{}"), null, List.of());
        JsonHttp.Reply wrong = c.http.call("DELETE", "/devices/PHONE", alice, "{\"auth\":" + passwordAuth("alice", "wrong-password", null) + "}");
        String session = challenge(wrong, "M_FORBIDDEN", List.of());
        JsonHttp.Reply again = c.http.call("DELETE", "/devices/PHONE", alice,
                "{\"auth\":" + passwordAuth("alice", "wrong-again", session) + "}");
        assertThat(challenge(again, "M_FORBIDDEN", List.of())).isEqualTo(session);
        assertThat(devices(alice)).contains("PHONE");
        JsonHttp.Reply right = c.http.call("DELETE", "/devices/PHONE", alice,
                "{\"auth\":" + passwordAuth("@alice:localhost", "alice-password", session) + "}");
        assertThat(right.status()).isEqualTo(200);
        assertThat(devices(alice)).doesNotContain("PHONE");
        JsonHttp.Reply missing = c.http.call("DELETE", "/devices/PHONE", null, null);
        assertThat(missing.status()).isEqualTo(401);
        assertThat(missing.body().path("errcode").asText()).as("no token: no flows").isEqualTo("M_MISSING_TOKEN");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void registrationSessionRemembersItsFirstRequestAndAnswersRetriesWithTheSameUser(String backend) throws Exception {
        c = new SyncClient(backend, dir);
        JsonHttp.Reply first = c.http.call("POST", "/register", null, "{\"username\":\"carol\",\"password\":\"carol-password\","
                + "\"device_id\":\"CAROLPHONE\",\"initial_device_display_name\":\"Carol's phone\"}");
        String session = challenge(first, null, List.of());
        String resume = "{\"auth\":{\"type\":\"m.login.dummy\",\"session\":\"" + session + "\"}}";
        JsonNode done = SyncClient.ok(c.http.call("POST", "/register", null, resume));
        assertThat(done.path("user_id").asText()).isEqualTo("@carol:localhost");
        assertThat(done.path("device_id").asText()).isEqualTo("CAROLPHONE");
        String token = done.path("access_token").asText();
        assertThat(SyncClient.ok(c.http.call("GET", "/devices/CAROLPHONE", token, null)).path("display_name").asText())
                .isEqualTo("Carol's phone");
        assertThat(login("carol", "carol-password", null)).as("the password of the first request").isNotEmpty();

        JsonNode retried = SyncClient.ok(c.http.call("POST", "/register", null, resume));
        assertThat(retried.path("user_id").asText()).as("the same user, not a second account").isEqualTo("@carol:localhost");
        assertThat(SyncClient.ok(c.http.call("GET", "/account/whoami", retried.path("access_token").asText(), null))
                .path("user_id").asText()).isEqualTo("@carol:localhost");
        JsonHttp.Reply sessionOnly = c.http.call("POST", "/register", null, "{\"auth\":{\"session\":\"" + session + "\"}}");
        assertThat(sessionOnly.status()).as("completed stages are not asked again").isEqualTo(200);

        String other = challenge(c.http.call("POST", "/register", null, "{\"username\":\"dan\",\"password\":\"dan-password\"}"), null,
                List.of());
        JsonHttp.Reply changed = c.http.call("POST", "/register", null, "{\"username\":\"mallory\",\"password\":\"dan-password\","
                + "\"auth\":{\"type\":\"m.login.dummy\",\"session\":\"" + other + "\"}}");
        assertThat(changed.status()).isEqualTo(403);
        assertThat(changed.body().path("errcode").asText()).isEqualTo("M_FORBIDDEN");
        assertThat(c.http.call("GET", "/register/available?username=mallory", null, null).status()).isEqualTo(200);
        JsonHttp.Reply unknown = c.http.call("POST", "/register", null, "{\"auth\":{\"type\":\"m.login.dummy\",\"session\":\"made-up\"}}");
        assertThat(unknown.status()).isEqualTo(400);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void inhibitLoginRegistersWithoutADevice(String backend) throws Exception {
        c = new SyncClient(backend, dir);
        JsonNode body = SyncClient.ok(c.http.call("POST", "/register", null, "{\"username\":\"erin\",\"password\":\"erin-password\","
                + "\"inhibit_login\":true,\"device_id\":\"NEVER\",\"auth\":{\"type\":\"m.login.dummy\"}}"));
        assertThat(body.path("user_id").asText()).isEqualTo("@erin:localhost");
        assertThat(body.has("access_token") || body.has("device_id")).isFalse();
        JsonNode nameless = SyncClient.ok(c.http.call("POST", "/register", null, "{\"password\":\"some-password\",\"inhibit_login\":true,"
                + "\"auth\":{\"type\":\"m.login.dummy\"}}"));
        assertThat(nameless.path("user_id").asText()).startsWith("@u").endsWith(":localhost");
        assertThat(devices(login("erin", "erin-password", "LATER"))).containsExactly("LATER");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void passwordsAreComparedInNfkc(String backend) throws Exception {
        c = new SyncClient(backend, dir);
        String composed = "p\u00e5ssw\u00f6rd-\ufb01";          // å, ö precomposed, the "fi" ligature
        String decomposed = "pa\u030asswo\u0308rd-fi";           // combining ring and diaeresis, plain "fi"
        String token = SyncClient.ok(c.http.call("POST", "/register", null, "{\"username\":\"frank\",\"password\":\"" + composed
                + "\",\"auth\":{\"type\":\"m.login.dummy\"}}")).path("access_token").asText();
        assertThat(login("frank", decomposed, null)).isNotEmpty();
        String newPassword = "n\u00e9w-p\u00e4ssword";
        JsonHttp.Reply change = c.http.call("POST", "/account/password", token, "{\"new_password\":\"ne\u0301w-pa\u0308ssword\","
                + "\"logout_devices\":false,\"auth\":" + passwordAuth("frank", decomposed, null) + "}");
        assertThat(change.status()).as(change.body().toString()).isEqualTo(200);
        assertThat(login("frank", newPassword, null)).isNotEmpty();
        assertThat(c.http.call("POST", "/login", null, "{\"type\":\"m.login.password\",\"identifier\":{\"type\":\"m.id.user\","
                + "\"user\":\"frank\"},\"password\":\"" + composed + "\"}").status()).isEqualTo(403);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void sessionsServeOnlyTheirUserTheirOperationAndTheStagesDone(String backend) throws Exception {
        c = new SyncClient(backend, dir);
        String alice = c.http.register("alice", "alice-password");
        String bob = c.http.register("bob", "bob-password");
        login("alice", "alice-password", "ONE");
        login("alice", "alice-password", "TWO");
        login("bob", "bob-password", "ONE");
        String session = challenge(c.http.call("DELETE", "/devices/ONE", alice, "{}"), null, List.of());

        JsonHttp.Reply dummy = c.http.call("DELETE", "/devices/ONE", alice, "{\"auth\":{\"type\":\"m.login.dummy\",\"session\":\""
                + session + "\"}}");
        challenge(dummy, null, List.of());
        JsonHttp.Reply claimed = c.http.call("DELETE", "/devices/ONE", alice, "{\"auth\":{\"session\":\"" + session + "\","
                + "\"completed\":[\"m.login.password\"]}}");
        challenge(claimed, null, List.of());
        assertThat(devices(alice)).contains("ONE");

        JsonHttp.Reply bobWithAlices = c.http.call("DELETE", "/devices/ONE", bob, "{\"auth\":" + passwordAuth("bob", "bob-password", session)
                + "}");
        assertThat(bobWithAlices.status()).isEqualTo(403);
        assertThat(bobWithAlices.body().path("errcode").asText()).isEqualTo("M_FORBIDDEN");
        JsonHttp.Reply asBob = c.http.call("DELETE", "/devices/ONE", alice, "{\"auth\":" + passwordAuth("bob", "bob-password", session) + "}");
        assertThat(asBob.status()).as("alice authenticating as bob").isEqualTo(403);
        assertThat(devices(bob)).contains("ONE");

        assertThat(c.http.call("DELETE", "/devices/ONE", alice, "{\"auth\":" + passwordAuth("alice", "alice-password", session) + "}")
                .status()).isEqualTo(200);
        JsonHttp.Reply reused = c.http.call("DELETE", "/devices/TWO", alice, "{\"auth\":{\"session\":\"" + session + "\"}}");
        assertThat(reused.status()).as("a completed session for another operation").isEqualTo(403);
        JsonHttp.Reply password = c.http.call("POST", "/account/password", alice, "{\"new_password\":\"hijacked-password\","
                + "\"auth\":{\"type\":\"m.login.password\",\"session\":\"" + session + "\"}}");
        assertThat(password.status()).isEqualTo(403);
        assertThat(devices(alice)).contains("TWO").doesNotContain("ONE");
        assertThat(login("alice", "alice-password", null)).isNotEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void passwordGuessesAreRateLimited(String backend) throws Exception {
        c = new SyncClient(backend, dir);
        String alice = c.http.register("alice", "alice-password");
        int status = 401;
        for (int i = 0; i < 15 && status == 401; i++) {
            status = c.http.call("POST", "/account/password", alice, "{\"new_password\":\"guessed-password\",\"auth\":"
                    + passwordAuth("alice", "guess-" + i, null) + "}").status();
        }
        assertThat(status).as("failed stages count against the account like failed logins").isEqualTo(429);
        assertThat(c.http.call("POST", "/account/password", alice, "{\"new_password\":\"guessed-password\",\"auth\":"
                + passwordAuth("alice", "alice-password", null) + "}").status()).as("even the right password, for a while").isEqualTo(429);
    }
}
