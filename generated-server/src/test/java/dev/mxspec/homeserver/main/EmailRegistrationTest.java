package dev.mxspec.homeserver.main;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.core.EmailSettings;
import dev.mxspec.homeserver.core.ServerConfig;
import dev.mxspec.homeserver.services.RegistrationTokens;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Registration with a validated email address ({@code m.login.email.identity}) as a client does it: the flows of the
 * 401, {@code /register/email/requestToken}, the code of the mail, the stage with {@code threepid_creds}; the address
 * becomes the new account's. Sessions of other operations, other secrets, unvalidated or used-up sessions and malformed
 * credentials are refused; {@code registration_requires_email} leaves only the email flows.
 */
class EmailRegistrationTest {

    private static final String DUMMY = "[\"m.login.dummy\"]";
    private static final String EMAIL = "[\"m.login.email.identity\"]";

    @TempDir
    Path dir;

    private TestSmtpServer smtp;
    private Homeserver server;
    private JsonHttp http;
    private ThreepidValidation validation;

    @BeforeEach
    void start() throws Exception {
        smtp = new TestSmtpServer();
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        smtp.close();
    }

    private EmailSettings email() {
        return new EmailSettings(Optional.of("127.0.0.1"), smtp.port(), Optional.empty(), Optional.empty(), false, "Matrix <noreply@localhost>", 0,
                Optional.empty(), "http", java.util.List.of());
    }

    private void server(String backend, UnaryOperator<ServerConfig> more) throws Exception {
        server = TestServers.start(backend, dir, c -> more.apply(c.withEmail(email())));
        http = new JsonHttp(server.port());
        validation = new ThreepidValidation(http, smtp);
    }

    private JsonHttp.Reply register(String name, String auth) throws Exception {
        return http.call("POST", "/register", null, "{\"username\":\"" + name + "\",\"password\":\"" + name + "-password\""
                + (auth == null ? "" : ",\"auth\":" + auth) + "}");
    }

    private static String emailStage(String sid, String secret, String session) {
        return "{\"type\":\"m.login.email.identity\",\"threepid_creds\":{\"sid\":\"" + sid + "\",\"client_secret\":\"" + secret + "\"},"
                + "\"session\":\"" + session + "\"}";
    }

    private static String flows(JsonHttp.Reply reply) {
        StringBuilder flows = new StringBuilder();
        for (JsonNode flow : reply.body().path("flows")) {
            flows.append(flow.path("stages").toString());
        }
        return flows.toString();
    }

    private static void refusedStage(JsonHttp.Reply reply, String why) {
        assertThat(reply.status()).as(why + ": " + reply.body()).isEqualTo(401);
        assertThat(reply.body().path("errcode").asText()).as(why).isEqualTo("M_UNAUTHORIZED");
        assertThat(reply.body().path("completed")).as(why).isEmpty();
    }

    private JsonNode threepids(String token) throws Exception {
        return http.call("GET", "/account/3pid", token, null).body().path("threepids");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void anAddressValidatedByMailRegistersAndBecomesTheAccounts(String backend) throws Exception {
        server(backend, c -> c);
        JsonHttp.Reply first = register("alice", null);
        assertThat(first.status()).isEqualTo(401);
        assertThat(flows(first)).isEqualTo(DUMMY + EMAIL);
        String session = first.body().path("session").asText();

        String[] mailed = validation.mailed("/register/email/requestToken", "alice-secret", "Alice@Example.org");
        refusedStage(register("alice", emailStage(mailed[0], "alice-secret", session)), "before the code was submitted");
        assertThat(validation.submit(mailed[0], "alice-secret", mailed[1]).status()).isEqualTo(200);
        refusedStage(register("alice", emailStage(mailed[0], "other-secret", session)), "another client secret");
        String otherSid = (mailed[0].charAt(0) == '0' ? "1" : "0") + mailed[0].substring(1);
        refusedStage(register("alice", emailStage(otherSid, "alice-secret", session)), "another sid");

        JsonHttp.Reply registered = register("alice", "{\"type\":\"m.login.email.identity\",\"threepidCreds\":{\"sid\":\"" + mailed[0]
                + "\",\"client_secret\":\"alice-secret\"},\"session\":\"" + session + "\"}");
        assertThat(registered.status()).as(registered.body().toString()).isEqualTo(200);
        assertThat(registered.body().path("user_id").asText()).isEqualTo("@alice:localhost");
        String alice = registered.body().path("access_token").asText();
        JsonNode listed = threepids(alice);
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).path("medium").asText()).isEqualTo("email");
        assertThat(listed.get(0).path("address").asText()).isEqualTo("alice@example.org");
        assertThat(listed.get(0).path("validated_at").asLong()).isPositive();
        JsonHttp.Reply retried = register("alice", emailStage(mailed[0], "alice-secret", session));
        assertThat(retried.body().path("user_id").asText()).as("a retry of the completed registration").isEqualTo("@alice:localhost");

        JsonHttp.Reply login = http.call("POST", "/login", null, "{\"type\":\"m.login.password\",\"identifier\":{\"type\":\"m.id.thirdparty\","
                + "\"medium\":\"email\",\"address\":\"alice@example.org\"},\"password\":\"alice-password\"}");
        assertThat(login.body().path("user_id").asText()).isEqualTo("@alice:localhost");

        // the validated session registers once
        String again = register("mallory", null).body().path("session").asText();
        refusedStage(register("mallory", emailStage(mailed[0], "alice-secret", again)), "the session again");
        assertThat(validation.requestToken("/register/email/requestToken", "m-secret", "alice@example.org", 1).body().path("errcode").asText())
                .isEqualTo("M_THREEPID_IN_USE");

        // the dummy flow still registers without an address
        String bob = http.register("bob", "bob-password");
        assertThat(threepids(bob)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void sessionsOfOtherOperationsAndMalformedCredentialsAreRefused(String backend) throws Exception {
        server(backend, c -> c);
        String owner = http.register("owner", "owner-password");
        String added = validation.validated("/account/3pid/email/requestToken", "add-secret", "owner@example.org");
        JsonHttp.Reply challenge = http.call("POST", "/account/3pid/add", owner, "{\"client_secret\":\"add-secret\",\"sid\":\"" + added + "\"}");
        JsonHttp.Reply add = http.call("POST", "/account/3pid/add", owner, "{\"client_secret\":\"add-secret\",\"sid\":\"" + added + "\",\"auth\":"
                + "{\"type\":\"m.login.password\",\"identifier\":{\"type\":\"m.id.user\",\"user\":\"owner\"},\"password\":\"owner-password\","
                + "\"session\":\"" + challenge.body().path("session").asText() + "\"}}");
        assertThat(add.status()).as(add.body().toString()).isEqualTo(200);
        String reset = validation.validated("/account/password/email/requestToken", "reset-secret", "owner@example.org");
        String forAdding = validation.validated("/account/3pid/email/requestToken", "other-add-secret", "carol@example.org");

        String session = register("carol", null).body().path("session").asText();
        refusedStage(register("carol", emailStage(forAdding, "other-add-secret", session)), "a session of 3pid/email/requestToken");
        refusedStage(register("carol", emailStage(reset, "reset-secret", session)), "a session of the password reset");
        refusedStage(register("carol", emailStage("nosuchsid", "secret", session)), "an unknown session");

        String register = validation.validated("/register/email/requestToken", "reg-secret", "carol@example.org");
        assertThat(http.call("POST", "/account/3pid/add", owner, "{\"client_secret\":\"reg-secret\",\"sid\":\"" + register + "\",\"auth\":"
                + "{\"type\":\"m.login.password\",\"identifier\":{\"type\":\"m.id.user\",\"user\":\"owner\"},\"password\":\"owner-password\"}}")
                .body().path("errcode").asText()).as("a registration's session adds no address to an account").isEqualTo("M_THREEPID_AUTH_FAILED");
        java.util.Map<String, String> malformed = java.util.Map.of("null", "M_MISSING_PARAM", "\"text\"", "M_BAD_JSON", "[]", "M_BAD_JSON",
                "{\"sid\":1,\"client_secret\":\"reg-secret\"}", "M_BAD_JSON", "{\"sid\":\"" + register + "\"}", "M_MISSING_PARAM",
                "{\"sid\":\"" + register + "\",\"client_secret\":null}", "M_MISSING_PARAM");
        for (var creds : malformed.entrySet()) {
            JsonHttp.Reply r = register("carol", "{\"type\":\"m.login.email.identity\",\"threepid_creds\":" + creds.getKey() + ",\"session\":\""
                    + session + "\"}");
            assertThat(r.status()).as(creds.getKey()).isEqualTo(400);
            assertThat(r.body().path("errcode").asText()).as(creds.getKey()).isEqualTo(creds.getValue());
        }
        JsonHttp.Reply none = register("carol", "{\"type\":\"m.login.email.identity\",\"session\":\"" + session + "\"}");
        assertThat(none.body().path("errcode").asText()).isEqualTo("M_MISSING_PARAM");
        JsonHttp.Reply badSid = register("carol", emailStage("no spaces", "reg-secret", session));
        assertThat(badSid.status()).isEqualTo(400);
        assertThat(badSid.body().path("errcode").asText()).isEqualTo("M_INVALID_PARAM");
        JsonHttp.Reply password = register("carol", "{\"type\":\"m.login.password\",\"password\":\"x\",\"session\":\"" + session + "\"}");
        assertThat(password.status()).as("a stage of no flow").isEqualTo(401);
        assertThat(password.body().path("completed")).isEmpty();

        JsonHttp.Reply carol = register("carol", emailStage(register, "reg-secret", session));
        assertThat(carol.status()).as(carol.body().toString()).isEqualTo(200);
        assertThat(threepids(carol.body().path("access_token").asText()).get(0).path("address").asText()).isEqualTo("carol@example.org");
        assertThat(threepids(owner).get(0).path("address").asText()).isEqualTo("owner@example.org");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void withATokenEachFlowStartsWithItAndAnAddressTakenMeanwhileIsRefused(String backend) throws Exception {
        server(backend, c -> c.withRegistrationRequiringToken(true));
        String token = new RegistrationTokens(server.storage(), System::currentTimeMillis).create(Optional.empty(), Optional.empty(),
                Optional.empty()).token();
        JsonHttp.Reply first = register("dave", null);
        assertThat(flows(first)).isEqualTo("[\"m.login.registration_token\",\"m.login.dummy\"][\"m.login.registration_token\","
                + "\"m.login.email.identity\"]");
        String session = first.body().path("session").asText();
        String sid = validation.validated("/register/email/requestToken", "dave-secret", "dave@example.org");
        JsonHttp.Reply emailDone = register("dave", emailStage(sid, "dave-secret", session));
        assertThat(emailDone.status()).isEqualTo(401);
        assertThat(emailDone.body().path("completed").toString()).isEqualTo(EMAIL);

        // someone else takes the address before dave's registration completes
        JsonHttp.Reply other = register("erin", null);
        String erinSession = other.body().path("session").asText();
        register("erin", "{\"type\":\"m.login.registration_token\",\"token\":\"" + token + "\",\"session\":\"" + erinSession + "\"}");
        String erinSid = validation.validated("/register/email/requestToken", "erin-secret", "dave@example.org");
        JsonHttp.Reply erin = register("erin", emailStage(erinSid, "erin-secret", erinSession));
        assertThat(erin.status()).as(erin.body().toString()).isEqualTo(200);

        JsonHttp.Reply dave = register("dave", "{\"type\":\"m.login.registration_token\",\"token\":\"" + token + "\",\"session\":\""
                + session + "\"}");
        assertThat(dave.status()).as(dave.body().toString()).isEqualTo(400);
        assertThat(dave.body().path("errcode").asText()).isEqualTo("M_THREEPID_IN_USE");
        assertThat(http.call("GET", "/register/available?username=dave", null, null).body().path("available").asBoolean())
                .as("no account made").isTrue();

        // the dummy flow with the token
        String frank = register("frank", null).body().path("session").asText();
        register("frank", "{\"type\":\"m.login.dummy\",\"session\":\"" + frank + "\"}");
        assertThat(register("frank", "{\"type\":\"m.login.registration_token\",\"token\":\"" + token + "\",\"session\":\"" + frank + "\"}")
                .status()).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void registrationsRacingForOneAddressMakeOneAccount(String backend) throws Exception {
        server(backend, c -> c);
        int racers = 4;
        String[] auth = new String[racers];
        for (int i = 0; i < racers; i++) {
            String session = register("racer" + i, null).body().path("session").asText();
            String sid = validation.validated("/register/email/requestToken", "secret-" + i, "race@example.org");
            auth[i] = emailStage(sid, "secret-" + i, session);
        }
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        java.util.List<java.util.concurrent.Future<JsonHttp.Reply>> replies = new java.util.ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(racers)) {
            for (int i = 0; i < racers; i++) {
                int racer = i;
                replies.add(pool.submit(() -> {
                    go.await();
                    return register("racer" + racer, auth[racer]);
                }));
            }
            go.countDown();
        }
        int registered = 0;
        for (int i = 0; i < racers; i++) {
            JsonHttp.Reply reply = replies.get(i).get();
            boolean available = http.call("GET", "/register/available?username=racer" + i, null, null).body().path("available").asBoolean();
            if (reply.status() == 200) {
                registered++;
                assertThat(threepids(reply.body().path("access_token").asText())).as("the winner has the address").hasSize(1);
                assertThat(available).isFalse();
            } else {
                assertThat(reply.body().path("errcode").asText()).as(reply.body().toString()).isIn("M_THREEPID_IN_USE", "M_UNAUTHORIZED");
                assertThat(available).as("racer" + i + " lost: no account without the address").isTrue();
            }
        }
        assertThat(registered).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void registrationRequiringEmailOffersOnlyTheEmailFlow(String backend) throws Exception {
        server(backend, c -> c.withRegistrationRequiringEmail(true));
        JsonHttp.Reply first = register("grace", null);
        assertThat(flows(first)).isEqualTo(EMAIL);
        String session = first.body().path("session").asText();
        JsonHttp.Reply dummy = register("grace", "{\"type\":\"m.login.dummy\",\"session\":\"" + session + "\"}");
        assertThat(dummy.status()).isEqualTo(401);
        assertThat(dummy.body().path("completed")).as("the dummy stage is in no flow").isEmpty();
        JsonHttp.Reply oneGo = register("grace", "{\"type\":\"m.login.dummy\"}");
        assertThat(oneGo.status()).isEqualTo(401);

        String sid = validation.validated("/register/email/requestToken", "grace-secret", "grace@example.org");
        JsonHttp.Reply grace = register("grace", emailStage(sid, "grace-secret", session));
        assertThat(grace.status()).as(grace.body().toString()).isEqualTo(200);
    }

    @Test
    void requiringEmailWithoutAnSmtpServerIsRefusedAndTheKeysAreInTheGeneratedConfiguration() throws Exception {
        assertThatThrownBy(() -> TestServers.start("sqlite", dir, c -> c.withRegistrationRequiringEmail(true)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("registration_requires_email")
                .hasMessageContaining("smtp_host");
        String yaml = ServerConfig.defaults().toYaml();
        assertThat(yaml).contains("\nregistration_requires_email: false\n").contains("# msisdn_delegate: https://");
        Path file = Files.writeString(dir.resolve("homeserver.yaml"), yaml.replace("registration_requires_email: false",
                "registration_requires_email: true") + "msisdn_delegate: https://identity.example.org/\n");
        assertThatThrownBy(() -> ServerConfig.read(file)).hasRootCauseInstanceOf(IllegalArgumentException.class)
                .rootCause().hasMessageContaining("registration_requires_email");
        Path withMail = Files.writeString(dir.resolve("mail.yaml"), Files.readString(file).replace("# smtp_host: smtp.example.org",
                "smtp_host: smtp.example.org"));
        ServerConfig read = ServerConfig.read(withMail);
        assertThat(read.registrationRequiresEmail()).isTrue();
        assertThat(read.msisdnDelegate()).contains("https://identity.example.org");
        assertThat(read.toYaml()).contains("\nregistration_requires_email: true\n").contains("\nmsisdn_delegate: https://identity.example.org\n");
    }
}
