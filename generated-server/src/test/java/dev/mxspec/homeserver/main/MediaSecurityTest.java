package dev.mxspec.homeserver.main;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.runtime.json.MatrixJson;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Uploads a browser would run (HTML, SVG) come back as attachments under a sandboxing content
 * security policy, never inline, and have no thumbnail; a media ID reserved with {@code /create} can be filled only by the
 * user who reserved it (anonymous requests included: v1.7's data does not mark that endpoint as
 * authenticated), and only once.
 */
class MediaSecurityTest {

    private static final String CSP = "sandbox; default-src 'none'; script-src 'none'; plugin-types application/pdf; "
            + "style-src 'unsafe-inline'; media-src 'self'; object-src 'self';";
    private static final List<String> SECURITY_HEADERS = List.of("content-type", "content-disposition", "content-security-policy",
            "x-content-type-options", "cross-origin-resource-policy", "access-control-allow-origin");

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<byte[]> send(int port, String method, String path, String token, String contentType, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private String upload(int port, String token, String contentType, String filename, byte[] bytes) throws Exception {
        HttpResponse<byte[]> r = send(port, "POST", "/_matrix/media/v3/upload?filename=" + URLEncoder.encode(filename, StandardCharsets.UTF_8),
                token, contentType, bytes);
        assertThat(r.statusCode()).isEqualTo(200);
        return json(r).path("content_uri").asText().substring("mxc://".length());
    }

    private static JsonNode json(HttpResponse<byte[]> r) throws Exception {
        return MatrixJson.mapper().readTree(r.body());
    }

    private static Map<String, String> securityHeaders(HttpResponse<?> r) {
        Map<String, String> found = new LinkedHashMap<>();
        SECURITY_HEADERS.forEach(name -> found.put(name, r.headers().firstValue(name).orElse(null)));
        return found;
    }

    private static Map<String, String> expected(String contentType, String disposition) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", contentType);
        headers.put("content-disposition", disposition);
        headers.put("content-security-policy", CSP);
        headers.put("x-content-type-options", "nosniff");
        headers.put("cross-origin-resource-policy", "cross-origin");
        headers.put("access-control-allow-origin", "*");
        return headers;
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void htmlAndSvgUploadsAreServedAsSandboxedAttachmentsAndImagesInline(String backend) throws Exception {
        try (Homeserver server = TestServers.start(backend, dir, c -> c)) {
            int port = server.port();
            String token = new JsonHttp(port).register("ann", "correct horse battery");
            byte[] html = "<html><script>alert(document.cookie)</script></html>".getBytes(StandardCharsets.UTF_8);
            byte[] svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>".getBytes(StandardCharsets.UTF_8);
            byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
            String htmlId = upload(port, token, "text/html", "evil.html", html);
            String svgId = upload(port, token, "image/svg+xml", "naïve drawing.svg", svg);
            String pngId = upload(port, token, "image/png", "cat.png", png);

            HttpResponse<byte[]> htmlDownload = send(port, "GET", "/_matrix/media/v3/download/" + htmlId, null, null, null);
            HttpResponse<byte[]> htmlThumbnail = send(port, "GET", "/_matrix/media/v3/thumbnail/" + htmlId + "?width=32&height=32", null, null, null);
            HttpResponse<byte[]> htmlRenamed = send(port, "GET", "/_matrix/media/v3/download/" + htmlId + "/page.html", null, null, null);
            HttpResponse<byte[]> svgDownload = send(port, "GET", "/_matrix/media/v3/download/" + svgId, null, null, null);
            HttpResponse<byte[]> pngDownload = send(port, "GET", "/_matrix/media/v3/download/" + pngId, null, null, null);

            assertThat(htmlDownload.statusCode()).isEqualTo(200);
            assertThat(htmlDownload.body()).isEqualTo(html);
            assertThat(securityHeaders(htmlDownload)).isEqualTo(expected("text/html; charset=UTF-8", "attachment; filename=evil.html"));
            assertThat(htmlThumbnail.statusCode()).as("no thumbnail of what is not an image").isEqualTo(400);
            assertThat(json(htmlThumbnail).path("errcode").asText()).isEqualTo("M_UNKNOWN");
            assertThat(securityHeaders(htmlThumbnail)).isEqualTo(expected("application/json", null));
            assertThat(securityHeaders(htmlRenamed)).isEqualTo(expected("text/html; charset=UTF-8", "attachment; filename=page.html"));
            assertThat(svgDownload.body()).isEqualTo(svg);
            assertThat(securityHeaders(svgDownload)).isEqualTo(expected("image/svg+xml; charset=UTF-8",
                    "attachment; filename*=utf-8''na%C3%AFve%20drawing.svg"));
            assertThat(pngDownload.body()).isEqualTo(png);
            assertThat(securityHeaders(pngDownload)).isEqualTo(expected("image/png", "inline; filename=cat.png"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void onlyTheCreatorOfAReservedMediaIdMayFillItAndOnlyOnce(String backend) throws Exception {
        try (Homeserver server = TestServers.start(backend, dir, c -> c)) {
            int port = server.port();
            JsonHttp json = new JsonHttp(port);
            String ann = json.register("ann", "correct horse battery");
            String eve = json.register("eve", "correct horse battery");
            HttpResponse<byte[]> created = send(port, "POST", "/_matrix/media/v1/create", ann, null, null);
            String mediaId = json(created).path("content_uri").asText().substring("mxc://localhost/".length());
            String uploadPath = "/_matrix/media/v3/upload/localhost/" + mediaId + "?filename=a.txt";
            byte[] evil = "<script>alert(1)</script>".getBytes(StandardCharsets.UTF_8);
            byte[] real = "the real file".getBytes(StandardCharsets.UTF_8);

            HttpResponse<byte[]> anonymous = send(port, "PUT", uploadPath, null, "text/html", evil);
            HttpResponse<byte[]> badToken = send(port, "PUT", uploadPath, "not-a-token", "text/html", evil);
            HttpResponse<byte[]> byEve = send(port, "PUT", uploadPath, eve, "text/html", evil);
            HttpResponse<byte[]> afterEve = send(port, "GET", "/_matrix/media/v3/download/localhost/" + mediaId + "?timeout_ms=50", null,
                    null, null);
            HttpResponse<byte[]> unknown = send(port, "PUT", "/_matrix/media/v3/upload/localhost/NeverCreated123", ann, "text/plain", real);
            HttpResponse<byte[]> byAnn = send(port, "PUT", uploadPath, ann, "text/plain", real);
            HttpResponse<byte[]> again = send(port, "PUT", uploadPath, ann, "text/html", evil);
            HttpResponse<byte[]> eveAgain = send(port, "PUT", uploadPath, eve, "text/html", evil);
            HttpResponse<byte[]> download = send(port, "GET", "/_matrix/media/v3/download/localhost/" + mediaId, null, null, null);

            assertThat(created.statusCode()).isEqualTo(200);
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(json(anonymous).path("errcode").asText()).isEqualTo("M_MISSING_TOKEN");
            assertThat(badToken.statusCode()).isEqualTo(401);
            assertThat(json(badToken).path("errcode").asText()).isEqualTo("M_UNKNOWN_TOKEN");
            assertThat(byEve.statusCode()).isEqualTo(403);
            assertThat(json(byEve)).isEqualTo(MatrixJson.mapper().readTree(
                    "{\"errcode\":\"M_FORBIDDEN\",\"error\":\"only the user who created media " + mediaId + " may upload it\"}"));
            assertThat(afterEve.statusCode()).as("still reserved, nothing stored").isEqualTo(504);
            assertThat(json(afterEve).path("errcode").asText()).isEqualTo("M_NOT_YET_UPLOADED");
            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat(json(unknown)).isEqualTo(MatrixJson.mapper().readTree(
                    "{\"errcode\":\"M_NOT_FOUND\",\"error\":\"media NeverCreated123 was not created for upload\"}"));
            assertThat(byAnn.statusCode()).isEqualTo(200);
            assertThat(again.statusCode()).isEqualTo(409);
            assertThat(json(again)).isEqualTo(MatrixJson.mapper().readTree(
                    "{\"errcode\":\"M_CANNOT_OVERWRITE_MEDIA\",\"error\":\"media " + mediaId + " is already uploaded\"}"));
            assertThat(eveAgain.statusCode()).isEqualTo(409);
            assertThat(download.body()).isEqualTo(real);
            assertThat(download.headers().firstValue("content-type")).hasValue("text/plain; charset=UTF-8");
        }
    }
}
