package dev.mxspec.homeserver.main;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.runtime.json.MatrixJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Plain JSON requests to the Client-Server API of a test server, for tests that read raw responses. */
final class JsonHttp {

    record Reply(int status, JsonNode body) {}

    private final HttpClient http = HttpClient.newHttpClient();
    private final int port;

    JsonHttp(int port) {
        this.port = port;
    }

    int port() {
        return port;
    }

    /** {@code path} below {@code /_matrix/client/v3}; {@code token} and {@code body} may be null. */
    Reply call(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/_matrix/client/v3" + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), MatrixJson.mapper().readTree(r.body()));
    }

    /** A GET-style request (no body) to a path below {@code /_matrix/client/v1}. */
    Reply callV1(String method, String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/_matrix/client/v1" + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), MatrixJson.mapper().readTree(r.body()));
    }

    /** Registers a user with the dummy stage; the access token. */
    String register(String name, String password) throws Exception {
        Reply r = call("POST", "/register", null, "{\"username\":\"" + name + "\",\"password\":\"" + password
                + "\",\"auth\":{\"type\":\"m.login.dummy\"}}");
        if (r.status() != 200) {
            throw new IllegalStateException("register " + name + ": " + r.body());
        }
        return r.body().path("access_token").asText();
    }
}
