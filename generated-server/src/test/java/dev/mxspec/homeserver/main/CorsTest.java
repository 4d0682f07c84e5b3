package dev.mxspec.homeserver.main;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mxspec.homeserver.core.RateLimits;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Client-Server API's "Web Browser Clients": an {@code OPTIONS} preflight is answered on every
 * path before routing and runs no endpoint logic, and every response (successes, the router's
 * errors, Jetty's own refusals, rate limits) carries the CORS headers.
 */
class CorsTest {

    private static final Map<String, String> CORS = Map.of(
            "access-control-allow-origin", "*",
            "access-control-allow-methods", "GET, HEAD, POST, PUT, DELETE, OPTIONS",
            "access-control-allow-headers", "X-Requested-With, Content-Type, Authorization");

    @TempDir
    Path dir;

    private static Map<String, String> cors(RawHttp.Response r) {
        Map<String, String> found = new LinkedHashMap<>();
        CORS.keySet().forEach(name -> found.put(name, r.header(name)));
        return found;
    }

    private static String request(String method, String target, String extraHeaders, String body) {
        return method + " " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nOrigin: http://app.example\r\n" + extraHeaders
                + (body == null ? "" : "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n") + "\r\n"
                + (body == null ? "" : body);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aPreflightIsAnsweredOnEveryPathWithoutRunningTheEndpoint(String backend) throws Exception {
        try (Homeserver server = TestServers.start(backend, dir, c -> c)) {
            String preflight = "Access-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: authorization, content-type\r\n";
            String register = "{\"username\":\"ann\",\"password\":\"correct horse battery\",\"auth\":{\"type\":\"m.login.dummy\"}}";
            for (String path : List.of("/_matrix/client/v3/register", "/_matrix/client/v3/no/such/endpoint", "/", "/.well-known/matrix/client",
                    "/_matrix/media/v3/upload")) {
                RawHttp.Response r = RawHttp.send(server.port(), request("OPTIONS", path, preflight, path.endsWith("register") ? register : null));

                assertThat(r.status()).as(path).isEqualTo(204);
                assertThat(cors(r)).as(path).isEqualTo(CORS);
                assertThat(r.body()).as(path).isEmpty();
            }
            JsonHttp.Reply available = new JsonHttp(server.port()).call("GET", "/register/available?username=ann", null, null);
            assertThat(available.status()).as("OPTIONS /register registered no one").isEqualTo(200);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void everyResponseCarriesTheCorsHeadersErrorsIncluded(String backend) throws Exception {
        try (Homeserver server = TestServers.start(backend, dir,
                c -> c.withRateLimits(RateLimits.defaults().withLogin(new RateLimits.Limit(0.001, 1.0))))) {
            String login = "{\"type\":\"m.login.password\",\"identifier\":{\"type\":\"m.id.user\",\"user\":\"nobody\"},\"password\":\"x\"}";
            Map<String, Integer> statuses = new LinkedHashMap<>();
            for (String[] call : List.of(
                    new String[] {"GET", "/_matrix/client/versions", null},
                    new String[] {"GET", "/_matrix/client/v3/account/whoami", null},
                    new String[] {"GET", "/_matrix/client/v3/no/such/endpoint", null},
                    new String[] {"DELETE", "/_matrix/client/versions", null},
                    new String[] {"POST", "/_matrix/client/v3/register", "{not json"},
                    new String[] {"GET", "/_matrix/client/v3//sync", null},
                    new String[] {"POST", "/_matrix/client/v3/login", login},
                    new String[] {"POST", "/_matrix/client/v3/login", login})) {
                RawHttp.Response r = RawHttp.send(server.port(), request(call[0], call[1], "", call[2]));
                statuses.merge(call[0] + " " + call[1], r.status(), (a, b) -> a * 1000 + b);
                assertThat(cors(r)).as(call[0] + " " + call[1]).isEqualTo(CORS);
            }
            assertThat(statuses).containsExactly(Map.entry("GET /_matrix/client/versions", 200), Map.entry("GET /_matrix/client/v3/account/whoami", 401),
                    Map.entry("GET /_matrix/client/v3/no/such/endpoint", 404), Map.entry("DELETE /_matrix/client/versions", 405),
                    Map.entry("POST /_matrix/client/v3/register", 400), Map.entry("GET /_matrix/client/v3//sync", 400),
                    Map.entry("POST /_matrix/client/v3/login", 403_429));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void headIsAnsweredLikeGetWithoutTheBody(String backend) throws Exception {
        try (Homeserver server = TestServers.start(backend, dir, c -> c)) {
            RawHttp.Response get = RawHttp.send(server.port(), request("GET", "/_matrix/client/versions", "", null));
            RawHttp.Response head = RawHttp.send(server.port(), request("HEAD", "/_matrix/client/versions", "", null));

            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("Content-Length")).isEqualTo(get.header("Content-Length")).isEqualTo(Integer.toString(get.body().length()));
            assertThat(head.body()).isEmpty();
            assertThat(cors(head)).isEqualTo(CORS);
        }
    }
}
