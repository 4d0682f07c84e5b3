package dev.mxspec.homeserver.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.main.Homeserver;
import dev.mxspec.runtime.json.MatrixJson;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;

/** The client-server API of test homeservers, as the federation tests' users call it. */
final class ClientApi {

    private final HttpClient http = HttpClient.newHttpClient();

    /** A request to {@code /_matrix/client/v3{path}}, answered as it is. */
    HttpResponse<String> raw(Homeserver server, String method, String path, String token, String body) throws Exception {
        return rawPrefixed(server, method, "/_matrix/client/v3" + path, token, body);
    }

    /** A GET of {@code fullPath} (another prefix than v3's) that must succeed: its JSON answer. */
    JsonNode callPrefix(Homeserver server, String method, String fullPath, String token) throws Exception {
        HttpResponse<String> response = rawPrefixed(server, method, fullPath, token, null);
        assertThat(response.statusCode()).as(method + " " + fullPath + ": " + response.body()).isEqualTo(200);
        return MatrixJson.mapper().readTree(response.body());
    }

    private HttpResponse<String> rawPrefixed(Homeserver server, String method, String fullPath, String token, String body) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + fullPath))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            r.header("Authorization", "Bearer " + token);
        }
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A request that must succeed: its JSON answer. */
    JsonNode call(Homeserver server, String method, String path, String token, String body) throws Exception {
        HttpResponse<String> response = raw(server, method, path, token, body);
        assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isEqualTo(200);
        return MatrixJson.mapper().readTree(response.body());
    }

    /** Registers {@code name} (password {@code name-password}); the access token. */
    String register(Homeserver server, String name) throws Exception {
        return call(server, "POST", "/register", null, "{\"username\":\"" + name + "\",\"password\":\"" + name
                + "-password\",\"auth\":{\"type\":\"m.login.dummy\"}}").path("access_token").asText();
    }

    /** Syncs until {@code seen} holds, for up to 20 s (transactions go out in the background). */
    JsonNode syncUntil(Homeserver server, String token, Predicate<JsonNode> seen) throws Exception {
        long end = System.currentTimeMillis() + 20_000;
        JsonNode last = null;
        while (System.currentTimeMillis() < end) {
            last = call(server, "GET", "/sync?timeout=1000", token, null);
            if (seen.test(last)) {
                return last;
            }
        }
        throw new AssertionError("not seen within 20 s; last sync: " + last);
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
