package dev.mxspec.homeserver.federation;

import static dev.mxspec.homeserver.federation.FederatedPublicRoomsTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mxspec.homeserver.core.MediaSettings;
import dev.mxspec.homeserver.core.ServerConfig;
import dev.mxspec.homeserver.main.Homeserver;
import dev.mxspec.runtime.json.MatrixJson;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Media of another server: fetched from its origin over federation on the first download, kept here and served from
 * the copy afterwards (the origin gone), presented as local media are; {@code allow_remote=false}, missing media, media
 * over the size limit and an unreachable origin are answered with Matrix errors.
 */
class RemoteMediaTest extends TwoFederatingServers {

    /** The upload limit of the server that fetches. */
    private static final int LIMIT = 64 * 1024;

    private final HttpClient http = HttpClient.newHttpClient();

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void mediaOfAnotherServerAreFetchedOnceThenServedFromTheCopy(String backend) throws Exception {
        ServerConfig small = config(backend, "a");
        a = Homeserver.start(new ServerConfig(small.serverName(), small.host(), small.port(), small.dataDir(), small.database(),
                small.postgresUrl(), true, LIMIT, 0).withFederation(small.federation()));
        b = start("sqlite", "b");
        String nameB = FederationServers.name(b);
        String bob = api.register(b, "bob");
        String note = upload(b, bob, "text/plain", "note.txt", "hello from B".getBytes(StandardCharsets.UTF_8));
        String page = upload(b, bob, "text/html", "page.html", "<script>alert(1)</script>".getBytes(StandardCharsets.UTF_8));
        String image = upload(b, bob, "image/png", "red.png", png(200, 100));
        byte[] big = new byte[LIMIT + 1];
        Arrays.fill(big, (byte) 'x');
        String large = upload(b, bob, "application/octet-stream", "big.bin", big);
        String neverFetched = upload(b, bob, "text/plain", "later.txt", "later".getBytes(StandardCharsets.UTF_8));
        String media = "/_matrix/media/v3/download/" + nameB + "/";

        // allow_remote=false: not cached, so not found, and not fetched either (it stays so)
        assertError(api.at(a, "GET", media + note + "?allow_remote=false", null, null), 404, "M_NOT_FOUND");
        assertError(api.at(a, "GET", media + note + "?allow_remote=false", null, null), 404, "M_NOT_FOUND");

        HttpResponse<byte[]> fetched = api.bytes(a, media + note, null);
        assertThat(fetched.statusCode()).isEqualTo(200);
        assertThat(new String(fetched.body(), StandardCharsets.UTF_8)).isEqualTo("hello from B");
        assertThat(fetched.headers().firstValue("content-type").orElseThrow()).startsWith("text/plain");
        assertThat(fetched.headers().firstValue("content-disposition").orElseThrow()).contains("note.txt");
        assertThat(fetched.headers().firstValue("content-security-policy").orElseThrow()).contains("sandbox");
        assertThat(api.bytes(a, media + note + "?allow_remote=false", null).statusCode()).isEqualTo(200); // cached now
        assertThat(api.bytes(a, media + note + "/renamed.txt", null).headers().firstValue("content-disposition").orElseThrow())
                .contains("renamed.txt");

        HttpResponse<byte[]> html = api.bytes(a, media + page, null);
        assertThat(html.statusCode()).isEqualTo(200);
        assertThat(html.headers().firstValue("content-disposition").orElseThrow()).startsWith("attachment"); // never shown in place
        assertThat(html.headers().firstValue("content-security-policy").orElseThrow()).contains("sandbox");

        HttpResponse<byte[]> thumbnail = api.bytes(a, "/_matrix/media/v3/thumbnail/" + nameB + "/" + image + "?width=32&height=32&method=crop",
                null);
        assertThat(thumbnail.statusCode()).isEqualTo(200);
        BufferedImage small32 = ImageIO.read(new java.io.ByteArrayInputStream(thumbnail.body()));
        assertThat(small32.getWidth()).isEqualTo(32);
        assertThat(small32.getHeight()).isEqualTo(32);

        assertError(api.at(a, "GET", media + "noSuchMedia", null, null), 404, "M_NOT_FOUND");
        assertError(api.at(a, "GET", media + large, null, null), 502, "M_TOO_LARGE");
        assertThat(api.at(a, "GET", media + "bad%21id", null, null).statusCode()).isIn(400, 404);

        // the origin gone: what was fetched is still served, what was not is a clean 502
        b.close();
        b = null;
        HttpResponse<byte[]> again = api.bytes(a, media + note, null);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(new String(again.body(), StandardCharsets.UTF_8)).isEqualTo("hello from B");
        assertThat(api.bytes(a, "/_matrix/media/v3/thumbnail/" + nameB + "/" + image + "?width=32&height=32&method=crop", null).statusCode())
                .isEqualTo(200);
        assertError(api.at(a, "GET", media + neverFetched, null, null), 502, "M_UNKNOWN");
        assertError(api.at(a, "GET", media + neverFetched + "?allow_remote=false", null, null), 404, "M_NOT_FOUND");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void copiesUnusedForTheirLifetimeAreRemovedAndFetchedAgainWhenAskedFor(String backend) throws Exception {
        ServerConfig keeping = config(backend, "a").withMedia(MediaSettings.defaults().withRemoteMediaLifetimeMs(-1));
        ServerConfig shortLived = keeping.withMedia(MediaSettings.defaults().withRemoteMediaLifetimeMs(1));
        a = Homeserver.start(keeping);
        b = start("sqlite", "b");
        String nameB = FederationServers.name(b);
        String note = upload(b, api.register(b, "bob"), "text/plain", "note.txt", "hello from B".getBytes(StandardCharsets.UTF_8));
        String image = upload(b, api.register(b, "carol"), "image/png", "red.png", png(200, 100));
        String own = upload(a, api.register(a, "alice"), "text/plain", "mine.txt", "alice's own".getBytes(StandardCharsets.UTF_8));
        String media = "/_matrix/media/v3/download/" + nameB + "/";
        String thumbnail = "/_matrix/media/v3/thumbnail/" + nameB + "/" + image + "?width=32&height=32&method=crop";
        assertThat(api.bytes(a, media + note, null).statusCode()).isEqualTo(200);
        assertThat(api.bytes(a, thumbnail, null).statusCode()).isEqualTo(200);
        Path copies = Path.of(keeping.dataDir()).resolve("remote_media").resolve(nameB);
        assertThat(copies.resolve(note)).exists();

        a.close(); // kept for good: the sweep at start keeps them
        a = Homeserver.start(keeping);
        assertThat(api.bytes(a, media + note + "?allow_remote=false", null).statusCode()).isEqualTo(200);

        a.close(); // a lifetime of 1 ms: the sweep at start removes every copy, and nothing of this server's own media
        a = Homeserver.start(shortLived);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        // the sweep runs in the background and removes the copies one after the other, each one's data file first and its
        // thumbnails last: wait until nothing is left of either
        while ((api.bytes(a, media + note + "?allow_remote=false", null).statusCode() == 200
                || api.bytes(a, thumbnail + "&allow_remote=false", null).statusCode() == 200 || !leftOf(copies, note, image).isEmpty())
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertError(api.at(a, "GET", media + note + "?allow_remote=false", null, null), 404, "M_NOT_FOUND");
        assertError(api.at(a, "GET", thumbnail + "&allow_remote=false", null, null), 404, "M_NOT_FOUND");
        assertThat(leftOf(copies, note, image)).isEmpty();
        HttpResponse<byte[]> mine = api.bytes(a, "/_matrix/media/v3/download/" + FederationServers.name(a) + "/" + own, null);
        assertThat(mine.statusCode()).isEqualTo(200);
        assertThat(new String(mine.body(), StandardCharsets.UTF_8)).isEqualTo("alice's own");

        HttpResponse<byte[]> again = api.bytes(a, media + note, null); // asked for again: fetched again from its origin
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(new String(again.body(), StandardCharsets.UTF_8)).isEqualTo("hello from B");
        assertThat(api.bytes(a, thumbnail, null).statusCode()).isEqualTo(200);
    }

    @Test
    void anOriginThatNeverAnswersIsGivenUpOnInTime() throws Exception {
        a = start("sqlite", "a");
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) { // accepts, never answers
            long started = System.nanoTime();
            HttpResponse<String> r = api.at(a, "GET", "/_matrix/media/v3/download/localhost:" + silent.getLocalPort() + "/someMedia?timeout_ms=1000",
                    null, null);
            assertError(r, 502, "M_UNKNOWN");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
        }
    }

    /** The files in {@code dir} of these media IDs (data, metadata, thumbnails). */
    private static java.util.List<String> leftOf(Path dir, String... mediaIds) throws java.io.IOException {
        try (var files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(f -> java.util.Arrays.stream(mediaIds).anyMatch(f::startsWith)).toList();
        }
    }

    /** Uploads to {@code server}; the media ID. */
    private String upload(Homeserver server, String token, String type, String name, byte[] bytes) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                        + "/_matrix/media/v3/upload?filename=" + ClientApi.enc(name)))
                .header("Authorization", "Bearer " + token).header("Content-Type", type)
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String uri = MatrixJson.mapper().readTree(r.body()).path("content_uri").asText();
        return uri.substring(uri.lastIndexOf('/') + 1);
    }

    private static byte[] png(int width, int height) throws Exception {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < width; x++) {
            for (int y = 0; y < height; y++) {
                image.setRGB(x, y, 0xff0000);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }
}
