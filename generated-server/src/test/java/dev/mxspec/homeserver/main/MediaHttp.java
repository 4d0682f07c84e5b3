package dev.mxspec.homeserver.main;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.runtime.json.MatrixJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Uploads and downloads of a test server's content repository, answers as they come (redirects not followed). */
final class MediaHttp {

    private final HttpClient http = HttpClient.newHttpClient();
    private final int port;
    private final String token;

    /** @param token the access token uploads are made with */
    MediaHttp(int port, String token) {
        this.port = port;
        this.token = token;
    }

    /** Uploads {@code bytes}; the {@code serverName/mediaId} of its {@code mxc://} URI. */
    String upload(String contentType, byte[] bytes) throws Exception {
        return contentUri(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/_matrix/media/v3/upload"))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(bytes)));
    }

    /** Reserves a media ID for a later upload; the {@code serverName/mediaId} of its {@code mxc://} URI. */
    String create() throws Exception {
        return contentUri(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/_matrix/media/v1/create"))
                .POST(HttpRequest.BodyPublishers.noBody()));
    }

    private String contentUri(HttpRequest.Builder request) throws Exception {
        HttpResponse<byte[]> r = http.send(request.header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(r.statusCode() + " " + new String(r.body(), java.nio.charset.StandardCharsets.UTF_8));
        }
        return json(r).path("content_uri").asText().substring("mxc://".length());
    }

    /** {@code GET} of a path below {@code /_matrix/media/v3/}, without authentication. */
    HttpResponse<byte[]> get(String path) throws Exception {
        return fetch(URI.create("http://127.0.0.1:" + port + "/_matrix/media/v3/" + path));
    }

    /** {@code GET} of any URL. */
    HttpResponse<byte[]> fetch(URI url) throws Exception {
        return http.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static JsonNode json(HttpResponse<byte[]> r) throws IOException {
        return MatrixJson.mapper().readTree(r.body());
    }
}
