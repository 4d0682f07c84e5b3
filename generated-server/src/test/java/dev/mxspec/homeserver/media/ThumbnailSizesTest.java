package dev.mxspec.homeserver.media;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mxspec.homeserver.core.MediaSettings;
import dev.mxspec.homeserver.core.MediaSettings.ThumbnailSize;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A request is answered with the smallest configured size of its method that covers it, or the largest. */
class ThumbnailSizesTest {

    private final ThumbnailSizes defaults = new ThumbnailSizes(MediaSettings.DEFAULT_SIZES);

    @ParameterizedTest(name = "{0}x{1} {2} -> {3}")
    @CsvSource({
        // what Element asks
        "32, 32, crop, 32x32-crop",
        "96, 96, crop, 96x96-crop",
        "320, 240, scale, 320x240-scale",
        "800, 600, scale, 800x600-scale",
        // between and beyond the configured sizes
        "33, 33, crop, 96x96-crop",
        "40, 30, crop, 96x96-crop",
        "200, 200, crop, 96x96-crop",
        "1, 1, scale, 320x240-scale",
        "321, 100, scale, 640x480-scale",
        "700, 500, scale, 800x600-scale",
        "1000, 1000, scale, 800x600-scale",
        "9223372036854775807, 9223372036854775807, scale, 800x600-scale",
    })
    void theSmallestSizeOfTheMethodThatCoversTheRequestOrTheLargest(long width, long height, String method, String expected) {
        assertThat(defaults.choose(width, height, method).key()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}x{1} crop -> {2}")
    @CsvSource({
        "64, 64, 128x128-crop",
        "160, 90, 320x180-crop",
        "100, 100, 128x128-crop",
        "300, 100, 320x180-crop",
    })
    void aCropPrefersTheClosestAspectRatio(long width, long height, String expected) {
        ThumbnailSizes sizes = new ThumbnailSizes(List.of(new ThumbnailSize(128, 128, "crop"), new ThumbnailSize(320, 180, "crop"),
                new ThumbnailSize(640, 480, "scale")));

        assertThat(sizes.choose(width, height, "crop").key()).isEqualTo(expected);
    }
}
