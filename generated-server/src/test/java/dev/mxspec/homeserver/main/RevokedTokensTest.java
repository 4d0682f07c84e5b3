package dev.mxspec.homeserver.main;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.core.ServerConfig;
import dev.mxspec.homeserver.storage.Backends;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Access tokens are looked up once and then kept in memory: every way of ending a session must
 * still end it at once. Each test uses a token (so that it is kept), ends its session and expects
 * the next request with it to be refused with {@code M_UNKNOWN_TOKEN}.
 */
class RevokedTokensTest {

    private static final String PASSWORD = "correct horse battery";

    @TempDir
    Path dir;

    private Homeserver server;
    private JsonHttp http;

    @BeforeEach
    void start() throws Exception {
        server = Homeserver.start(new ServerConfig("localhost", "127.0.0.1", -1, dir.resolve("data").toString(), "sqlite",
                Optional.empty(), true, 0, -1));
        http = new JsonHttp(server.port());
        http.register("ann", PASSWORD);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private JsonHttp.Reply call(String method, String path, String token, String body) throws Exception {
        return http.call(method, path, token, body);
    }

    private JsonNode login(String device, boolean refreshable) throws Exception {
        JsonHttp.Reply r = call("POST", "/login", null, "{\"type\":\"m.login.password\",\"identifier\":{\"type\":\"m.id.user\",\"user\":\"ann\"},"
                + "\"password\":\"" + PASSWORD + "\",\"device_id\":\"" + device + "\",\"refresh_token\":" + refreshable + "}");
        assertThat(r.status()).isEqualTo(200);
        return r.body();
    }

    private String session(String device) throws Exception {
        String token = login(device, false).path("access_token").asText();
        assertThat(call("GET", "/account/whoami", token, null).status()).isEqualTo(200);
        return token;
    }

    private void assertRefused(String token) throws Exception {
        JsonHttp.Reply r = call("GET", "/account/whoami", token, null);
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.body().path("errcode").asText()).isEqualTo("M_UNKNOWN_TOKEN");
    }

    private static String passwordAuth() {
        return "\"auth\":{\"type\":\"m.login.password\",\"identifier\":{\"type\":\"m.id.user\",\"user\":\"ann\"},\"password\":\""
                + PASSWORD + "\"}";
    }

    @Test
    void logoutEndsTheSession() throws Exception {
        String token = session("PHONE");
        String other = session("LAPTOP");
        assertThat(call("POST", "/logout", token, "{}").status()).isEqualTo(200);
        assertRefused(token);
        assertThat(call("GET", "/account/whoami", other, null).status()).isEqualTo(200);
    }

    @Test
    void logoutAllEndsEverySession() throws Exception {
        String token = session("PHONE");
        String other = session("LAPTOP");
        assertThat(call("POST", "/logout/all", token, "{}").status()).isEqualTo(200);
        assertRefused(token);
        assertRefused(other);
    }

    @Test
    void deletingADeviceEndsItsSession() throws Exception {
        String token = session("PHONE");
        String other = session("LAPTOP");
        assertThat(call("DELETE", "/devices/LAPTOP", token, "{" + passwordAuth() + "}").status()).isEqualTo(200);
        assertRefused(other);
        assertThat(call("GET", "/account/whoami", token, null).status()).isEqualTo(200);
    }

    @Test
    void loggingInAgainOnADeviceReplacesItsToken() throws Exception {
        String token = session("PHONE");
        String again = session("PHONE");
        assertRefused(token);
        assertThat(again).isNotEqualTo(token);
    }

    @Test
    void changingThePasswordWithLogoutEndsTheOtherSessions() throws Exception {
        String token = session("PHONE");
        String other = session("LAPTOP");
        JsonHttp.Reply r = call("POST", "/account/password", token, "{\"new_password\":\"" + PASSWORD + "!\",\"logout_devices\":true," + passwordAuth() + "}");
        assertThat(r.status()).isEqualTo(200);
        assertRefused(other);
        assertThat(call("GET", "/account/whoami", token, null).status()).isEqualTo(200);
    }

    @Test
    void deactivationEndsEverySession() throws Exception {
        String token = session("PHONE");
        assertThat(call("POST", "/account/deactivate", token, "{" + passwordAuth() + "}").status()).isEqualTo(200);
        assertRefused(token);
    }

    @Test
    void refreshingEndsTheOldAccessToken() throws Exception {
        JsonNode first = login("PHONE", true);
        String token = first.path("access_token").asText();
        assertThat(call("GET", "/account/whoami", token, null).status()).isEqualTo(200);
        JsonHttp.Reply refreshed = call("POST", "/refresh", null, "{\"refresh_token\":\"" + first.path("refresh_token").asText() + "\"}");
        assertThat(refreshed.status()).isEqualTo(200);
        assertRefused(token);
        assertThat(call("GET", "/account/whoami", refreshed.body().path("access_token").asText(), null).status()).isEqualTo(200);
    }
}
