package dev.mxspec.homeserver.main;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.core.EmailSettings;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Third-party identifiers end to end: email validation by mail through an SMTP server (a test receiver), addresses added
 * to accounts and used to log in, binds and unbinds at an identity server built on the generated identity stubs, and
 * invites by email address that the identity server's {@code onbind} fulfils.
 */
class ThirdPartyIdTest {

    private static final Pattern LINK = Pattern.compile("(http://\\S+/submit_token\\?\\S+)");

    @TempDir
    Path dir;

    /** The test identity server is on loopback: allowed, unless a test denies it. */
    private java.util.List<String> deniedIpRanges = java.util.List.of();
    private TestSmtpServer smtp;
    private TestIdentityServer identity;
    private JsonHttp http;
    private ThreepidValidation validation;
    private final HttpClient raw = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        smtp = new TestSmtpServer();
        identity = new TestIdentityServer();
    }

    @AfterEach
    void stop() throws Exception {
        identity.close();
        smtp.close();
    }

    private Homeserver server(String backend) throws Exception {
        Homeserver server = TestServers.start(backend, dir, c -> c.withEmail(new EmailSettings(Optional.of("127.0.0.1"), smtp.port(),
                Optional.empty(), Optional.empty(), false, "Matrix <noreply@localhost>", 0, Optional.empty(), "http", deniedIpRanges)));
        return server;
    }

    /** Talks to {@code server}; the identity server calls its onbind. */
    private void connect(Homeserver server) {
        http = new JsonHttp(server.port());
        validation = new ThreepidValidation(http, smtp);
        identity.homeserverPort = server.port();
    }

    private JsonHttp.Reply requestToken(String path, String secret, String email, int attempt) throws Exception {
        return validation.requestToken(path, secret, email, attempt);
    }

    /** {@code 3pid/add} through its password stage. */
    private JsonHttp.Reply add(String token, String user, String password, String sid, String secret) throws Exception {
        String body = "{\"client_secret\":\"" + secret + "\",\"sid\":\"" + sid + "\"";
        JsonHttp.Reply challenge = http.call("POST", "/account/3pid/add", token, body + "}");
        assertThat(challenge.status()).isEqualTo(401);
        return http.call("POST", "/account/3pid/add", token, body + ",\"auth\":{\"type\":\"m.login.password\",\"identifier\":{\"type\":"
                + "\"m.id.user\",\"user\":\"" + user + "\"},\"password\":\"" + password + "\",\"session\":\""
                + challenge.body().path("session").asText() + "\"}}");
    }

    private static String code(TestSmtpServer.Mail mail) {
        return ThreepidValidation.code(mail);
    }

    private JsonHttp.Reply submit(String sid, String secret, String token) throws Exception {
        return validation.submit(sid, secret, token);
    }

    private String bindBody(String secret, String sid, String idServer, String idToken) {
        return "{\"client_secret\":\"" + secret + "\",\"id_server\":\"" + idServer + "\",\"id_access_token\":\"" + idToken + "\",\"sid\":\""
                + sid + "\"}";
    }

    private String inviteBody(String address, String idServer) {
        return "{\"id_server\":\"" + idServer + "\",\"id_access_token\":\"" + identity.accessToken + "\",\"medium\":\"email\",\"address\":\""
                + address + "\"}";
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void anEmailValidatedByMailIsAddedListedUsedToLogInAndDeleted(String backend) throws Exception {
        try (Homeserver server = server(backend)) {
            connect(server);
            String alice = http.register("alice", "alice-password");
            String bob = http.register("bob", "bob-password");

            JsonHttp.Reply requested = requestToken("/account/3pid/email/requestToken", "secret-1", "Alice@Example.org", 1);
            assertThat(requested.status()).as(requested.body().toString()).isEqualTo(200);
            String sid = requested.body().path("sid").asText();
            assertThat(requested.body().path("submit_url").asText()).endsWith("/_matrix/client/unstable/add_threepid/email/submit_token");
            TestSmtpServer.Mail mail = smtp.next();
            assertThat(mail).isNotNull();
            assertThat(mail.to()).containsExactly("alice@example.org");
            String token = code(mail);

            // the same send_attempt again: the same session, no second mail
            assertThat(requestToken("/account/3pid/email/requestToken", "secret-1", "alice@example.org", 1).body().path("sid").asText())
                    .isEqualTo(sid);
            assertThat(smtp.poll(300)).isNull();

            JsonHttp.Reply early = add(alice, "alice", "alice-password", sid, "secret-1");
            assertThat(early.status()).isEqualTo(400);
            assertThat(early.body().path("errcode").asText()).as("added before validation").isEqualTo("M_THREEPID_AUTH_FAILED");
            assertThat(submit(sid, "secret-1", (token.charAt(0) == '0' ? "1" : "0") + token.substring(1)).body().path("errcode").asText())
                    .as("a wrong token").isEqualTo("M_THREEPID_AUTH_FAILED");
            assertThat(submit(sid, "secret-2", token).body().path("errcode").asText()).as("a wrong client secret").isEqualTo("M_THREEPID_AUTH_FAILED");
            assertThat(submit("nosuchsid", "secret-1", token).body().path("errcode").asText()).as("a wrong sid").isEqualTo("M_THREEPID_AUTH_FAILED");

            // the link in the mail validates the session; its token cannot be used again
            Matcher link = LINK.matcher(mail.text());
            assertThat(link.find()).isTrue();
            HttpResponse<String> clicked = raw.send(HttpRequest.newBuilder(URI.create(link.group(1))).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(clicked.statusCode()).as(clicked.body()).isEqualTo(200);
            assertThat(submit(sid, "secret-1", token).body().path("errcode").asText()).as("the token again").isEqualTo("M_THREEPID_AUTH_FAILED");

            assertThat(add(alice, "alice", "alice-password", sid, "secret-1").status()).isEqualTo(200);
            JsonNode listed = http.call("GET", "/account/3pid", alice, null).body().path("threepids");
            assertThat(listed).hasSize(1);
            assertThat(listed.get(0).path("medium").asText()).isEqualTo("email");
            assertThat(listed.get(0).path("address").asText()).isEqualTo("alice@example.org");
            assertThat(listed.get(0).path("validated_at").asLong()).isPositive();
            assertThat(listed.get(0).path("added_at").asLong()).isGreaterThanOrEqualTo(listed.get(0).path("validated_at").asLong());
            assertThat(http.call("GET", "/account/3pid", bob, null).body().path("threepids")).isEmpty();

            // another account cannot take it: not by a new session, not with alice's session
            JsonHttp.Reply taken = requestToken("/account/3pid/email/requestToken", "secret-b", "alice@example.org", 1);
            assertThat(taken.status()).isEqualTo(400);
            assertThat(taken.body().path("errcode").asText()).isEqualTo("M_THREEPID_IN_USE");
            assertThat(requestToken("/register/email/requestToken", "secret-b", "ALICE@example.org", 1).body().path("errcode").asText())
                    .isEqualTo("M_THREEPID_IN_USE");
            assertThat(add(bob, "bob", "bob-password", sid, "secret-1").body().path("errcode").asText()).isEqualTo("M_THREEPID_IN_USE");
            assertThat(http.call("POST", "/account/3pid/delete", bob, "{\"medium\":\"email\",\"address\":\"alice@example.org\"}").status())
                    .isEqualTo(200);
            assertThat(http.call("GET", "/account/3pid", alice, null).body().path("threepids")).as("bob removed nothing of alice's").hasSize(1);

            // password reset: only for a known address
            JsonHttp.Reply unknown = requestToken("/account/password/email/requestToken", "secret-r", "nobody@example.org", 1);
            assertThat(unknown.status()).isEqualTo(400);
            assertThat(unknown.body().path("errcode").asText()).isEqualTo("M_THREEPID_NOT_FOUND");
            assertThat(requestToken("/account/password/email/requestToken", "secret-r", "alice@example.org", 1).status()).isEqualTo(200);
            assertThat(smtp.next().to()).containsExactly("alice@example.org");

            // login by the address
            JsonHttp.Reply login = http.call("POST", "/login", null, "{\"type\":\"m.login.password\",\"identifier\":{\"type\":\"m.id.thirdparty\","
                    + "\"medium\":\"email\",\"address\":\"Alice@example.org\"},\"password\":\"alice-password\"}");
            assertThat(login.status()).as(login.body().toString()).isEqualTo(200);
            assertThat(login.body().path("user_id").asText()).isEqualTo("@alice:localhost");
            assertThat(http.call("POST", "/login", null, "{\"type\":\"m.login.password\",\"identifier\":{\"type\":\"m.id.thirdparty\","
                    + "\"medium\":\"email\",\"address\":\"nobody@example.org\"},\"password\":\"alice-password\"}").status()).isEqualTo(403);
            JsonHttp.Reply deprecated = http.call("POST", "/login", null, "{\"type\":\"m.login.password\",\"medium\":\"email\","
                    + "\"address\":\"alice@example.org\",\"password\":\"alice-password\"}");
            assertThat(deprecated.body().path("user_id").asText()).as("medium and address outside identifier (deprecated)").isEqualTo("@alice:localhost");
            assertThat(http.call("POST", "/login", null, "{\"type\":\"m.login.password\",\"medium\":\"email\","
                    + "\"address\":\"alice@example.org\",\"password\":\"wrong-password\"}").status()).isEqualTo(403);
            assertThat(http.call("POST", "/login", null, "{\"type\":\"m.login.password\",\"identifier\":{\"type\":\"m.id.thirdparty\","
                    + "\"medium\":\"carrier-pigeon\",\"address\":\"alice@example.org\"},\"password\":\"alice-password\"}").status()).isEqualTo(403);

            // phone numbers: no SMS
            JsonHttp.Reply msisdn = http.call("POST", "/account/3pid/msisdn/requestToken", null,
                    "{\"client_secret\":\"s\",\"country\":\"GB\",\"phone_number\":\"07700900001\",\"send_attempt\":1}");
            assertThat(msisdn.status()).isEqualTo(400);
            assertThat(msisdn.body().path("errcode").asText()).isEqualTo("M_UNKNOWN");

            JsonHttp.Reply deleted = http.call("POST", "/account/3pid/delete", alice, "{\"medium\":\"email\",\"address\":\"alice@example.org\"}");
            assertThat(deleted.body().path("id_server_unbind_result").asText()).isEqualTo("no-support");
            assertThat(http.call("GET", "/account/3pid", alice, null).body().path("threepids")).isEmpty();
            assertThat(requestToken("/account/3pid/email/requestToken", "secret-b", "alice@example.org", 2).status()).as("free again")
                    .isEqualTo(200);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void bindUnbindAndDeleteAtTheIdentityServer(String backend) throws Exception {
        try (Homeserver server = server(backend)) {
            connect(server);
            String alice = http.register("alice", "alice-password");
            String sid = identity.validatedSession("is-secret", "email", "alice@example.org");

            JsonHttp.Reply wrongSecret = http.call("POST", "/account/3pid/bind", alice, bindBody("other-secret", sid, identity.name(),
                    identity.accessToken));
            assertThat(wrongSecret.status()).isEqualTo(400);
            assertThat(wrongSecret.body().path("errcode").asText()).isEqualTo("M_NO_VALID_SESSION");
            JsonHttp.Reply wrongToken = http.call("POST", "/account/3pid/bind", alice, bindBody("is-secret", sid, identity.name(), "not-the-token"));
            assertThat(wrongToken.status()).isEqualTo(403);
            assertThat(wrongToken.body().path("errcode").asText()).isEqualTo("M_FORBIDDEN");
            JsonHttp.Reply badName = http.call("POST", "/account/3pid/bind", alice, bindBody("is-secret", sid, "evil.example/path?x=",
                    identity.accessToken));
            assertThat(badName.status()).isEqualTo(400);
            assertThat(badName.body().path("errcode").asText()).isEqualTo("M_INVALID_PARAM");
            assertThat(identity.bindings).isEmpty();

            assertThat(http.call("POST", "/account/3pid/bind", alice, bindBody("is-secret", sid, identity.name(), identity.accessToken)).status())
                    .isEqualTo(200);
            assertThat(identity.bindings).containsEntry("email alice@example.org", "@alice:localhost");

            JsonHttp.Reply unbound = http.call("POST", "/account/3pid/unbind", alice, "{\"medium\":\"email\",\"address\":\"alice@example.org\"}");
            assertThat(unbound.body().path("id_server_unbind_result").asText()).as(unbound.body().toString()).isEqualTo("success");
            assertThat(identity.bindings).isEmpty();
            assertThat(identity.unbindAuthorizations).singleElement().asString().startsWith("X-Matrix origin=\"localhost\"")
                    .contains("destination=\"" + identity.name() + "\"");
            assertThat(http.call("POST", "/account/3pid/unbind", alice, "{\"medium\":\"email\",\"address\":\"alice@example.org\"}").body()
                    .path("id_server_unbind_result").asText()).as("no identity server known any more").isEqualTo("no-support");

            http.call("POST", "/account/3pid/bind", alice, bindBody("is-secret", sid, identity.name(), identity.accessToken));
            JsonHttp.Reply deleted = http.call("POST", "/account/3pid/delete", alice, "{\"medium\":\"email\",\"address\":\"alice@example.org\","
                    + "\"id_server\":\"" + identity.name() + "\"}");
            assertThat(deleted.body().path("id_server_unbind_result").asText()).isEqualTo("success");
            assertThat(identity.bindings).isEmpty();

            // an identity server that fails or cannot be reached: a Matrix error naming it, nothing stored
            identity.failing = true;
            JsonHttp.Reply failing = http.call("POST", "/account/3pid/bind", alice, bindBody("is-secret", sid, identity.name(), identity.accessToken));
            assertThat(failing.status()).isEqualTo(502);
            assertThat(failing.body().path("errcode").asText()).isEqualTo("M_UNKNOWN");
            assertThat(failing.body().path("error").asText()).contains(identity.name());
            JsonHttp.Reply unreachable = http.call("POST", "/account/3pid/bind", alice, bindBody("is-secret", sid, "127.0.0.1:" + TestServers.closedPort(),
                    identity.accessToken));
            assertThat(unreachable.status()).isEqualTo(502);
            assertThat(unreachable.body().path("errcode").asText()).isEqualTo("M_UNKNOWN");
            assertThat(http.call("POST", "/account/3pid/unbind", alice, "{\"medium\":\"email\",\"address\":\"alice@example.org\"}").body()
                    .path("id_server_unbind_result").asText()).isEqualTo("no-support");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void anInviteByEmailIsStoredAtTheIdentityServerAndFulfilledWhenTheAddressIsBound(String backend) throws Exception {
        try (Homeserver server = server(backend)) {
            connect(server);
            String alice = http.register("alice", "alice-password");
            String bob = http.register("bob", "bob-password");
            String room = http.call("POST", "/createRoom", alice, "{\"preset\":\"public_chat\",\"name\":\"Garden\"}").body().path("room_id").asText();
            String enc = URLEncoder.encode(room, StandardCharsets.UTF_8);

            JsonHttp.Reply invited = http.call("POST", "/rooms/" + enc + "/invite", alice, inviteBody("Carol@Example.org", identity.name()));
            assertThat(invited.status()).as(invited.body().toString()).isEqualTo(200);
            assertThat(identity.pending).singleElement().satisfies(p -> {
                assertThat(p.address()).isEqualTo("carol@example.org");
                assertThat(p.sender()).isEqualTo("@alice:localhost");
                assertThat(p.roomId()).isEqualTo(room);
            });
            String inviteToken = identity.pending.getFirst().token();
            JsonNode event = http.call("GET", "/rooms/" + enc + "/state/m.room.third_party_invite/" + inviteToken, alice, null).body();
            assertThat(event.path("display_name").asText()).isEqualTo("c...@example.org");
            assertThat(event.path("public_key").asText()).isEqualTo(identity.key.publicKeyBase64());
            assertThat(event.path("key_validity_url").asText()).isEqualTo("http://" + identity.name() + "/_matrix/identity/v2/pubkey/isvalid");
            assertThat(event.path("public_keys")).hasSize(1);

            // carol registers and binds the address: the identity server's onbind makes the invite, and carol joins
            String carol = http.register("carol", "carol-password");
            String sid = identity.validatedSession("carol-secret", "email", "carol@example.org");
            assertThat(http.call("POST", "/account/3pid/bind", carol, bindBody("carol-secret", sid, identity.name(), identity.accessToken))
                    .status()).isEqualTo(200);
            assertThat(identity.onbindAnswers).singleElement().satisfies(a -> assertThat(a.path("status").asInt()).as(a.toString()).isEqualTo(200));
            JsonNode member = http.call("GET", "/rooms/" + enc + "/state/m.room.member/@carol:localhost", alice, null).body();
            assertThat(member.path("membership").asText()).isEqualTo("invite");
            assertThat(member.path("third_party_invite").path("signed").path("token").asText()).isEqualTo(inviteToken);
            assertThat(http.call("POST", "/join/" + enc, carol, "{}").status()).isEqualTo(200);
            assertThat(http.call("GET", "/rooms/" + enc + "/state/m.room.member/@carol:localhost", alice, null).body().path("membership").asText())
                    .isEqualTo("join");

            // a bound address is invited as its user
            String dave = http.register("dave", "dave-password");
            http.call("POST", "/account/3pid/bind", dave, bindBody("dave-secret", identity.validatedSession("dave-secret", "email",
                    "dave@example.org"), identity.name(), identity.accessToken));
            assertThat(http.call("POST", "/rooms/" + enc + "/invite", alice, inviteBody("dave@example.org", identity.name())).status()).isEqualTo(200);
            assertThat(http.call("GET", "/rooms/" + enc + "/state/m.room.member/@dave:localhost", alice, null).body().path("membership").asText())
                    .isEqualTo("invite");
            assertThat(identity.pending).as("no invite stored for a bound address").isEmpty();

            // refusals: not a member, not enough power, the identity server failing or unreachable
            JsonHttp.Reply outsider = http.call("POST", "/rooms/" + enc + "/invite", bob, inviteBody("erin@example.org", identity.name()));
            assertThat(outsider.status()).isEqualTo(403);
            http.call("POST", "/join/" + enc, bob, "{}");
            JsonNode levels = http.call("GET", "/rooms/" + enc + "/state/m.room.power_levels/", alice, null).body();
            ((com.fasterxml.jackson.databind.node.ObjectNode) levels).put("invite", 50);
            assertThat(http.call("PUT", "/rooms/" + enc + "/state/m.room.power_levels/", alice, levels.toString()).status()).isEqualTo(200);
            JsonHttp.Reply powerless = http.call("POST", "/rooms/" + enc + "/invite", bob, inviteBody("erin@example.org", identity.name()));
            assertThat(powerless.status()).isEqualTo(403);
            assertThat(powerless.body().path("errcode").asText()).isEqualTo("M_FORBIDDEN");
            identity.failing = true;
            JsonHttp.Reply failing = http.call("POST", "/rooms/" + enc + "/invite", alice, inviteBody("erin@example.org", identity.name()));
            assertThat(failing.status()).isEqualTo(502);
            assertThat(failing.body().path("errcode").asText()).isEqualTo("M_UNKNOWN");
            JsonHttp.Reply unreachable = http.call("POST", "/rooms/" + enc + "/invite", alice, inviteBody("erin@example.org", "127.0.0.1:" + TestServers.closedPort()));
            assertThat(unreachable.status()).isEqualTo(502);
            identity.failing = false;
            assertThat(identity.pending).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aForgottenPasswordIsResetByEmailAndDeactivationUnbinds(String backend) throws Exception {
        try (Homeserver server = server(backend)) {
            connect(server);
            String alice = http.register("alice", "alice-password");
            String sid = requestToken("/account/3pid/email/requestToken", "add-secret", "alice@example.org", 1).body().path("sid").asText();
            assertThat(submit(sid, "add-secret", code(smtp.next())).body().path("success").asBoolean()).isTrue();
            assertThat(add(alice, "alice", "alice-password", sid, "add-secret").status()).isEqualTo(200);
            assertThat(http.call("POST", "/account/3pid/bind", alice, bindBody("is-secret", identity.validatedSession("is-secret", "email",
                    "alice@example.org"), identity.name(), identity.accessToken)).status()).isEqualTo(200);

            String resetSid = requestToken("/account/password/email/requestToken", "reset-secret", "alice@example.org", 1).body().path("sid").asText();
            String token = code(smtp.next());
            String reset = "{\"new_password\":\"new-alice-password\",\"auth\":{\"type\":\"m.login.email.identity\",\"threepid_creds\":"
                    + "{\"sid\":\"" + resetSid + "\",\"client_secret\":\"reset-secret\"}}}";
            JsonHttp.Reply challenge = http.call("POST", "/account/password", null, "{\"new_password\":\"new-alice-password\"}");
            assertThat(challenge.status()).isEqualTo(401);
            assertThat(challenge.body().path("flows").get(0).path("stages").get(0).asText()).isEqualTo("m.login.email.identity");
            JsonHttp.Reply early = http.call("POST", "/account/password", null, reset);
            assertThat(early.status()).isEqualTo(400);
            assertThat(early.body().path("errcode").asText()).as("before the link was followed").isEqualTo("M_THREEPID_AUTH_FAILED");
            assertThat(submit(resetSid, "reset-secret", token).status()).isEqualTo(200);
            assertThat(http.call("POST", "/account/password", null, reset).status()).isEqualTo(200);
            assertThat(http.call("GET", "/account/whoami", alice, null).status()).as("devices logged out").isEqualTo(401);
            assertThat(http.call("POST", "/account/password", null, reset).body().path("errcode").asText()).as("the session is used up")
                    .isEqualTo("M_THREEPID_AUTH_FAILED");
            String login = "{\"type\":\"m.login.password\",\"identifier\":{\"type\":\"m.id.user\",\"user\":\"alice\"},\"password\":\"%s\"}";
            assertThat(http.call("POST", "/login", null, login.formatted("alice-password")).status()).isEqualTo(403);
            JsonHttp.Reply loggedIn = http.call("POST", "/login", null, login.formatted("new-alice-password"));
            assertThat(loggedIn.status()).isEqualTo(200);

            // deactivation unbinds the address at the identity server and frees it
            String again = loggedIn.body().path("access_token").asText();
            JsonHttp.Reply first = http.call("POST", "/account/deactivate", again, "{}");
            JsonHttp.Reply deactivated = http.call("POST", "/account/deactivate", again, "{\"auth\":{\"type\":\"m.login.password\","
                    + "\"identifier\":{\"type\":\"m.id.user\",\"user\":\"alice\"},\"password\":\"new-alice-password\",\"session\":\""
                    + first.body().path("session").asText() + "\"}}");
            assertThat(deactivated.status()).as(deactivated.body().toString()).isEqualTo(200);
            assertThat(deactivated.body().path("id_server_unbind_result").asText()).isEqualTo("success");
            assertThat(identity.bindings).isEmpty();
            assertThat(requestToken("/register/email/requestToken", "new-secret", "alice@example.org", 1).status()).isEqualTo(200);
        }
    }

    @Test
    void anIdentityServerOnADeniedAddressIsNeverAsked() throws Exception {
        deniedIpRanges = null; // the defaults: loopback, private and reserved ranges
        try (Homeserver server = server("sqlite")) {
            connect(server);
            String alice = http.register("alice", "alice-password");
            String sid = identity.validatedSession("is-secret", "email", "alice@example.org");
            JsonHttp.Reply bind = http.call("POST", "/account/3pid/bind", alice, bindBody("is-secret", sid, identity.name(), identity.accessToken));
            assertThat(bind.status()).isEqualTo(403);
            assertThat(bind.body().path("errcode").asText()).isEqualTo("M_FORBIDDEN");
            String room = http.call("POST", "/createRoom", alice, "{}").body().path("room_id").asText();
            JsonHttp.Reply invite = http.call("POST", "/rooms/" + URLEncoder.encode(room, StandardCharsets.UTF_8) + "/invite", alice,
                    inviteBody("bob@example.org", "localhost:" + TestServers.closedPort()));
            assertThat(invite.status()).isEqualTo(403);
            assertThat(identity.bindings).isEmpty();
            assertThat(identity.pending).isEmpty();
        }
    }

    @Test
    void anAddressGetsABurstOfMailsAndThenM_LIMIT_EXCEEDED() throws Exception {
        try (Homeserver server = server("sqlite")) {
            connect(server);
            for (int attempt = 1; attempt <= 5; attempt++) {
                assertThat(requestToken("/register/email/requestToken", "secret", "flood@example.org", attempt).status()).isEqualTo(200);
                assertThat(smtp.next().to()).containsExactly("flood@example.org");
            }
            JsonHttp.Reply limited = requestToken("/register/email/requestToken", "secret", "flood@example.org", 6);
            assertThat(limited.status()).isEqualTo(429);
            assertThat(limited.body().path("errcode").asText()).isEqualTo("M_LIMIT_EXCEEDED");
            assertThat(smtp.poll(200)).isNull();
            assertThat(requestToken("/register/email/requestToken", "secret", "other@example.org", 1).status()).as("another address").isEqualTo(200);
        }
    }

    @Test
    void withoutAnSmtpServerTheEmailEndpointsAnswerM_UNKNOWN() throws Exception {
        try (Homeserver server = TestServers.start("sqlite", dir, c -> c)) {
            http = new JsonHttp(server.port());
            validation = new ThreepidValidation(http, smtp);
            for (String path : new String[] {"/account/3pid/email/requestToken", "/register/email/requestToken",
                    "/account/password/email/requestToken"}) {
                JsonHttp.Reply r = requestToken(path, "secret", "someone@example.org", 1);
                assertThat(r.status()).as(path).isEqualTo(400);
                assertThat(r.body().path("errcode").asText()).as(path).isEqualTo("M_UNKNOWN");
            }
            assertThat(smtp.poll(200)).isNull();
        }
    }

    private JsonHttp.Reply rawCall(String method, String path, String body) throws Exception {
        HttpResponse<String> r = raw.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + path)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        return new JsonHttp.Reply(r.statusCode(), dev.mxspec.runtime.json.MatrixJson.mapper().readTree(r.body()));
    }

    @Test
    void theTokenSubmissionAndOnbindRefuseBadInputWithMatrixErrors() throws Exception {
        try (Homeserver server = server("sqlite")) {
            connect(server);
            String submit = "/_matrix/client/unstable/add_threepid/email/submit_token";
            for (String body : new String[] {"null", "[]", "\"text\"", "{\"sid\":1,\"client_secret\":\"s\",\"token\":\"t\"}",
                    "{\"sid\":\"s\",\"client_secret\":[],\"token\":\"t\"}", "{\"sid\":\"s\",\"client_secret\":\"s\"}", "{", ""}) {
                JsonHttp.Reply r = rawCall("POST", submit, body);
                assertThat(r.status()).as(body).isEqualTo(400);
                assertThat(r.body().path("errcode").asText()).as(body).isIn("M_BAD_JSON", "M_NOT_JSON", "M_MISSING_PARAM");
            }
            JsonHttp.Reply badSecret = rawCall("POST", submit, "{\"sid\":\"s\",\"client_secret\":\"no spaces\",\"token\":\"t\"}");
            assertThat(badSecret.body().path("errcode").asText()).isEqualTo("M_INVALID_PARAM");
            assertThat(rawCall("GET", submit + "?sid=s&client_secret=c", null).body().path("errcode").asText()).isEqualTo("M_MISSING_PARAM");
            assertThat(rawCall("GET", submit + "?sid=s&client_secret=c&token=t", null).body().path("errcode").asText())
                    .isEqualTo("M_THREEPID_AUTH_FAILED");
            assertThat(rawCall("PUT", submit, "{}").status()).isEqualTo(405);

            String password = "/_matrix/client/v3/account/password";
            for (String body : new String[] {"null", "[]", "{", "{\"auth\":[]}", "{\"auth\":{\"type\":\"m.login.email.identity\"}}",
                    "{\"auth\":{\"type\":\"m.login.email.identity\",\"threepid_creds\":{\"sid\":1,\"client_secret\":\"c\"}},"
                            + "\"new_password\":\"p\"}",
                    "{\"auth\":{\"type\":\"m.login.email.identity\",\"threepid_creds\":{\"sid\":\"s\",\"client_secret\":\"c\"}},"
                            + "\"new_password\":[]}",
                    "{\"auth\":{\"type\":\"m.login.email.identity\",\"threepid_creds\":{\"sid\":\"s\",\"client_secret\":\"c\"}},"
                            + "\"new_password\":\"long-enough\",\"logout_devices\":\"yes\"}"}) {
                JsonHttp.Reply r = rawCall("POST", password, body);
                assertThat(r.status()).as(body).isEqualTo(400);
                assertThat(r.body().path("errcode").asText()).as(body).isIn("M_BAD_JSON", "M_NOT_JSON", "M_MISSING_PARAM");
            }
            assertThat(rawCall("POST", password, "{\"auth\":{\"type\":\"m.login.email.identity\",\"threepid_creds\":{\"sid\":\"s\","
                    + "\"client_secret\":\"c\"}},\"new_password\":\"long-enough\"}").body().path("errcode").asText()).isEqualTo("M_THREEPID_AUTH_FAILED");

            String onbind = "/_matrix/federation/v1/3pid/onbind";
            assertThat(http.register("alice", "alice-password")).isNotEmpty();
            for (String body : new String[] {"null", "[]", "{\"mxid\":\"@nobody:localhost\",\"invites\":[]}",
                    "{\"mxid\":\"@alice:localhost\",\"invites\":{}}", "{\"mxid\":\"@alice:localhost\",\"invites\":[1]}",
                    "{\"mxid\":\"@alice:localhost\",\"invites\":[{\"room_id\":\"!r:localhost\",\"sender\":\"@alice:localhost\","
                            + "\"mxid\":\"@alice:localhost\",\"signed\":{\"mxid\":\"@alice:localhost\",\"token\":\"t\",\"signatures\":{}}}]}"}) {
                JsonHttp.Reply r = rawCall("PUT", onbind, body);
                assertThat(r.status()).as(body).isBetween(400, 499);
                assertThat(r.body().path("errcode").asText()).as(body).startsWith("M_");
            }
        }
    }
}
