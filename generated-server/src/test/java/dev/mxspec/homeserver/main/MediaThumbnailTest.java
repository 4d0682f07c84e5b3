package dev.mxspec.homeserver.main;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mxspec.homeserver.media.TestImages;
import java.awt.image.BufferedImage;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Thumbnails over HTTP: scaled within or cropped to the configured size that answers the request,
 * never upscaled (an image no larger than asked is served as it is), made once and kept next to the
 * media; images too large, broken or not images at all, and parameters that make no sense, are
 * refused with Matrix errors.
 */
class MediaThumbnailTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void thumbnailsAreScaledWithinOrCroppedToTheSizeThatAnswersTheRequest(String backend) throws Exception {
        try (Homeserver server = TestServers.start(backend, dir, c -> c)) {
            MediaHttp media = new MediaHttp(server.port(), new JsonHttp(server.port()).register("ann", "correct horse battery"));
            String photo = media.upload("image/jpeg", TestImages.jpeg(1200, 900));
            String wide = media.upload("image/png", TestImages.png(2000, 400));
            String tall = media.upload("image/jpeg", TestImages.jpeg(600, 1200));
            byte[] smallPng = TestImages.png(100, 80);
            String small = media.upload("image/png", smallPng);
            String sideways = media.upload("image/jpeg", TestImages.jpegWithOrientation(600, 1200, 6));
            String webp = media.upload("image/webp", TestImages.webp());
            String webpWithAlpha = media.upload("image/webp", TestImages.webpWithAlpha());
            Map<String, String> expected = new LinkedHashMap<>();
            // what Element asks, and requests between or beyond the configured sizes
            expected.put(photo + "?width=32&height=32&method=crop", "image/jpeg 32x32");
            expected.put(photo + "?width=96&height=96&method=crop", "image/jpeg 96x96");
            expected.put(photo + "?width=320&height=240&method=scale", "image/jpeg 320x240");
            expected.put(photo + "?width=800&height=600&method=scale", "image/jpeg 800x600");
            expected.put(photo + "?width=640&height=480", "image/jpeg 640x480");
            expected.put(photo + "?width=50&height=50&method=crop", "image/jpeg 96x96");
            expected.put(photo + "?width=5000&height=5000&method=scale", "image/jpeg 800x600");
            // the aspect kept by scale, the box filled by crop
            expected.put(wide + "?width=320&height=240&method=scale", "image/jpeg 320x64");
            expected.put(wide + "?width=96&height=96&method=crop", "image/jpeg 96x96");
            expected.put(tall + "?width=320&height=240&method=scale", "image/jpeg 120x240");
            // never upscaled
            expected.put(small + "?width=320&height=240&method=scale", "image/png 100x80");
            expected.put(small + "?width=96&height=96&method=crop", "image/jpeg 96x80");
            // upright, as the EXIF orientation says (stored 600x1200, shown 1200x600)
            expected.put(sideways + "?width=320&height=240&method=scale", "image/jpeg 320x160");
            // WebP in, JPEG or PNG out
            expected.put(webp + "?width=320&height=240&method=scale", "image/jpeg 320x240");
            expected.put(webpWithAlpha + "?width=96&height=96&method=crop", "image/png 96x96");

            Map<String, String> actual = new LinkedHashMap<>();
            for (String request : expected.keySet()) {
                actual.put(request, described(media.get("thumbnail/" + request)));
            }
            HttpResponse<byte[]> wideCrop = media.get("thumbnail/" + wide + "?width=96&height=96&method=crop");
            HttpResponse<byte[]> smallOriginal = media.get("thumbnail/" + small + "?width=320&height=240&method=scale");

            assertThat(actual).isEqualTo(expected);
            BufferedImage centre = TestImages.decode(wideCrop.body());
            assertThat(Integer.toHexString(centre.getRGB(2, 48) & 0xc0c0c0)).as("the green middle band, from edge to edge").isEqualTo("c000");
            assertThat(Integer.toHexString(centre.getRGB(93, 48) & 0xc0c0c0)).isEqualTo("c000");
            assertThat(smallOriginal.body()).isEqualTo(smallPng);
            assertThat(wideCrop.headers().firstValue("content-disposition")).hasValue("inline");
        }
    }

    @Test
    void aThumbnailIsMadeOnceAndKeptNextToTheMedia() throws Exception {
        try (Homeserver server = TestServers.start("sqlite", dir, c -> c)) {
            MediaHttp media = new MediaHttp(server.port(), new JsonHttp(server.port()).register("ann", "correct horse battery"));
            String mediaPath = media.upload("image/jpeg", TestImages.jpeg(1600, 1200));
            String id = mediaPath.substring("localhost/".length());
            Path folder = dir.resolve("data/media");

            HttpResponse<byte[]> first = media.get("thumbnail/" + mediaPath + "?width=320&height=240&method=scale");
            List<String> afterFirst = thumbnails(folder, id);
            FileTime made = Files.getLastModifiedTime(folder.resolve(id + ".thumb-320x240-scale.jpg"));
            Thread.sleep(20);
            HttpResponse<byte[]> second = media.get("thumbnail/" + mediaPath + "?width=300&height=200&method=scale");
            HttpResponse<byte[]> crop = media.get("thumbnail/" + mediaPath + "?width=32&height=32&method=crop");

            assertThat(afterFirst).containsExactly(id + ".thumb-320x240-scale.jpg");
            assertThat(second.body()).isEqualTo(first.body());
            assertThat(Files.getLastModifiedTime(folder.resolve(id + ".thumb-320x240-scale.jpg"))).isEqualTo(made);
            assertThat(thumbnails(folder, id)).containsExactly(id + ".thumb-320x240-scale.jpg", id + ".thumb-32x32-crop.jpg");
            assertThat(described(crop)).isEqualTo("image/jpeg 32x32");
        }
    }

    @Test
    void aPngWithTransparencyHasAPngThumbnailThatKeepsIt() throws Exception {
        try (Homeserver server = TestServers.start("sqlite", dir, c -> c)) {
            MediaHttp media = new MediaHttp(server.port(), new JsonHttp(server.port()).register("ann", "correct horse battery"));
            String logo = media.upload("image/png", TestImages.pngWithAlpha(900, 600));

            HttpResponse<byte[]> thumbnail = media.get("thumbnail/" + logo + "?width=320&height=240&method=scale");

            BufferedImage image = TestImages.decode(thumbnail.body());
            assertThat(described(thumbnail)).isEqualTo("image/png 320x213");
            assertThat(image.getColorModel().hasAlpha()).isTrue();
            assertThat(image.getRGB(0, 0) >>> 24).as("the transparent border").isZero();
            assertThat(Integer.toHexString(image.getRGB(160, 106))).isEqualTo("ffff0000");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void imagesTooLargeBrokenOrNoImagesAtAllHaveNoThumbnail(String backend) throws Exception {
        try (Homeserver server = TestServers.start(backend, dir, c -> c)) {
            MediaHttp media = new MediaHttp(server.port(), new JsonHttp(server.port()).register("ann", "correct horse battery"));
            byte[] corrupt = TestImages.jpeg(800, 600);
            java.util.Arrays.fill(corrupt, 20, corrupt.length, (byte) 0x5a);
            Map<String, String> uploads = new LinkedHashMap<>();
            uploads.put("png bomb", media.upload("image/png", TestImages.pngClaiming(50_000, 50_000)));
            uploads.put("jpeg bomb", media.upload("image/jpeg", TestImages.jpegClaiming(50_000, 50_000)));
            uploads.put("corrupt jpeg", media.upload("image/jpeg", corrupt));
            uploads.put("text as png", media.upload("image/png", "not an image".getBytes(StandardCharsets.UTF_8)));
            uploads.put("text", media.upload("text/plain", "not an image".getBytes(StandardCharsets.UTF_8)));
            uploads.put("svg", media.upload("image/svg+xml", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>".getBytes(StandardCharsets.UTF_8)));
            uploads.put("gif", media.upload("image/gif", TestImages.gif(800, 600)));

            Map<String, String> answers = new LinkedHashMap<>();
            long start = System.nanoTime();
            for (Map.Entry<String, String> upload : uploads.entrySet()) {
                answers.put(upload.getKey(), error(media.get("thumbnail/" + upload.getValue() + "?width=32&height=32&method=crop")));
            }
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            String photo = media.upload("image/jpeg", TestImages.jpeg(640, 480));

            assertThat(answers).isEqualTo(Map.of(
                    "png bomb", "413 M_TOO_LARGE", "jpeg bomb", "413 M_TOO_LARGE",
                    "corrupt jpeg", "400 M_UNKNOWN", "text as png", "400 M_UNKNOWN", "text", "400 M_UNKNOWN", "svg", "400 M_UNKNOWN",
                    "gif", "400 M_UNKNOWN"));
            assertThat(elapsedMs).isLessThan(5_000);
            assertThat(described(media.get("thumbnail/" + photo + "?width=96&height=96&method=crop"))).as("still serving")
                    .isEqualTo("image/jpeg 96x96");
        }
    }

    @Test
    void parametersThatMakeNoSenseAreRefused() throws Exception {
        try (Homeserver server = TestServers.start("sqlite", dir, c -> c)) {
            MediaHttp media = new MediaHttp(server.port(), new JsonHttp(server.port()).register("ann", "correct horse battery"));
            String photo = media.upload("image/jpeg", TestImages.jpeg(640, 480));
            Map<String, String> expected = new LinkedHashMap<>();
            expected.put(photo + "?width=0&height=32", "400 M_INVALID_PARAM");
            expected.put(photo + "?width=32&height=-5", "400 M_INVALID_PARAM");
            expected.put(photo + "?width=abc&height=32", "400 M_INVALID_PARAM");
            expected.put(photo + "?width=32.5&height=32", "400 M_INVALID_PARAM");
            expected.put(photo + "?width=99999999999999999999&height=32", "400 M_INVALID_PARAM");
            expected.put(photo + "?width=32&height=32&method=zoom", "400 M_INVALID_PARAM");
            expected.put(photo + "?width=32", "400 M_MISSING_PARAM");
            expected.put("example.org/" + photo.substring("localhost/".length()) + "?width=32&height=32", "404 M_NOT_FOUND");
            expected.put("localhost/NoSuchMedia?width=32&height=32", "404 M_NOT_FOUND");
            expected.put(photo + "?width=2147483648&height=2147483648&method=crop", "200 image/jpeg 96x96");

            Map<String, String> actual = new LinkedHashMap<>();
            for (String request : expected.keySet()) {
                HttpResponse<byte[]> r = media.get("thumbnail/" + request);
                actual.put(request, r.statusCode() == 200 ? "200 " + described(r) : error(r));
            }

            assertThat(actual).isEqualTo(expected);
        }
    }

    @Test
    void aThumbnailOfAMediaIdNotYetUploadedWaitsForItThenAnswers504() throws Exception {
        try (Homeserver server = TestServers.start("sqlite", dir, c -> c)) {
            MediaHttp media = new MediaHttp(server.port(), new JsonHttp(server.port()).register("ann", "correct horse battery"));
            String created = media.create();

            long start = System.nanoTime();
            HttpResponse<byte[]> early = media.get("thumbnail/" + created + "?width=32&height=32&method=crop&timeout_ms=200");
            long waitedMs = (System.nanoTime() - start) / 1_000_000;

            assertThat(error(early)).isEqualTo("504 M_NOT_YET_UPLOADED");
            assertThat(waitedMs).isGreaterThanOrEqualTo(200);
        }
    }

    /** {@code type WxH} of an image response. */
    private static String described(HttpResponse<byte[]> r) {
        if (r.statusCode() != 200) {
            return error(r);
        }
        BufferedImage image = TestImages.decode(r.body());
        return r.headers().firstValue("content-type").orElse("?") + " " + image.getWidth() + "x" + image.getHeight();
    }

    /** {@code status errcode} of an error response. */
    private static String error(HttpResponse<byte[]> r) {
        try {
            return r.statusCode() + " " + MediaHttp.json(r).path("errcode").asText();
        } catch (java.io.IOException e) {
            return r.statusCode() + " (not JSON)";
        }
    }

    private static List<String> thumbnails(Path folder, String id) throws java.io.IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith(id + ".thumb-")).sorted().toList();
        }
    }
}
