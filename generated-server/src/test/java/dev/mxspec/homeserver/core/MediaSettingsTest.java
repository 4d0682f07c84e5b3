package dev.mxspec.homeserver.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mxspec.homeserver.core.MediaSettings.ThumbnailSize;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code media:} block of the configuration: read, defaulted, and refused when it makes no sense. */
class MediaSettingsTest {

    @TempDir
    Path dir;

    @Test
    void theMediaBlockIsReadAndWhatItLeavesOutDefaults() throws Exception {
        ServerConfig given = ServerConfig.read(Files.writeString(dir.resolve("media.yaml"), """
                media:
                  public_base_url: https://media.example.org/files/
                  thumbnail_sizes:
                    - {width: 64, height: 64, method: crop}
                    - {width: 1280, height: 720}
                  remote_media_lifetime_ms: 86400000
                """));
        ServerConfig absent = ServerConfig.read(Files.writeString(dir.resolve("empty.yaml"), "server_name: example.org\n"));

        assertThat(given.media()).isEqualTo(new MediaSettings(Optional.of("https://media.example.org/files"), 32_000_000,
                List.of(new ThumbnailSize(64, 64, "crop"), new ThumbnailSize(1280, 720, "scale")), 86_400_000));
        assertThat(absent.media()).isEqualTo(MediaSettings.defaults());
        assertThat(absent.media().remoteMediaLifetimeMs()).isEqualTo(30L * 24 * 60 * 60 * 1000);
        assertThat(MediaSettings.defaults().withRemoteMediaLifetimeMs(-5).remoteMediaLifetimeMs()).isEqualTo(-1); // kept for good
        assertThat(absent.media().thumbnailSizes()).extracting(ThumbnailSize::key)
                .containsExactly("32x32-crop", "96x96-crop", "320x240-scale", "640x480-scale", "800x600-scale");
        assertThat(ServerConfig.read(Files.writeString(dir.resolve("printed.yaml"), given.toYaml())).media()).isEqualTo(given.media());
    }

    @Test
    void valuesThatMakeNoSenseAreRefusedWithTheirKey() throws Exception {
        String[][] cases = {
            {"  public_base_url: ftp://media.example.org/\n", "media.public_base_url must be an http or https URL"},
            {"  public_base_url: https://media.example.org/?a=b\n", "media.public_base_url must be an http or https URL"},
            {"  public_base_url: /media\n", "media.public_base_url must be an http or https URL"},
            {"  max_thumbnail_pixels: -1\n", "media.max_thumbnail_pixels must be positive"},
            {"  thumbnail_sizes: [{width: 0, height: 32}]\n", "media.thumbnail_sizes: width and height must be between 1 and 4096"},
            {"  thumbnail_sizes: [{width: 32, height: 32, method: zoom}]\n", "media.thumbnail_sizes: method must be crop or scale"},
        };
        for (String[] c : cases) {
            Path file = Files.writeString(dir.resolve("bad.yaml"), "media:\n" + c[0]);
            assertThatThrownBy(() -> ServerConfig.read(file)).hasMessageContaining(c[1]);
        }
    }
}
