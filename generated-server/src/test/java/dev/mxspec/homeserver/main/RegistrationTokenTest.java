package dev.mxspec.homeserver.main;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.services.RegistrationTokens;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Registration that takes a token (m.login.registration_token): the flow, uses counted, expiry, validity, the commands. */
class RegistrationTokenTest {

    @TempDir
    Path dir;

    private JsonHttp http;

    private JsonHttp.Reply register(String name, String auth) throws Exception {
        return http.call("POST", "/register", null, "{\"username\":\"" + name + "\",\"password\":\"" + name + "-password\""
                + (auth == null ? "" : ",\"auth\":" + auth) + "}");
    }

    private boolean valid(String token) throws Exception {
        return http.callV1("GET", "/register/m.login.registration_token/validity?token=" + token, null).body().path("valid").asBoolean();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aTokenForOneUseRegistersOnePersonAndThenNoMore(String backend) throws Exception {
        try (Homeserver server = TestServers.start(backend, dir, c -> c.withRegistrationRequiringToken(true))) {
            http = new JsonHttp(server.port());
            RegistrationTokens tokens = new RegistrationTokens(server.storage(), System::currentTimeMillis);
            String once = tokens.create(Optional.of("tea-once"), Optional.of(1L), Optional.empty()).token();
            String expired = tokens.create(Optional.empty(), Optional.empty(), Optional.of(1L)).token();
            Thread.sleep(5);

            JsonHttp.Reply first = register("alice", null);
            assertThat(first.status()).isEqualTo(401);
            assertThat(first.body().path("flows").get(0).path("stages").toString())
                    .isEqualTo("[\"m.login.registration_token\",\"m.login.dummy\"]");
            String session = first.body().path("session").asText();
            JsonHttp.Reply dummyOnly = register("alice", "{\"type\":\"m.login.dummy\",\"session\":\"" + session + "\"}");
            assertThat(dummyOnly.status()).as("the token stage is still to do").isEqualTo(401);
            assertThat(dummyOnly.body().path("completed").toString()).isEqualTo("[\"m.login.dummy\"]");

            JsonHttp.Reply wrong = register("alice", "{\"type\":\"m.login.registration_token\",\"token\":\"guess\",\"session\":\"" + session + "\"}");
            assertThat(wrong.status()).isEqualTo(401);
            assertThat(wrong.body().path("errcode").asText()).isEqualTo("M_FORBIDDEN");
            JsonHttp.Reply old = register("alice", "{\"type\":\"m.login.registration_token\",\"token\":\"" + expired + "\",\"session\":\""
                    + session + "\"}");
            assertThat(old.body().path("errcode").asText()).as("an expired token").isEqualTo("M_FORBIDDEN");
            assertThat(valid(once)).isTrue();
            assertThat(valid(expired)).isFalse();
            assertThat(valid("no$such")).isFalse();

            // bob starts with the token; while his registration is in progress, nobody else can use it
            String bobSession = register("bob", null).body().path("session").asText();
            JsonHttp.Reply bobToken = register("bob", "{\"type\":\"m.login.registration_token\",\"token\":\"" + once + "\",\"session\":\""
                    + bobSession + "\"}");
            assertThat(bobToken.status()).isEqualTo(401);
            assertThat(bobToken.body().path("completed").toString()).contains("m.login.registration_token");
            assertThat(valid(once)).as("its one use is in progress").isFalse();
            JsonHttp.Reply meanwhile = register("alice", "{\"type\":\"m.login.registration_token\",\"token\":\"" + once + "\",\"session\":\""
                    + session + "\"}");
            assertThat(meanwhile.body().path("errcode").asText()).isEqualTo("M_FORBIDDEN");

            JsonHttp.Reply bob = register("bob", "{\"type\":\"m.login.dummy\",\"session\":\"" + bobSession + "\"}");
            assertThat(bob.status()).as(bob.body().toString()).isEqualTo(200);
            assertThat(bob.body().path("user_id").asText()).isEqualTo("@bob:localhost");
            var kept = server.storage().registrationToken(once).orElseThrow();
            assertThat(kept.completed()).isEqualTo(1);
            assertThat(kept.pending()).isZero();
            assertThat(register("bob", "{\"type\":\"m.login.dummy\",\"session\":\"" + bobSession + "\"}").status())
                    .as("a retry answers the same user and uses nothing more").isEqualTo(200);
            assertThat(server.storage().registrationToken(once).orElseThrow().completed()).isEqualTo(1);
            JsonHttp.Reply noToken = register("alice", "{\"type\":\"m.login.registration_token\",\"session\":\"" + session + "\"}");
            assertThat(noToken.status()).as("no token given").isEqualTo(400);
            assertThat(noToken.body().path("errcode").asText()).isEqualTo("M_MISSING_PARAM");
        }
    }

    @Test
    void validityIsRefusedWhenRegistrationIsClosedAndTheCommandsMakeAndListTokens() throws Exception {
        try (Homeserver server = TestServers.start("sqlite", dir, c -> c.withRegistrationRequiringToken(true))) {
            http = new JsonHttp(server.port());
            assertThat(valid("anything")).isFalse();
        }
        Path config = Files.writeString(dir.resolve("homeserver.yaml"), "data_dir: " + dir.resolve("data") + "\nregistration: false\nport: -1\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(Main.run(new String[] {"create-registration-token", "--config", config.toString(), "--uses", "2"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))).isZero();
        String made = out.toString(StandardCharsets.UTF_8).strip();
        assertThat(made).matches("[A-Za-z0-9]{16}");
        assertThat(Main.run(new String[] {"create-registration-token", "--config", config.toString(), "--token", "bad token!"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("1 to 64 characters");
        out.reset();
        Main.run(new String[] {"list-registration-tokens", "--config", config.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(out.toString(StandardCharsets.UTF_8)).contains(made + "  valid  pending 0, completed 0, allowed 2, expires never");

        try (Homeserver closed = Homeserver.start(dev.mxspec.homeserver.core.ServerConfig.read(config).withRegistrationRequiringToken(true))) {
            http = new JsonHttp(closed.port());
            JsonHttp.Reply r = http.callV1("GET", "/register/m.login.registration_token/validity?token=" + made, null);
            assertThat(r.status()).isEqualTo(403);
            assertThat(r.body().path("errcode").asText()).isEqualTo("M_FORBIDDEN");
        }
    }
}
