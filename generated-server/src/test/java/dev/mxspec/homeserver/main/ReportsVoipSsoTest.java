package dev.mxspec.homeserver.main;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.core.TurnSettings;
import dev.mxspec.homeserver.storage.ReportStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Reporting content, TURN credentials and the SSO redirects of a server without SSO, with their refusals. */
class ReportsVoipSsoTest {

    @TempDir
    Path dir;

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aMemberReportsWhatHeSeesAndOnlyThat(String backend) throws Exception {
        try (Homeserver server = TestServers.start(backend, dir, c -> c)) {
            JsonHttp http = new JsonHttp(server.port());
            String alice = http.register("alice", "alice-password");
            String bob = http.register("bob", "bob-password");
            String eve = http.register("eve", "eve-password");
            String room = http.call("POST", "/createRoom", alice, "{\"preset\":\"private_chat\"}").body().path("room_id").asText();
            String other = http.call("POST", "/createRoom", eve, "{}").body().path("room_id").asText();
            http.call("POST", "/rooms/" + enc(room) + "/invite", alice, "{\"user_id\":\"@bob:localhost\"}");
            http.call("POST", "/join/" + enc(room), bob, "{}");
            String abuse = http.call("PUT", "/rooms/" + enc(room) + "/send/m.room.message/t1", alice, "{\"msgtype\":\"m.text\",\"body\":\"rude\"}")
                    .body().path("event_id").asText();
            String evesOwn = http.call("PUT", "/rooms/" + enc(other) + "/send/m.room.message/t1", eve, "{\"msgtype\":\"m.text\",\"body\":\"x\"}")
                    .body().path("event_id").asText();
            String report = "/rooms/" + enc(room) + "/report/" + enc(abuse);

            JsonHttp.Reply ok = http.call("POST", report, bob, "{\"score\":-80,\"reason\":\"rude\\nreally\"}");
            assertThat(ok.status()).isEqualTo(200);
            assertThat(ok.body().size()).isZero();
            assertThat(http.call("POST", report, bob, "{}").status()).as("score and reason are optional").isEqualTo(200);

            assertThat(http.call("POST", report, eve, "{\"reason\":\"x\"}")).as("an event of a room eve is not in")
                    .satisfies(r -> assertErr(r, 404, "M_NOT_FOUND"));
            assertThat(http.call("POST", "/rooms/" + enc(room) + "/report/" + enc(evesOwn), bob, "{}")).as("an event of another room")
                    .satisfies(r -> assertErr(r, 404, "M_NOT_FOUND"));
            assertThat(http.call("POST", "/rooms/" + enc(room) + "/report/" + enc("$nothere"), bob, "{}"))
                    .satisfies(r -> assertErr(r, 404, "M_NOT_FOUND"));
            assertThat(http.call("POST", report, bob, "{\"score\":-101}")).satisfies(r -> assertErr(r, 400, "M_INVALID_PARAM"));
            assertThat(http.call("POST", report, bob, "{\"score\":5}")).satisfies(r -> assertErr(r, 400, "M_INVALID_PARAM"));
            assertThat(http.call("POST", report, bob, "{\"reason\":\"" + "x".repeat(5000) + "\"}"))
                    .satisfies(r -> assertErr(r, 400, "M_INVALID_PARAM"));
            for (String bad : List.of("null", "[]", "\"x\"", "{\"score\":\"high\"}", "{\"reason\":7}", "{")) {
                JsonHttp.Reply r = http.call("POST", report, bob, bad);
                assertThat(r.status()).as(bad).isEqualTo(400);
                assertThat(r.body().path("errcode").asText()).as(bad).isIn("M_BAD_JSON", "M_NOT_JSON", "M_INVALID_PARAM");
            }
            assertThat(http.call("POST", report, null, "{}")).satisfies(r -> assertErr(r, 401, "M_MISSING_TOKEN"));

            List<ReportStore.EventReport> kept = server.storage().reports(0, 10);
            assertThat(kept).hasSize(2);
            assertThat(kept.getFirst().reporter()).isEqualTo("@bob:localhost");
            assertThat(kept.getFirst().eventId()).isEqualTo(abuse);
            assertThat(kept.getFirst().score()).contains(-80L);
            assertThat(kept.getFirst().reason()).contains("rude\nreally");
            assertThat(kept.get(1).score()).isEmpty();
            assertThat(kept.get(1).reportId()).isGreaterThan(kept.getFirst().reportId());
        }
        if (backend.equals("sqlite")) { // the operators' command reads the same database
            Path config = Files.writeString(dir.resolve("homeserver.yaml"), "data_dir: " + dir.resolve("data") + "\n");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int code = Main.run(new String[] {"list-reports", "--config", config.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            String printed = out.toString(StandardCharsets.UTF_8);
            assertThat(code).isZero();
            assertThat(printed).contains("#1 ").contains("@bob:localhost reported $").contains("(score -80): rude really").endsWith("2 reports\n");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite"})
    void turnCredentialsAreCoturnsRestCredentials(String backend) throws Exception {
        TurnSettings turn = new TurnSettings(List.of("turn:turn.example.org:3478?transport=udp", "turns:turn.example.org:5349"),
                Optional.of("coturn-secret"), Optional.empty(), Optional.empty(), 120_000);
        try (Homeserver server = TestServers.start(backend, dir, c -> c.withTurn(turn))) {
            JsonHttp http = new JsonHttp(server.port());
            String alice = http.register("alice", "alice-password");
            long before = System.currentTimeMillis() / 1000;

            JsonNode creds = http.call("GET", "/voip/turnServer", alice, null).body();

            assertThat(creds.path("uris")).hasSize(2);
            assertThat(creds.path("ttl").asLong()).isEqualTo(120);
            String[] username = creds.path("username").asText().split(":", 2);
            assertThat(username[1]).isEqualTo("@alice:localhost");
            assertThat(Long.parseLong(username[0])).isBetween(before + 120, System.currentTimeMillis() / 1000 + 120);
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec("coturn-secret".getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            assertThat(creds.path("password").asText()).isEqualTo(Base64.getEncoder().encodeToString(
                    mac.doFinal(creds.path("username").asText().getBytes(StandardCharsets.UTF_8))));
            assertThat(http.call("GET", "/voip/turnServer", null, null)).satisfies(r -> assertErr(r, 401, "M_MISSING_TOKEN"));
            assertThat(http.call("GET", "/voip/turnServer", "syt_nope", null)).satisfies(r -> assertErr(r, 401, "M_UNKNOWN_TOKEN"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite"})
    void withoutATurnServerNoUrisAndFixedCredentialsWhenGiven(String backend) throws Exception {
        try (Homeserver server = TestServers.start(backend, dir, c -> c)) {
            JsonHttp http = new JsonHttp(server.port());
            JsonNode none = http.call("GET", "/voip/turnServer", http.register("alice", "alice-password"), null).body();
            assertThat(none.path("uris")).isEmpty();
            assertThat(none.path("password").asText()).isEmpty();
        }
        TurnSettings fixed = new TurnSettings(List.of("turn:10.0.0.1:3478"), Optional.empty(), Optional.of("calls"), Optional.of("pw"), 0);
        try (Homeserver server = TestServers.start(backend, dir.resolve("b"), c -> c.withTurn(fixed))) {
            JsonHttp http = new JsonHttp(server.port());
            JsonNode creds = http.call("GET", "/voip/turnServer", http.register("alice", "alice-password"), null).body();
            assertThat(creds.path("username").asText()).isEqualTo("calls");
            assertThat(creds.path("password").asText()).isEqualTo("pw");
            assertThat(creds.path("ttl").asLong()).isEqualTo(3600);
        }
        assertThat(fixed.toString()).doesNotContain("pw");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new TurnSettings(List.of("http://x"), Optional.of("s"), Optional.empty(),
                Optional.empty(), 0)).hasMessageContaining("turn.uris");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new TurnSettings(List.of("turn:x"), Optional.empty(), Optional.empty(),
                Optional.empty(), 0)).hasMessageContaining("shared_secret");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite"})
    void ssoRedirectsOfAServerWithoutSsoAreNotFoundAndNeverRedirect(String backend) throws Exception {
        try (Homeserver server = TestServers.start(backend, dir, c -> c)) {
            JsonHttp http = new JsonHttp(server.port());
            assertThat(http.call("GET", "/login", null, null).body().toString()).doesNotContain("m.login.sso");
            assertThat(http.call("GET", "/login/sso/redirect?redirectUrl=" + enc("https://evil.example/"), null, null))
                    .satisfies(r -> assertErr(r, 404, "M_NOT_FOUND"));
            assertThat(http.call("GET", "/login/sso/redirect/github?redirectUrl=" + enc("https://evil.example/"), null, null))
                    .satisfies(r -> assertErr(r, 404, "M_NOT_FOUND"));
            assertThat(http.call("GET", "/login/sso/redirect", null, null)).satisfies(r -> assertErr(r, 400, "M_MISSING_PARAM"));
        }
    }

    private static void assertErr(JsonHttp.Reply r, int status, String errcode) {
        assertThat(r.status()).as(r.body().toString()).isEqualTo(status);
        assertThat(r.body().path("errcode").asText()).isEqualTo(errcode);
    }
}
