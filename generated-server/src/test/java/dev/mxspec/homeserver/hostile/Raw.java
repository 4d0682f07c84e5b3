package dev.mxspec.homeserver.hostile;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.runtime.json.MatrixJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Raw HTTP to a test server: the path and query are sent exactly as given (already
 * percent-encoded, as a client would put them on the wire), so that every encoding reaches Jetty
 * and the router as sent. Counts the requests it makes.
 */
final class Raw {

    /** A response: status, the body as text, and the body as JSON when it is JSON. */
    record Reply(int status, String text, JsonNode json) {

        /** A Matrix error: a JSON object with string {@code errcode} and {@code error}. */
        boolean isMatrixError() {
            return json != null && json.isObject() && json.path("errcode").isTextual() && json.path("error").isTextual();
        }

        String errcode() {
            return json == null ? "" : json.path("errcode").asText("");
        }

        @Override
        public String toString() {
            return status + " " + (text.length() > 300 ? text.substring(0, 300) + "..." : text);
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;
    private final AtomicInteger requests = new AtomicInteger();

    Raw(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    int requests() {
        return requests.get();
    }

    Reply send(String method, String pathAndQuery, String token, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        requests.incrementAndGet();
        HttpResponse<byte[]> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (java.io.IOException e) {
            // the server closed the connection (as Jetty does after refusing an over-long request line):
            // one more try, on a new connection
            try {
                r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (java.io.IOException again) {
                return new Reply(0, "no response: " + again.getMessage(), null);
            }
        }
        String text = new String(r.body(), StandardCharsets.UTF_8);
        JsonNode json = null;
        if (r.headers().firstValue("content-type").orElse("").startsWith("application/json")) {
            try {
                json = MatrixJson.mapper().readTree(r.body());
            } catch (java.io.IOException e) {
                json = null;
            }
        }
        return new Reply(r.statusCode(), text, json);
    }

    Reply send(String method, String pathAndQuery, String token, String body) throws Exception {
        return send(method, pathAndQuery, token, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    /** A call that must succeed; its JSON body. */
    JsonNode ok(String method, String pathAndQuery, String token, String body) throws Exception {
        Reply r = send(method, pathAndQuery, token, body);
        if (r.status() != 200) {
            throw new IllegalStateException(method + " " + pathAndQuery + ": " + r);
        }
        return r.json();
    }
}
