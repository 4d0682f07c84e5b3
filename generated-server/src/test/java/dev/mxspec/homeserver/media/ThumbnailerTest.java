package dev.mxspec.homeserver.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mxspec.homeserver.core.MediaSettings.ThumbnailSize;
import dev.mxspec.runtime.api.MatrixException;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What is decoded of an image for a thumbnail, what comes out, and what is refused before decoding. */
class ThumbnailerTest {

    private final Thumbnailer thumbnailer = new Thumbnailer(32_000_000);

    @ParameterizedTest(name = "{0}x{1} to {2}: {3}x{4}")
    @CsvSource({
        // image, size, thumbnail; scale keeps the aspect within the box
        "1200, 900, 320x240-scale, 320, 240",
        "1000, 200, 320x240-scale, 320, 64",
        "600, 1200, 320x240-scale, 120, 240",
        "400, 100, 320x240-scale, 320, 80",
        "100, 1000, 320x240-scale, 24, 240",
        // crop is the box, each side no larger than the image's
        "1200, 900, 96x96-crop, 96, 96",
        "100, 80, 96x96-crop, 96, 80",
        "1000, 20, 32x32-crop, 32, 20",
    })
    void scaleFitsWithinTheBoxAndCropFillsItWithoutUpscaling(int width, int height, String size, int expectedWidth, int expectedHeight) {
        Thumbnailer.Plan plan = Thumbnailer.Plan.of(width, height, size(size));

        assertThat(new int[] {plan.width(), plan.height()}).containsExactly(expectedWidth, expectedHeight);
    }

    @Test
    void aCropDecodesOnlyTheCentreAndALargeImageIsSubsampledWithinBounds() {
        assertThat(Thumbnailer.Plan.of(6000, 4000, size("96x96-crop")))
                .isEqualTo(new Thumbnailer.Plan(new Rectangle(1000, 0, 4000, 4000), 10, 96, 96));
        assertThat(Thumbnailer.Plan.of(6000, 4000, size("320x240-scale")))
                .isEqualTo(new Thumbnailer.Plan(new Rectangle(0, 0, 6000, 4000), 4, 320, 213));
        // four times 800x533 is most of the image: eight megapixels at most are decoded
        assertThat(Thumbnailer.Plan.of(6000, 4000, size("800x600-scale")).subsampling()).isEqualTo(2);
        assertThat(Thumbnailer.Plan.of(1000, 750, size("800x600-scale")).subsampling()).isEqualTo(1);
        // never fewer pixels than the thumbnail's
        assertThat(Thumbnailer.Plan.of(5000, 5000, size("4096x4096-scale")).subsampling()).isEqualTo(1);
    }

    @Test
    void aThumbnailIsTheImageScaledOrCutFromTheCentre() {
        Thumbnailer.Made scaled = (Thumbnailer.Made) thumbnailer.thumbnail(TestImages.jpeg(1200, 900), size("320x240-scale"));
        Thumbnailer.Made cropped = (Thumbnailer.Made) thumbnailer.thumbnail(TestImages.jpeg(3000, 600), size("96x96-crop"));

        BufferedImage scaledImage = TestImages.decode(scaled.bytes());
        assertThat(new int[] {scaledImage.getWidth(), scaledImage.getHeight()}).containsExactly(320, 240);
        assertThat(scaled.contentType()).isEqualTo("image/jpeg");
        BufferedImage croppedImage = TestImages.decode(cropped.bytes());
        assertThat(new int[] {croppedImage.getWidth(), croppedImage.getHeight()}).containsExactly(96, 96);
        // the middle third of red, green, blue bands: green from edge to edge
        assertThat(rgb(croppedImage, 2, 48)).isEqualTo(rgb(croppedImage, 93, 48)).isEqualTo(new int[] {0, 255, 0});
    }

    @ParameterizedTest(name = "orientation {0}")
    @CsvSource({
        // EXIF orientation, thumbnail size, colours at the top-left, centre and bottom-right of the upright image
        "1, 320x240, ff0000 00ff00 0000ff",
        "3, 320x240, 0000ff 00ff00 ff0000",
        "6, 180x240, ff0000 00ff00 0000ff",
        "8, 180x240, 0000ff 00ff00 ff0000",
    })
    void aJpegIsTurnedUprightAsItsExifOrientationSays(int orientation, String expectedSize, String expectedColours) {
        // stored 400x300 as red, green and blue bands from left to right
        Thumbnailer.Made made = (Thumbnailer.Made) thumbnailer.thumbnail(TestImages.jpegWithOrientation(400, 300, orientation),
                size("320x240-scale"));

        BufferedImage image = TestImages.decode(made.bytes());
        int w = image.getWidth();
        int h = image.getHeight();
        assertThat(w + "x" + h).isEqualTo(expectedSize);
        assertThat(colour(image, 3, 3) + " " + colour(image, w / 2, h / 2) + " " + colour(image, w - 4, h - 4)).isEqualTo(expectedColours);
    }

    @Test
    void aBrokenExifSegmentLeavesTheImageAsStored() {
        byte[] jpeg = TestImages.jpegWithOrientation(400, 300, 6);
        jpeg[17] = 0x7f; // the first directory's offset now points far past the segment

        Thumbnailer.Made made = (Thumbnailer.Made) thumbnailer.thumbnail(jpeg, size("320x240-scale"));

        assertThat(new int[] {made.width(), made.height()}).containsExactly(320, 240);
    }

    @Test
    void anImageWithTransparencyStaysPngWithItsTransparency() {
        Thumbnailer.Made made = (Thumbnailer.Made) thumbnailer.thumbnail(TestImages.pngWithAlpha(1000, 1000), size("96x96-crop"));

        BufferedImage image = TestImages.decode(made.bytes());
        assertThat(made.contentType()).isEqualTo("image/png");
        assertThat(image.getColorModel().hasAlpha()).isTrue();
        assertThat(image.getRGB(1, 1) >>> 24).isZero();
        assertThat(Integer.toHexString(image.getRGB(48, 48))).isEqualTo("ffff0000");
    }

    @Test
    void anImageNoLargerThanTheBoxIsServedAsItIs() {
        assertThat(thumbnailer.thumbnail(TestImages.png(300, 200), size("320x240-scale"))).isEqualTo(new Thumbnailer.Original());
        assertThat(thumbnailer.thumbnail(TestImages.png(96, 96), size("96x96-crop"))).isEqualTo(new Thumbnailer.Original());
    }

    @Test
    void anImageClaimingMorePixelsThanTheLimitIsRefusedBeforeDecoding() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> thumbnailer.thumbnail(TestImages.pngClaiming(50_000, 50_000), size("32x32-crop")))
                .isInstanceOfSatisfying(MatrixException.class, e -> {
                    assertThat(e.status()).isEqualTo(413);
                    assertThat(e.errcode()).isEqualTo("M_TOO_LARGE");
                    assertThat(e.getMessage()).contains("50000x50000");
                });
        assertThatThrownBy(() -> thumbnailer.thumbnail(TestImages.jpegClaiming(50_000, 50_000), size("32x32-crop")))
                .isInstanceOfSatisfying(MatrixException.class, e -> assertThat(e.errcode()).isEqualTo("M_TOO_LARGE"));
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2_000);
        assertThatThrownBy(() -> new Thumbnailer(1000).thumbnail(TestImages.jpeg(40, 30), size("32x32-crop")))
                .isInstanceOfSatisfying(MatrixException.class, e -> assertThat(e.errcode()).isEqualTo("M_TOO_LARGE"));
    }

    @Test
    void bytesThatAreNoImageOfAThumbnailedFormatCannotBeThumbnailed() {
        byte[] jpeg = TestImages.jpeg(400, 300);
        byte[] garbage = new byte[2000];
        Arrays.fill(garbage, (byte) 0x5a);
        garbage[0] = (byte) 0xff;
        garbage[1] = (byte) 0xd8;
        garbage[2] = (byte) 0xff;
        for (byte[] bad : new byte[][] {garbage, Arrays.copyOf(jpeg, 200), TestImages.gif(400, 300),
                "<svg xmlns=\"http://www.w3.org/2000/svg\"/>".getBytes(StandardCharsets.UTF_8), new byte[0]}) {
            assertThatThrownBy(() -> thumbnailer.thumbnail(bad, size("32x32-crop")))
                    .isInstanceOfSatisfying(MatrixException.class, e -> {
                        assertThat(e.status()).isEqualTo(400);
                        assertThat(e.errcode()).isEqualTo("M_UNKNOWN");
                    });
        }
    }

    /** The colour at a point, each channel rounded to 00 or ff (JPEG is lossy). */
    private static String colour(BufferedImage image, int x, int y) {
        int[] rgb = rgb(image, x, y);
        return "%02x%02x%02x".formatted(rgb[0], rgb[1], rgb[2]);
    }

    private static int[] rgb(BufferedImage image, int x, int y) {
        int rgb = image.getRGB(x, y);
        // JPEG is lossy: round each channel to 0 or 255
        return new int[] {(rgb >> 16 & 0xff) > 127 ? 255 : 0, (rgb >> 8 & 0xff) > 127 ? 255 : 0, (rgb & 0xff) > 127 ? 255 : 0};
    }

    private static ThumbnailSize size(String key) {
        String[] parts = key.split("[x-]");
        return new ThumbnailSize(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), parts[2]);
    }
}
