package dev.mxspec.homeserver.appservice;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.core.ServerConfig;
import dev.mxspec.homeserver.main.Homeserver;
import dev.mxspec.homeserver.storage.Backends;
import dev.mxspec.runtime.api.PathCodec;
import dev.mxspec.runtime.json.MatrixJson;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A homeserver on a free port with two application services registered: {@code bridge} (exclusive user namespace
 * {@code @_bridge_.*}, exclusive aliases {@code #_bridge_.*}, not rate-limited, protocol {@code irc}) and {@code logger}
 * (non-exclusive {@code @log_.*} and {@code @_bridge_shared_.*}, non-exclusive aliases {@code #log_.*}, rate-limited).
 */
final class ServiceFixture implements AutoCloseable {

    static final String CS = "/_matrix/client/v3";

    /** A response: status and JSON body. */
    record Reply(int status, JsonNode json) {

        String errcode() {
            return json == null ? "" : json.path("errcode").asText("");
        }

        @Override
        public String toString() {
            return status + " " + json;
        }
    }

    final String bridgeToken = token();
    final String bridgeHsToken = token();
    final String loggerToken = token();
    final String loggerHsToken = token();
    final Homeserver server;
    private final Client client;

    private ServiceFixture(String backend, Path dir, boolean registration, UnaryOperator<ServerConfig> configure) throws Exception {
        Path bridge = Files.writeString(dir.resolve("bridge.yaml"), """
                id: bridge
                url: null
                as_token: "%s"
                hs_token: "%s"
                sender_localpart: _bridge_bot
                rate_limited: false
                protocols: [irc]
                namespaces:
                  users:
                    - exclusive: true
                      regex: "@_bridge_.*"
                  aliases:
                    - exclusive: true
                      regex: "#_bridge_.*"
                  rooms: []
                """.formatted(bridgeToken, bridgeHsToken));
        Path logger = Files.writeString(dir.resolve("logger.yaml"), """
                id: logger
                url: null
                as_token: "%s"
                hs_token: "%s"
                sender_localpart: logger
                namespaces:
                  users:
                    - exclusive: false
                      regex: "@log_.*"
                    - exclusive: false
                      regex: "@_bridge_shared_.*"
                  aliases:
                    - exclusive: false
                      regex: "#log_.*"
                """.formatted(loggerToken, loggerHsToken));
        Optional<String> pg = backend.equals("postgresql") ? Optional.of(Backends.postgresSchemaUrl()) : Optional.empty();
        ServerConfig config = new ServerConfig("localhost", "127.0.0.1", -1, dir.resolve("data").toString(), backend, pg, registration, 0, -1)
                .withAppServiceConfigFiles(List.of(bridge.toString(), logger.toString()));
        this.server = Homeserver.start(configure.apply(config));
        this.client = new Client(server.port());
    }

    static ServiceFixture start(String backend, Path dir) throws Exception {
        return new ServiceFixture(backend, dir, true, c -> c);
    }

    /** @param registration whether humans may register ({@code registration} in the configuration) */
    static ServiceFixture start(String backend, Path dir, boolean registration, UnaryOperator<ServerConfig> configure) throws Exception {
        return new ServiceFixture(backend, dir, registration, configure);
    }

    static String token() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** {@code pathAndQuery} below {@code /_matrix/client/v3} (already encoded); {@code token} and {@code body} may be null. */
    Reply call(String method, String pathAndQuery, String token, String body) throws Exception {
        return raw(method, CS + pathAndQuery, token, body);
    }

    Reply raw(String method, String pathAndQuery, String token, String body) throws Exception {
        return client.call(method, pathAndQuery, token, body);
    }

    /** Plain HTTP to a test server: the path and query as given (already encoded). */
    static final class Client {

        private final HttpClient http = HttpClient.newHttpClient();
        private final int port;

        Client(int port) {
            this.port = port;
        }

        Reply call(String method, String pathAndQuery, String token, String body) throws Exception {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            if (token != null) {
                b.header("Authorization", "Bearer " + token);
            }
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = r.body().isEmpty() ? null : MatrixJson.mapper().readTree(r.body());
            return new Reply(r.statusCode(), json);
        }
    }

    /** A call that must answer 200; its body. */
    JsonNode ok(String method, String pathAndQuery, String token, String body) throws Exception {
        Reply r = call(method, pathAndQuery, token, body);
        if (r.status() != 200) {
            throw new IllegalStateException(method + " " + pathAndQuery + ": " + r);
        }
        return r.json();
    }

    /** A human registered with a password (dummy stage); the access token. */
    String registerHuman(String name) throws Exception {
        return ok("POST", "/register", null, "{\"username\":\"" + name + "\",\"password\":\"a password of " + name
                + "\",\"auth\":{\"type\":\"m.login.dummy\"}}").path("access_token").asText();
    }

    /** A user registered by the service whose {@code as_token} is given, without logging in. */
    Reply registerForService(String asToken, String localpart) throws Exception {
        return call("POST", "/register", asToken, "{\"type\":\"m.login.application_service\",\"username\":\"" + localpart
                + "\",\"inhibit_login\":true}");
    }

    /** {@code ?user_id=} for a service's request. */
    static String as(String userId) {
        return "user_id=" + URLEncoder.encode(userId, StandardCharsets.UTF_8);
    }

    static String seg(String value) {
        return PathCodec.encodeSegment(value);
    }

    @Override
    public void close() {
        server.close();
    }
}
