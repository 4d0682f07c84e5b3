package dev.mxspec.homeserver.main;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.SimpleFileServer;
import dev.mxspec.homeserver.core.MediaSettings;
import dev.mxspec.homeserver.media.TestImages;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code allow_redirect} (v1.7): with a public base URL in front of the media folder, a client that
 * allows it is sent there (307, {@code Location} under the base) and gets the same bytes from that
 * web server; a client that does not gets the bytes. Without a public base URL every client gets
 * the bytes.
 */
class MediaRedirectTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void clientsThatAllowARedirectAreSentToThePublicCopyOthersGetTheBytes(String backend) throws Exception {
        Path folder = Files.createDirectories(dir.resolve("data/media"));
        HttpServer files = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0, "/media/",
                SimpleFileServer.createFileHandler(folder.toAbsolutePath()));
        files.start();
        String base = "http://127.0.0.1:" + files.getAddress().getPort() + "/media";
        try (Homeserver server = TestServers.start(backend, dir, c -> c.withMedia(MediaSettings.defaults().withPublicBaseUrl(base + "/")))) {
            MediaHttp media = new MediaHttp(server.port(), new JsonHttp(server.port()).register("ann", "correct horse battery"));
            byte[] photo = TestImages.jpeg(1200, 900);
            String mediaPath = media.upload("image/jpeg", photo);
            String id = mediaPath.substring("localhost/".length());

            HttpResponse<byte[]> redirected = media.get("download/" + mediaPath + "?allow_redirect=true");
            HttpResponse<byte[]> proxied = media.get("download/" + mediaPath);
            HttpResponse<byte[]> refused = media.get("download/" + mediaPath + "/photo.jpg?allow_redirect=false");
            HttpResponse<byte[]> thumbnail = media.get("thumbnail/" + mediaPath + "?width=320&height=240&method=scale");
            HttpResponse<byte[]> thumbnailRedirected = media.get("thumbnail/" + mediaPath + "?width=320&height=240&method=scale&allow_redirect=true");
            HttpResponse<byte[]> cropRedirected = media.get("thumbnail/" + mediaPath + "?width=32&height=32&method=crop&allow_redirect=true");

            assertThat(redirected.statusCode()).isEqualTo(307);
            assertThat(redirected.headers().firstValue("location")).hasValue(base + "/" + id);
            assertThat(redirected.body()).isEmpty();
            assertThat(media.fetch(URI.create(base + "/" + id)).body()).isEqualTo(photo);
            assertThat(proxied.statusCode()).isEqualTo(200);
            assertThat(proxied.body()).isEqualTo(photo);
            assertThat(refused.statusCode()).isEqualTo(200);
            assertThat(refused.body()).isEqualTo(photo);
            assertThat(thumbnail.statusCode()).isEqualTo(200);
            assertThat(thumbnailRedirected.statusCode()).isEqualTo(307);
            assertThat(thumbnailRedirected.headers().firstValue("location")).hasValue(base + "/" + id + ".thumb-320x240-scale.jpg");
            assertThat(media.fetch(URI.create(base + "/" + id + ".thumb-320x240-scale.jpg")).body()).isEqualTo(thumbnail.body());
            assertThat(cropRedirected.statusCode()).as("made on this request, then redirected").isEqualTo(307);
            assertThat(cropRedirected.headers().firstValue("location")).hasValue(base + "/" + id + ".thumb-32x32-crop.jpg");
            assertThat(media.get("download/localhost/NoSuchMedia?allow_redirect=true").statusCode()).isEqualTo(404);
        } finally {
            files.stop(0);
        }
    }

    @Test
    void withoutAPublicBaseUrlAClientThatAllowsARedirectGetsTheBytes() throws Exception {
        try (Homeserver server = TestServers.start("sqlite", dir, c -> c)) {
            MediaHttp media = new MediaHttp(server.port(), new JsonHttp(server.port()).register("ann", "correct horse battery"));
            byte[] photo = TestImages.jpeg(400, 300);
            String mediaPath = media.upload("image/jpeg", photo);

            HttpResponse<byte[]> download = media.get("download/" + mediaPath + "?allow_redirect=true");
            HttpResponse<byte[]> thumbnail = media.get("thumbnail/" + mediaPath + "?width=96&height=96&method=crop&allow_redirect=true");

            assertThat(download.statusCode()).isEqualTo(200);
            assertThat(download.body()).isEqualTo(photo);
            assertThat(thumbnail.statusCode()).isEqualTo(200);
            assertThat(TestImages.decode(thumbnail.body()).getWidth()).isEqualTo(96);
        }
    }
}
