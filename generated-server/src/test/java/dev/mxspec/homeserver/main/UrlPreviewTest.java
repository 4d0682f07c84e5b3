package dev.mxspec.homeserver.main;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.mxspec.homeserver.core.IpRange;
import dev.mxspec.homeserver.core.UrlPreviewSettings;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** URL previews: OpenGraph of a local page, its image kept as media, the cache, and the addresses never fetched from. */
class UrlPreviewTest {

    @TempDir
    Path dir;

    private HttpServer site;
    private HttpServer other;
    private final AtomicInteger hits = new AtomicInteger();
    private final AtomicInteger otherHits = new AtomicInteger();

    @AfterEach
    void stop() {
        if (site != null) {
            site.stop(0);
        }
        if (other != null) {
            other.stop(0);
        }
    }

    private static byte[] png(int width, int height) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB), "png", out);
        return out.toByteArray();
    }

    /** A site on 127.0.0.1: a page with OpenGraph data, a page with a title only, an image, a big page, a 404. */
    private int serve() throws Exception {
        site = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        byte[] image = png(10, 20);
        site.createContext("/", exchange -> {
            hits.incrementAndGet();
            String path = exchange.getRequestURI().getPath();
            byte[] body;
            String type = "text/html; charset=utf-8";
            int status = 200;
            switch (path) {
                case "/page.html" -> body = ("<html><head><title>Ignored title</title><meta property=\"og:title\" content=\"Matrix Blog Post\">"
                        + "<meta property=\"og:description\" content=\"A really cool post\"><meta property=\"og:image\" content=\"/img.png\">"
                        + "<script>alert(1)</script></head><body>x</body></html>").getBytes(StandardCharsets.UTF_8);
                case "/plain.html" -> body = "<html><head><title> Just a title </title><meta name=\"description\" content=\"Words\"></head></html>"
                        .getBytes(StandardCharsets.UTF_8);
                case "/img.png" -> {
                    body = image;
                    type = "image/png";
                }
                case "/big.html" -> body = ("<html><title>big</title>" + "x".repeat(300_000) + "</html>").getBytes(StandardCharsets.UTF_8);
                default -> {
                    body = "gone".getBytes(StandardCharsets.UTF_8);
                    status = 404;
                }
            }
            exchange.getResponseHeaders().add("Content-Type", type);
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        site.start();
        return site.getAddress().getPort();
    }

    private static JsonHttp.Reply preview(JsonHttp http, String token, String url) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + "/_matrix/media/v3/preview_url?url="
                + URLEncoder.encode(url, StandardCharsets.UTF_8))).header("Authorization", "Bearer " + token).GET().build();
        HttpResponse<String> r = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        return new JsonHttp.Reply(r.statusCode(), dev.mxspec.runtime.json.MatrixJson.mapper().readTree(r.body()));
    }

    @Test
    void aLocalPageAllowedByTheTestIsPreviewedWithItsImageAndCached() throws Exception {
        int port = serve();
        UrlPreviewSettings on = new UrlPreviewSettings(true, null, List.of("127.0.0.1/32"), 100_000, 5000, 60_000);
        try (Homeserver server = TestServers.start("sqlite", dir, c -> c.withUrlPreview(on))) {
            JsonHttp http = new JsonHttp(server.port());
            String alice = http.register("alice", "alice-password");
            String page = "http://127.0.0.1:" + port + "/page.html";

            JsonHttp.Reply r = preview(http, alice, page);
            assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
            assertThat(r.body().path("og:title").asText()).isEqualTo("Matrix Blog Post");
            assertThat(r.body().path("og:description").asText()).isEqualTo("A really cool post");
            assertThat(r.body().path("og:image").asText()).startsWith("mxc://localhost/");
            assertThat(r.body().path("og:image:type").asText()).isEqualTo("image/png");
            assertThat(r.body().path("og:image:width").asInt()).isEqualTo(10);
            assertThat(r.body().path("og:image:height").asInt()).isEqualTo(20);
            assertThat(r.body().path("matrix:image:size").asLong()).isEqualTo(png(10, 20).length);
            assertThat(r.body().toString()).doesNotContain("alert");
            String mediaPath = r.body().path("og:image").asText().substring("mxc://".length());
            HttpResponse<byte[]> img = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                    + "/_matrix/media/v3/download/" + mediaPath)).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(img.body()).isEqualTo(png(10, 20));

            int before = hits.get();
            assertThat(preview(http, alice, page).body()).isEqualTo(r.body());
            assertThat(hits.get()).as("answered from the cache").isEqualTo(before);

            JsonNode plain = preview(http, alice, "http://127.0.0.1:" + port + "/plain.html").body();
            assertThat(plain.path("og:title").asText()).isEqualTo("Just a title");
            assertThat(plain.path("og:description").asText()).isEqualTo("Words");
            assertThat(plain.has("og:image")).isFalse();

            assertThat(preview(http, alice, "http://127.0.0.1:" + port + "/missing").status()).isEqualTo(502);
            assertThat(preview(http, alice, "http://127.0.0.1:" + port + "/big.html").status()).as("over max_bytes").isEqualTo(502);
            assertThat(preview(http, alice, "file:///etc/passwd").body().path("errcode").asText()).isEqualTo("M_INVALID_PARAM");
            assertThat(preview(http, alice, "gopher://127.0.0.1:" + port + "/").status()).isEqualTo(400);
            assertThat(preview(http, alice, "http://[::1").status()).isEqualTo(400);
            assertThat(preview(http, "syt_nope", page).status()).isEqualTo(401);
        }
    }

    @Test
    void byDefaultLoopbackAndPrivateAddressesAreNeverFetchedNotEvenThroughARedirect() throws Exception {
        int port = serve();
        other = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0), 0);
        other.createContext("/", exchange -> { // an allowed address sending the server on to a denied one
            otherHits.incrementAndGet();
            exchange.getResponseHeaders().add("Location", "http://127.0.0.1:" + port + "/page.html");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        other.start();
        UrlPreviewSettings defaults = new UrlPreviewSettings(true, null, List.of("127.0.0.2/32"), 0, 5000, 0);
        try (Homeserver server = TestServers.start("sqlite", dir, c -> c.withUrlPreview(defaults))) {
            JsonHttp http = new JsonHttp(server.port());
            String alice = http.register("alice", "alice-password");
            for (String url : List.of("http://127.0.0.1:" + port + "/page.html", "http://localhost:" + port + "/page.html",
                    "http://[::ffff:127.0.0.1]:" + port + "/page.html", "http://[::1]:" + port + "/page.html",
                    "http://2130706433:" + port + "/page.html", "http://127.0.0.2:" + other.getAddress().getPort() + "/redirect")) {
                JsonHttp.Reply r = preview(http, alice, url);
                assertThat(r.status()).as(url + " " + r.body()).isEqualTo(403);
                assertThat(r.body().path("errcode").asText()).isEqualTo("M_FORBIDDEN");
            }
            assertThat(otherHits.get()).as("the allowed address was asked").isEqualTo(1);
            assertThat(hits.get()).as("the denied one never").isZero();
        }
        try (Homeserver server = TestServers.start("sqlite", dir.resolve("off"), c -> c)) {
            JsonHttp http = new JsonHttp(server.port());
            JsonHttp.Reply r = preview(http, http.register("alice", "alice-password"), "https://example.org/");
            assertThat(r.status()).isEqualTo(403);
            assertThat(r.body().path("error").asText()).contains("switched off");
        }
    }

    @Test
    void rangesAreReadAsCidrAndMappedAddressesCountAsTheirIpv4() throws Exception {
        IpRange ten = IpRange.parse("x", "10.0.0.0/8");
        assertThat(ten.contains(InetAddress.getByName("10.200.3.4"))).isTrue();
        assertThat(ten.contains(InetAddress.getByName("11.0.0.1"))).isFalse();
        assertThat(IpRange.parse("x", "127.0.0.0/8").contains(InetAddress.getByName("::ffff:127.0.0.5"))).isTrue();
        assertThat(IpRange.parse("x", "fc00::/7").contains(InetAddress.getByName("fd12::1"))).isTrue();
        assertThat(IpRange.parse("x", "fc00::/7").contains(InetAddress.getByName("fe00::1"))).isFalse();
        assertThat(IpRange.parse("x", "0.0.0.0/0").contains(InetAddress.getByName("8.8.8.8"))).isTrue();
        assertThatThrownBy(() -> IpRange.parse("url_preview.denied_ip_ranges", "example.org/8")).hasMessageStartingWith("url_preview.denied_ip_ranges: ");
        assertThatThrownBy(() -> IpRange.parse("x", "10.0.0.0/33")).hasMessageContaining("prefix");
        assertThatThrownBy(() -> new UrlPreviewSettings(true, List.of("nonsense"), null, 0, 0, 0)).hasMessageContaining("denied_ip_ranges");
    }
}
