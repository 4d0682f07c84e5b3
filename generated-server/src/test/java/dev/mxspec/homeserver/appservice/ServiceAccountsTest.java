package dev.mxspec.homeserver.appservice;

import static dev.mxspec.homeserver.appservice.ServiceFixture.as;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.appservice.ServiceFixture.Reply;
import dev.mxspec.homeserver.core.RateLimits;
import dev.mxspec.homeserver.core.ServerConfig;
import dev.mxspec.homeserver.main.Homeserver;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Registration and login by application services ({@code m.login.application_service}), and the exclusive user
 * namespaces that keep humans and other services out ({@code M_EXCLUSIVE}).
 */
class ServiceAccountsTest {

    private static final String TYPE = "\"type\":\"m.login.application_service\"";

    @TempDir
    Path dir;

    static void assertError(Reply r, int status, String errcode) {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.errcode()).as(r.toString()).isEqualTo(errcode);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aServiceRegistersUsersOfItsNamespacesEvenWhenRegistrationIsClosed(String backend) throws Exception {
        try (ServiceFixture fx = ServiceFixture.start(backend, dir, false, c -> c)) {
            assertError(fx.call("POST", "/register", null, "{\"username\":\"alice\",\"password\":\"a long password\","
                    + "\"auth\":{\"type\":\"m.login.dummy\"}}"), 403, "M_FORBIDDEN");

            JsonNode withLogin = fx.ok("POST", "/register", fx.bridgeToken, "{" + TYPE + ",\"username\":\"_bridge_alice\","
                    + "\"device_id\":\"BRIDGEDEV\",\"initial_device_display_name\":\"bridge puppet\"}");
            assertThat(withLogin.path("user_id").asText()).isEqualTo("@_bridge_alice:localhost");
            assertThat(withLogin.path("device_id").asText()).isEqualTo("BRIDGEDEV");
            JsonNode whoami = fx.ok("GET", "/account/whoami", withLogin.path("access_token").asText(), null);
            assertThat(whoami.path("user_id").asText()).isEqualTo("@_bridge_alice:localhost");
            assertThat(whoami.path("device_id").asText()).as("the puppet's own token has its device").isEqualTo("BRIDGEDEV");
            assertThat(fx.ok("GET", "/profile/" + ServiceFixture.seg("@_bridge_alice:localhost"), null, null).path("displayname").asText())
                    .isEqualTo("_bridge_alice");

            JsonNode inhibited = fx.ok("POST", "/register", fx.bridgeToken, "{" + TYPE + ",\"username\":\"_bridge_bob\",\"inhibit_login\":true}");
            assertThat(inhibited.path("user_id").asText()).isEqualTo("@_bridge_bob:localhost");
            assertThat(inhibited.has("access_token")).isFalse();
            assertThat(inhibited.has("device_id")).isFalse();
            assertThat(fx.ok("GET", "/account/whoami?" + as("@_bridge_bob:localhost"), fx.bridgeToken, null).path("user_id").asText())
                    .isEqualTo("@_bridge_bob:localhost");

            assertError(fx.registerForService(fx.bridgeToken, "_bridge_bob"), 400, "M_USER_IN_USE");
            assertError(fx.registerForService(fx.bridgeToken, "_bridge_bot"), 400, "M_USER_IN_USE"); // its sender, made at start
            assertThat(fx.registerForService(fx.loggerToken, "log_carol").status()).as("a non-exclusive namespace").isEqualTo(200);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void registrationsOutsideOnesNamespacesAreRefused(String backend) throws Exception {
        try (ServiceFixture fx = ServiceFixture.start(backend, dir)) {
            String alice = fx.registerHuman("alice");
            // a service outside its namespaces, or in another's exclusive one
            assertError(fx.registerForService(fx.bridgeToken, "bob"), 400, "M_EXCLUSIVE");
            assertError(fx.registerForService(fx.bridgeToken, "log_bob"), 400, "M_EXCLUSIVE");
            assertError(fx.registerForService(fx.loggerToken, "_bridge_shared_bob"), 400, "M_EXCLUSIVE");
            assertError(fx.registerForService(fx.loggerToken, "_bridge_bot"), 400, "M_EXCLUSIVE");
            // a human in an exclusive namespace (also the sender's name), before and after the interactive stage
            for (String name : new String[] {"_bridge_bob", "_bridge_bot", "_bridge_shared_bob"}) {
                assertError(fx.call("POST", "/register", null, "{\"username\":\"" + name + "\",\"password\":\"a long password\"}"), 400,
                        "M_EXCLUSIVE");
                assertError(fx.call("POST", "/register", null, "{\"username\":\"" + name + "\",\"password\":\"a long password\","
                        + "\"auth\":{\"type\":\"m.login.dummy\"}}"), 400, "M_EXCLUSIVE");
                assertError(fx.call("GET", "/register/available?username=" + name, null, null), 400, "M_EXCLUSIVE");
            }
            assertThat(fx.registerHuman("log_bob")).as("a non-exclusive namespace is open to humans").isNotEmpty();
            assertThat(fx.ok("GET", "/register/available?username=log_dave", null, null).path("available").asBoolean()).isTrue();

            // the type without a service's token
            assertError(fx.call("POST", "/register", null, "{" + TYPE + ",\"username\":\"_bridge_x\"}"), 401, "M_MISSING_TOKEN");
            assertError(fx.call("POST", "/register", alice, "{" + TYPE + ",\"username\":\"_bridge_x\"}"), 401, "M_UNKNOWN_TOKEN");
            assertError(fx.call("POST", "/register", "never-issued", "{" + TYPE + ",\"username\":\"_bridge_x\"}"), 401, "M_UNKNOWN_TOKEN");
            // malformed registrations
            assertError(fx.call("POST", "/register", fx.bridgeToken, "{" + TYPE + "}"), 400, "M_MISSING_PARAM");
            assertError(fx.call("POST", "/register", fx.bridgeToken, "{" + TYPE + ",\"username\":\"_bridge_Not Valid\"}"), 400,
                    "M_INVALID_USERNAME");
            assertError(fx.call("POST", "/register", fx.bridgeToken, "{" + TYPE + ",\"username\":\"@_bridge_x:elsewhere.example\"}"), 400,
                    "M_INVALID_USERNAME");
            assertThat(fx.call("POST", "/register", fx.bridgeToken, "{" + TYPE + ",\"username\":7}").status()).isEqualTo(400);
            assertThat(fx.call("POST", "/register", fx.bridgeToken, "null").status()).isEqualTo(400);
            assertThat(fx.call("POST", "/register", fx.bridgeToken, "[]").status()).isEqualTo(400);

            // none of the refused users exists
            for (String user : new String[] {"@bob:localhost", "@_bridge_bob:localhost", "@_bridge_shared_bob:localhost", "@_bridge_x:localhost"}) {
                assertError(fx.call("GET", "/profile/" + ServiceFixture.seg(user), null, null), 404, "M_NOT_FOUND");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aServiceLogsInAsTheUsersOfItsNamespaces(String backend) throws Exception {
        try (ServiceFixture fx = ServiceFixture.start(backend, dir)) {
            String alice = fx.registerHuman("alice");
            assertThat(fx.registerForService(fx.bridgeToken, "_bridge_ghost").status()).isEqualTo(200);

            JsonNode flows = fx.ok("GET", "/login", null, null).path("flows");
            List<String> types = new ArrayList<>();
            flows.forEach(f -> types.add(f.path("type").asText()));
            assertThat(types).contains("m.login.application_service", "m.login.password");

            JsonNode login = fx.ok("POST", "/login", fx.bridgeToken, "{" + TYPE + ",\"identifier\":{\"type\":\"m.id.user\",\"user\":"
                    + "\"_bridge_ghost\"},\"device_id\":\"GHOSTDEV\"}");
            assertThat(login.path("user_id").asText()).isEqualTo("@_bridge_ghost:localhost");
            JsonNode whoami = fx.ok("GET", "/account/whoami", login.path("access_token").asText(), null);
            assertThat(whoami.path("device_id").asText()).isEqualTo("GHOSTDEV");
            assertThat(fx.ok("POST", "/login", fx.bridgeToken, "{" + TYPE + ",\"identifier\":{\"type\":\"m.id.user\",\"user\":"
                    + "\"@_bridge_bot:localhost\"}}").path("user_id").asText()).as("its sender, by user ID").isEqualTo("@_bridge_bot:localhost");

            String asGhost = "{" + TYPE + ",\"identifier\":{\"type\":\"m.id.user\",\"user\":\"_bridge_ghost\"}}";
            assertError(fx.call("POST", "/login", null, asGhost), 401, "M_MISSING_TOKEN");
            assertError(fx.call("POST", "/login", alice, asGhost), 401, "M_UNKNOWN_TOKEN");
            assertError(fx.call("POST", "/login", fx.loggerToken, asGhost), 400, "M_EXCLUSIVE");
            assertError(fx.call("POST", "/login", fx.bridgeToken, "{" + TYPE + ",\"identifier\":{\"type\":\"m.id.user\",\"user\":\"alice\"}}"),
                    400, "M_EXCLUSIVE");
            assertError(fx.call("POST", "/login", fx.bridgeToken, "{" + TYPE + ",\"identifier\":{\"type\":\"m.id.user\",\"user\":"
                    + "\"@_bridge_ghost:elsewhere.example\"}}"), 400, "M_EXCLUSIVE");
            assertError(fx.call("POST", "/login", fx.bridgeToken, "{" + TYPE + ",\"identifier\":{\"type\":\"m.id.user\",\"user\":"
                    + "\"_bridge_unregistered\"}}"), 403, "M_FORBIDDEN");
            assertError(fx.call("POST", "/login", fx.bridgeToken, "{" + TYPE + ",\"identifier\":{\"type\":\"m.id.thirdparty\",\"medium\":"
                    + "\"email\",\"address\":\"a@example.org\"}}"), 400, "M_INVALID_PARAM");
            assertError(fx.call("POST", "/login", fx.bridgeToken, "{" + TYPE + ",\"user\":\"_bridge_ghost\"}"), 400, "M_INVALID_PARAM");
            assertError(fx.call("POST", "/login", fx.bridgeToken, "{" + TYPE + ",\"identifier\":{\"type\":\"m.id.user\",\"user\":7}}"), 400,
                    "M_INVALID_PARAM");
        }
    }

    @Test
    void theLoginTypeIsOfferedOnlyWhenServicesAreConfigured() throws Exception {
        try (Homeserver server = Homeserver.start(new ServerConfig("localhost", "127.0.0.1", -1, dir.resolve("data").toString(), "sqlite",
                Optional.empty(), true, 0, -1))) {
            ServiceFixture.Reply flows = new ServiceFixture.Client(server.port()).call("GET", "/_matrix/client/v3/login", null, null);
            assertThat(flows.json().path("flows").toString()).contains("m.login.password").doesNotContain("application_service");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void theUsersOfAServiceThatIsNotRateLimitedAreNot(String backend) throws Exception {
        RateLimits tight = new RateLimits(RateLimits.DEFAULT_LOGIN, RateLimits.DEFAULT_LOGIN_FAILURES, new RateLimits.Limit(0.001, 3.0),
                new RateLimits.Limit(0.001, 3.0));
        try (ServiceFixture fx = ServiceFixture.start(backend, dir, true, c -> c.withRateLimits(tight))) {
            for (int i = 0; i < 6; i++) { // the bridge says rate_limited: false
                assertThat(fx.registerForService(fx.bridgeToken, "_bridge_u" + i).status()).isEqualTo(200);
            }
            List<Integer> logger = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                logger.add(fx.registerForService(fx.loggerToken, "log_u" + i).status());
            }
            assertThat(logger).as("the logger is rate-limited").contains(429).startsWith(200, 200);

            String room = fx.ok("POST", "/createRoom", fx.bridgeToken, "{\"preset\":\"public_chat\"}").path("room_id").asText();
            String path = "/rooms/" + ServiceFixture.seg(room) + "/send/m.room.message/";
            String body = "{\"msgtype\":\"m.text\",\"body\":\"x\"}";
            fx.ok("POST", "/join/" + ServiceFixture.seg(room) + "?" + as("@_bridge_u0:localhost"), fx.bridgeToken, "{}");
            fx.ok("POST", "/join/" + ServiceFixture.seg(room) + "?" + as("@log_u0:localhost"), fx.loggerToken, "{}");
            fx.ok("POST", "/join/" + ServiceFixture.seg(room), fx.loggerToken, "{}");
            for (int i = 0; i < 6; i++) {
                fx.ok("PUT", path + "b" + i, fx.bridgeToken, body);
                fx.ok("PUT", path + "g" + i + "?" + as("@_bridge_u0:localhost"), fx.bridgeToken, body);
                fx.ok("PUT", path + "l" + i, fx.loggerToken, body); // a service's sender never is
            }
            List<Integer> ghost = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                ghost.add(fx.call("PUT", path + "lg" + i + "?" + as("@log_u0:localhost"), fx.loggerToken, body).status());
            }
            assertThat(ghost).as("the logger's users are").contains(429).startsWith(200, 200);
        }
    }
}
