package dev.mxspec.homeserver.main;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.runtime.json.MatrixJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * v1.7's asynchronous uploads: a reserved ID comes with {@code unused_expires_at}, a user holds a
 * limited number of them, and a download of an ID not yet filled waits for the upload, up to
 * {@code timeout_ms}, then answers 504 {@code M_NOT_YET_UPLOADED}.
 */
class AsyncUploadTest {

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private String base;

    private HttpResponse<String> call(String method, String path, String token, String contentType, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return MatrixJson.mapper().readTree(r.body());
    }

    @Test
    void reservedIdsExpireAreLimitedAndDownloadsWaitForTheirUpload() throws Exception {
        try (Homeserver server = TestServers.start("sqlite", dir, config -> config)) {
            base = "http://127.0.0.1:" + server.port();
            String alice = new JsonHttp(server.port()).register("alice", "alice-password");
            long before = System.currentTimeMillis();
            JsonNode created = json(call("POST", "/_matrix/media/v1/create", alice, null, null));
            String mxc = created.path("content_uri").asText();
            assertThat(created.path("unused_expires_at").asLong()).isBetween(before + 23 * 3_600_000L, before + 25 * 3_600_000L);
            String mediaPath = mxc.substring("mxc://".length());

            // not uploaded yet: a download waits for timeout_ms, then 504
            long start = System.nanoTime();
            HttpResponse<String> early = call("GET", "/_matrix/media/v3/download/" + mediaPath + "?timeout_ms=300", null, null, null);
            assertThat(early.statusCode()).isEqualTo(504);
            assertThat(json(early).path("errcode").asText()).isEqualTo("M_NOT_YET_UPLOADED");
            assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(300);
            assertThat(call("GET", "/_matrix/media/v3/thumbnail/" + mediaPath + "?width=32&height=32&timeout_ms=100", null, null, null)
                    .statusCode()).isEqualTo(504);

            // a download that waits long enough gets the upload made meanwhile
            CompletableFuture<HttpResponse<String>> waiting = CompletableFuture.supplyAsync(() -> {
                try {
                    return call("GET", "/_matrix/media/v3/download/" + mediaPath + "?timeout_ms=10000", null, null, null);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(300);
            assertThat(waiting).isNotDone();
            assertThat(call("PUT", "/_matrix/media/v3/upload/" + mediaPath, alice, "text/plain", "late but here").statusCode()).isEqualTo(200);
            HttpResponse<String> arrived = waiting.get();
            assertThat(arrived.statusCode()).isEqualTo(200);
            assertThat(arrived.body()).isEqualTo("late but here");
            assertThat(call("PUT", "/_matrix/media/v3/upload/" + mediaPath, alice, "text/plain", "again").statusCode()).isEqualTo(409);

            // an ID never created answers 404 at once, without waiting
            start = System.nanoTime();
            assertThat(call("GET", "/_matrix/media/v3/download/localhost/nosuchmedia?timeout_ms=5000", null, null, null).statusCode())
                    .isEqualTo(404);
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2_000);

            // at most five reservations not yet filled
            for (int i = 0; i < 5; i++) {
                assertThat(call("POST", "/_matrix/media/v1/create", alice, null, null).statusCode()).isEqualTo(200);
            }
            HttpResponse<String> sixth = call("POST", "/_matrix/media/v1/create", alice, null, null);
            assertThat(sixth.statusCode()).isEqualTo(429);
            assertThat(json(sixth).path("errcode").asText()).isEqualTo("M_LIMIT_EXCEEDED");
            assertThat(json(sixth).path("retry_after_ms").asLong()).isPositive();
            // another user is not held to alice's reservations
            String bob = new JsonHttp(server.port()).register("bob", "bob-password");
            assertThat(call("POST", "/_matrix/media/v1/create", bob, null, null).statusCode()).isEqualTo(200);
        }
    }
}
