package dev.mxspec.homeserver.main;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.core.EmailSettings;
import dev.mxspec.runtime.json.MatrixJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Phone numbers validated by the identity server of {@code msisdn_delegate} (the test identity server "sends" the SMS by
 * keeping its token), end to end as a client does it: the msisdn {@code requestToken} endpoints, the token submitted to
 * the {@code submit_url} this server answers, {@code 3pid/add}, the {@code m.login.msisdn} registration stage and a
 * password reset by phone. The identity server's access token is got by the OpenID flow. Unknown or unvalidated sessions,
 * other secrets, sessions of other operations, numbers in use and an identity server down are refused.
 */
class PhoneNumbersTest {

    private static final String SUBMIT = "/_matrix/client/unstable/add_threepid/msisdn/submit_token";

    @TempDir
    Path dir;

    private TestSmtpServer smtp;
    private TestIdentityServer identity;
    private Homeserver server;
    private JsonHttp http;
    private final HttpClient raw = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        smtp = new TestSmtpServer();
        identity = new TestIdentityServer();
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        identity.close();
        smtp.close();
    }

    private void server(String backend, Optional<String> delegate) throws Exception {
        server = TestServers.start(backend, dir, c -> c.withEmail(new EmailSettings(Optional.of("127.0.0.1"), smtp.port(), Optional.empty(),
                Optional.empty(), false, "Matrix <noreply@localhost>", 0, Optional.empty(), "http", List.of())).withMsisdnDelegate(delegate));
        http = new JsonHttp(server.port());
        identity.homeserverPort = server.port();
    }

    private JsonHttp.Reply requestToken(String path, String secret, String phone, int attempt) throws Exception {
        return http.call("POST", path, null, "{\"client_secret\":\"" + secret + "\",\"country\":\"GB\",\"phone_number\":\"" + phone
                + "\",\"send_attempt\":" + attempt + "}");
    }

    /** A session of {@code path} whose SMS was "sent": its sid and the token of the SMS. */
    private String[] texted(String path, String secret, String phone) throws Exception {
        JsonHttp.Reply requested = requestToken(path, secret, phone, 1);
        assertThat(requested.status()).as(requested.body().toString()).isEqualTo(200);
        assertThat(requested.body().path("submit_url").asText()).isEqualTo("http://127.0.0.1:" + server.port() + SUBMIT);
        TestIdentityServer.Sms sms = identity.sms.poll(10, TimeUnit.SECONDS);
        assertThat(sms).isNotNull();
        return new String[] {requested.body().path("sid").asText(), sms.token()};
    }

    private JsonHttp.Reply submit(String sid, String secret, String token) throws Exception {
        return post(SUBMIT, "{\"sid\":\"" + sid + "\",\"client_secret\":\"" + secret + "\",\"token\":\"" + token + "\"}");
    }

    /** A session of {@code path} validated with the token of its SMS: its sid. */
    private String validated(String path, String secret, String phone) throws Exception {
        String[] texted = texted(path, secret, phone);
        assertThat(submit(texted[0], secret, texted[1]).body().path("success").asBoolean()).isTrue();
        return texted[0];
    }

    private JsonHttp.Reply post(String path, String body) throws Exception {
        HttpResponse<String> r = raw.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        return new JsonHttp.Reply(r.statusCode(), MatrixJson.mapper().readTree(r.body()));
    }

    private JsonHttp.Reply add(String token, String user, String sid, String secret) throws Exception {
        return http.call("POST", "/account/3pid/add", token, "{\"client_secret\":\"" + secret + "\",\"sid\":\"" + sid + "\",\"auth\":"
                + "{\"type\":\"m.login.password\",\"identifier\":{\"type\":\"m.id.user\",\"user\":\"" + user + "\"},\"password\":\"" + user
                + "-password\"}}");
    }

    /** A password login with {@code identifier}, waiting out the login rate limit. */
    private JsonHttp.Reply login(String identifier, String password) throws Exception {
        while (true) {
            JsonHttp.Reply reply = http.call("POST", "/login", null, "{\"type\":\"m.login.password\",\"identifier\":" + identifier
                    + ",\"password\":\"" + password + "\"}");
            if (!reply.body().path("errcode").asText().equals("M_LIMIT_EXCEEDED")) {
                return reply;
            }
            Thread.sleep(reply.body().path("retry_after_ms").asLong(100));
        }
    }

    private JsonHttp.Reply register(String name, String auth) throws Exception {
        return http.call("POST", "/register", null, "{\"username\":\"" + name + "\",\"password\":\"" + name + "-password\""
                + (auth == null ? "" : ",\"auth\":" + auth) + "}");
    }

    private static String msisdnStage(String sid, String secret, String session) {
        return "{\"type\":\"m.login.msisdn\",\"threepid_creds\":{\"sid\":\"" + sid + "\",\"client_secret\":\"" + secret + "\"},"
                + "\"session\":\"" + session + "\"}";
    }

    private static void refusedStage(JsonHttp.Reply reply, String why) {
        assertThat(reply.status()).as(why + ": " + reply.body()).isEqualTo(401);
        assertThat(reply.body().path("errcode").asText()).as(why).isEqualTo("M_UNAUTHORIZED");
    }

    private static void error(JsonHttp.Reply reply, int status, String errcode, String why) {
        assertThat(reply.status()).as(why + ": " + reply.body()).isEqualTo(status);
        assertThat(reply.body().path("errcode").asText()).as(why).isEqualTo(errcode);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aNumberValidatedByTheIdentityServerIsAddedAndResetsThePassword(String backend) throws Exception {
        server(backend, Optional.of("http://" + identity.name()));
        String alice = http.register("alice", "alice-password");

        String[] texted = texted("/account/3pid/msisdn/requestToken", "p-secret", "07700 900001");
        assertThat(identity.registeredTokens.values()).as("this server registered at the identity server with OpenID")
                .containsExactly("@Homeserver:localhost");
        assertThat(requestToken("/account/3pid/msisdn/requestToken", "p-secret", "07700 900001", 1).body().path("sid").asText())
                .as("the same send_attempt").isEqualTo(texted[0]);
        assertThat(identity.sms.poll(300, TimeUnit.MILLISECONDS)).as("no second SMS").isNull();
        assertThat(identity.smsRequests.get()).as("the identity server is not asked again").isEqualTo(1);

        error(add(alice, "alice", texted[0], "p-secret"), 400, "M_THREEPID_AUTH_FAILED", "before the token was submitted");
        error(submit(texted[0], "p-secret", "000000".equals(texted[1]) ? "111111" : "000000"), 400, "M_THREEPID_AUTH_FAILED", "a wrong token");
        error(submit(texted[0], "other-secret", texted[1]), 400, "M_THREEPID_AUTH_FAILED", "another client secret");
        error(submit("nosuchsid", "p-secret", texted[1]), 400, "M_THREEPID_AUTH_FAILED", "an unknown sid");
        assertThat(submit(texted[0], "p-secret", texted[1]).body().path("success").asBoolean()).isTrue();
        error(add(alice, "alice", texted[0], "other-secret"), 400, "M_THREEPID_AUTH_FAILED", "another client secret");
        assertThat(add(alice, "alice", texted[0], "p-secret").status()).isEqualTo(200);
        JsonNode listed = http.call("GET", "/account/3pid", alice, null).body().path("threepids");
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).path("medium").asText()).isEqualTo("msisdn");
        assertThat(listed.get(0).path("address").asText()).isEqualTo("447700900001");

        // login by the number: as typed with its country (m.id.phone), or canonicalised (m.id.thirdparty)
        assertThat(login("{\"type\":\"m.id.phone\",\"country\":\"GB\",\"phone\":\"07700 900001\"}", "alice-password")
                .body().path("user_id").asText()).isEqualTo("@alice:localhost");
        assertThat(login("{\"type\":\"m.id.phone\",\"country\":\"gb\",\"phone\":\"+44 (0)7700 900001\"}", "alice-password")
                .body().path("user_id").asText()).isEqualTo("@alice:localhost");
        assertThat(login("{\"type\":\"m.id.thirdparty\",\"medium\":\"msisdn\",\"address\":\"447700900001\"}", "alice-password")
                .body().path("user_id").asText()).isEqualTo("@alice:localhost");
        error(login("{\"type\":\"m.id.phone\",\"country\":\"GB\",\"phone\":\"07700900001\"}", "wrong-password"), 403, "M_FORBIDDEN",
                "a wrong password");
        error(login("{\"type\":\"m.id.phone\",\"country\":\"US\",\"phone\":\"07700900001\"}", "alice-password"), 403, "M_FORBIDDEN",
                "the digits read as another country's");
        error(login("{\"type\":\"m.id.phone\",\"country\":\"GB\",\"phone\":\"07700900009\"}", "alice-password"), 403, "M_FORBIDDEN",
                "a number no account has");
        error(login("{\"type\":\"m.id.thirdparty\",\"medium\":\"msisdn\",\"address\":\"447700900009\"}", "alice-password"), 403,
                "M_FORBIDDEN", "a canonical number no account has");
        error(login("{\"type\":\"m.id.phone\",\"country\":\"GB\",\"phone\":\"not a number\"}", "alice-password"), 400, "M_INVALID_PARAM",
                "not a phone number");
        error(login("{\"type\":\"m.id.phone\",\"phone\":\"07700900001\"}", "alice-password"), 400, "M_MISSING_PARAM", "no country");
        error(login("{\"type\":\"m.id.phone\",\"country\":\"GB\",\"phone\":447700900001}", "alice-password"), 400, "M_MISSING_PARAM",
                "a phone that is no string");
        error(login("{\"type\":\"m.id.fingerprint\",\"user\":\"alice\"}", "alice-password"), 400, "M_UNKNOWN", "an unknown identifier type");

        error(requestToken("/register/msisdn/requestToken", "r-secret", "+44 7700 900001", 1), 400, "M_THREEPID_IN_USE", "registering with it");
        error(requestToken("/account/3pid/msisdn/requestToken", "b-secret", "07700900001", 1), 400, "M_THREEPID_IN_USE", "adding it again");
        error(requestToken("/account/password/msisdn/requestToken", "r-secret", "07700900999", 1), 400, "M_THREEPID_NOT_FOUND",
                "a reset for a number no account has");

        // the identity server forgot this server's access token: it registers again
        identity.registeredTokens.clear();
        String reset = validated("/account/password/msisdn/requestToken", "reset-secret", "07700900001");
        assertThat(identity.registeredTokens).hasSize(1);
        JsonHttp.Reply challenge = http.call("POST", "/account/password", null, "{\"new_password\":\"new-alice-password\"}");
        assertThat(challenge.body().path("flows").toString()).contains("m.login.msisdn").contains("m.login.email.identity");
        String resetBody = "{\"new_password\":\"new-alice-password\",\"auth\":{\"type\":\"m.login.msisdn\",\"threepid_creds\":{\"sid\":\""
                + reset + "\",\"client_secret\":\"%s\"}}}";
        error(http.call("POST", "/account/password", null, resetBody.formatted("other-secret")), 400, "M_THREEPID_AUTH_FAILED", "another secret");
        String added = validated("/account/3pid/msisdn/requestToken", "add-again", "07700900002");
        error(http.call("POST", "/account/password", null, resetBody.replace(reset, added).formatted("add-again")), 400,
                "M_THREEPID_AUTH_FAILED", "a session of 3pid/msisdn/requestToken");
        assertThat(http.call("POST", "/account/password", null, resetBody.formatted("reset-secret")).status()).isEqualTo(200);
        assertThat(login("{\"type\":\"m.id.user\",\"user\":\"alice\"}", "new-alice-password").status()).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void registrationTakesANumberTheIdentityServerValidated(String backend) throws Exception {
        server(backend, Optional.of("http://" + identity.name()));
        JsonHttp.Reply first = register("bob", null);
        assertThat(first.body().path("flows").toString()).isEqualTo("[{\"stages\":[\"m.login.dummy\"]},{\"stages\":[\"m.login.email.identity\"]},"
                + "{\"stages\":[\"m.login.msisdn\"]},{\"stages\":[\"m.login.msisdn\",\"m.login.email.identity\"]}]");
        String session = first.body().path("session").asText();

        String[] texted = texted("/register/msisdn/requestToken", "bob-secret", "07700900003");
        refusedStage(register("bob", msisdnStage(texted[0], "bob-secret", session)), "not validated yet");
        assertThat(submit(texted[0], "bob-secret", texted[1]).status()).isEqualTo(200);
        refusedStage(register("bob", msisdnStage(texted[0], "other-secret", session)), "another client secret");
        String forAdding = validated("/account/3pid/msisdn/requestToken", "add-secret", "07700900004");
        refusedStage(register("bob", msisdnStage(forAdding, "add-secret", session)), "a session of 3pid/msisdn/requestToken");
        String forgotten = validated("/register/msisdn/requestToken", "gone-secret", "07700900005");
        identity.phoneSessions.remove(forgotten);
        refusedStage(register("bob", msisdnStage(forgotten, "gone-secret", session)), "a sid the identity server does not know");
        refusedStage(register("bob", msisdnStage("nosuchsid", "bob-secret", session)), "a sid this server never gave");
        String mailed = new ThreepidValidation(http, smtp).validated("/register/email/requestToken", "mail-secret", "bob@example.org");
        refusedStage(register("bob", msisdnStage(mailed, "mail-secret", session)), "a session of an email address");

        JsonHttp.Reply bob = register("bob", msisdnStage(texted[0], "bob-secret", session));
        assertThat(bob.status()).as(bob.body().toString()).isEqualTo(200);
        JsonNode listed = http.call("GET", "/account/3pid", bob.body().path("access_token").asText(), null).body().path("threepids");
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).path("address").asText()).isEqualTo("447700900003");
        refusedStage(register("carol", msisdnStage(texted[0], "bob-secret", register("carol", null).body().path("session").asText())),
                "the session again");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void anIdentityServerDownIsA502AndBadInputIsRefused(String backend) throws Exception {
        server(backend, Optional.of("http://" + identity.name()));
        String session = register("dave", null).body().path("session").asText();
        String sid = validated("/register/msisdn/requestToken", "dave-secret", "07700900006");

        identity.failing = true;
        JsonHttp.Reply down = requestToken("/register/msisdn/requestToken", "e-secret", "07700900007", 1);
        error(down, 502, "M_UNKNOWN", "the identity server failing");
        assertThat(down.body().path("error").asText()).contains(identity.name());
        error(register("dave", msisdnStage(sid, "dave-secret", session)), 502, "M_UNKNOWN", "the stage while it fails");
        error(submit(sid, "dave-secret", "123456"), 502, "M_UNKNOWN", "a token submitted while it fails");
        identity.failing = false;
        assertThat(register("dave", msisdnStage(sid, "dave-secret", session)).status()).isEqualTo(200);

        error(requestToken("/account/3pid/msisdn/requestToken", "f-secret", "not a number", 1), 400, "M_INVALID_PARAM", "not a number");
        error(requestToken("/account/3pid/msisdn/requestToken", "no spaces", "07700900008", 1), 400, "M_INVALID_PARAM", "a bad secret");
        for (String body : new String[] {"null", "[]", "{", "{\"sid\":1,\"client_secret\":\"s\",\"token\":\"t\"}", "{\"sid\":\"s\"}"}) {
            JsonHttp.Reply r = post(SUBMIT, body);
            assertThat(r.status()).as(body).isEqualTo(400);
            assertThat(r.body().path("errcode").asText()).as(body).isIn("M_BAD_JSON", "M_NOT_JSON", "M_MISSING_PARAM");
        }
        String emailSid = new ThreepidValidation(http, smtp).mailed("/account/3pid/email/requestToken", "mail-secret", "dave@example.org")[0];
        error(submit(emailSid, "mail-secret", "123456"), 400, "M_THREEPID_AUTH_FAILED", "a session of this server's mail");
        assertThat(identity.submitted).as("not passed on to the identity server").doesNotContain(emailSid);
        String[] fresh = texted("/account/3pid/msisdn/requestToken", "fresh-secret", "07700900011");
        JsonHttp.Reply asMail = new ThreepidValidation(http, smtp).submit(fresh[0], "fresh-secret", "");
        error(asMail, 400, "M_THREEPID_AUTH_FAILED", "a phone session at the email submit_url");
        for (int attempt = 1; attempt <= 5; attempt++) {
            assertThat(requestToken("/register/msisdn/requestToken", "flood", "07700900010", attempt).status()).isEqualTo(200);
        }
        error(requestToken("/register/msisdn/requestToken", "flood", "07700900010", 6), 429, "M_LIMIT_EXCEEDED", "a sixth SMS in a burst");
        assertThat(identity.sms.stream().filter(m -> m.msisdn().equals("447700900010"))).hasSize(5);

        server.close();
        server = null;
        server(backend, Optional.of("http://127.0.0.1:" + TestServers.closedPort()));
        JsonHttp.Reply unreachable = requestToken("/account/3pid/msisdn/requestToken", "g-secret", "07700900009", 1);
        error(unreachable, 502, "M_UNKNOWN", "an identity server that cannot be reached");
    }

    @Test
    void whileRegistrationIsClosedNoCodeIsSentForIt() throws Exception {
        server = TestServers.start("sqlite", dir, c -> c.withRegistration(false).withEmail(new EmailSettings(Optional.of("127.0.0.1"),
                smtp.port(), Optional.empty(), Optional.empty(), false, "Matrix <noreply@localhost>", 0, Optional.empty(), "http", List.of()))
                .withMsisdnDelegate(Optional.of("http://" + identity.name())));
        http = new JsonHttp(server.port());
        identity.homeserverPort = server.port();
        error(requestToken("/register/msisdn/requestToken", "r-secret", "07700900001", 1), 403, "M_FORBIDDEN", "an SMS to register");
        error(http.call("POST", "/register/email/requestToken", null, "{\"client_secret\":\"r-secret\",\"email\":\"alice@example.org\","
                + "\"send_attempt\":1}"), 403, "M_FORBIDDEN", "a mail to register");
        assertThat(identity.smsRequests.get()).isZero();
        assertThat(smtp.poll(300)).isNull();
        // a code to add a number to an account is sent: that is not registering
        texted("/account/3pid/msisdn/requestToken", "a-secret", "07700900001");
        assertThat(new ThreepidValidation(http, smtp).mailed("/account/3pid/email/requestToken", "m-secret", "alice@example.org")).hasSize(2);
    }

    @Test
    void withoutADelegatePhoneNumbersAreRefusedAndNotOffered() throws Exception {
        server("sqlite", Optional.empty());
        for (String path : new String[] {"/account/3pid/msisdn/requestToken", "/register/msisdn/requestToken",
                "/account/password/msisdn/requestToken"}) {
            error(requestToken(path, "secret", "07700900001", 1), 400, "M_UNKNOWN", path);
        }
        assertThat(register("erin", null).body().path("flows").toString()).doesNotContain("m.login.msisdn");
        assertThat(http.call("POST", "/account/password", null, "{}").body().path("flows").toString()).doesNotContain("m.login.msisdn");
        assertThat(identity.registeredTokens).isEmpty();
        assertThat(identity.sms).isEmpty();
    }
}
