package dev.mxspec.homeserver.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Media as files: whole items, reservations claimed once, thumbnails by size key, URLs under a base, nothing outside the folder. */
class FileMediaStoreTest {

    @TempDir
    Path dir;

    @Test
    void anItemIsStoredOnceWithItsInfoAndNoTemporaryFileIsLeft() throws Exception {
        FileMediaStore store = new FileMediaStore(dir, Optional.empty());
        MediaStore.Info info = new MediaStore.Info("image/png", Optional.of("cat.png"));

        assertThat(store.put("abc", info, new byte[] {1, 2, 3})).isTrue();
        assertThat(store.put("abc", info, new byte[] {4})).isFalse();
        assertThat(store.get("abc")).hasValueSatisfying(bytes -> assertThat(bytes).containsExactly(1, 2, 3));
        assertThat(store.metadata("abc")).contains(info);
        assertThat(store.exists("other")).isFalse();
        assertThat(store.metadata("other")).isEmpty();
        assertThat(files()).containsExactly("abc", "abc.json");
        Files.delete(dir.resolve("abc.json"));
        assertThat(store.metadata("abc")).contains(new MediaStore.Info("application/octet-stream", Optional.empty()));
    }

    @Test
    void aReservationIsClaimedOnceAndCanBeGivenBack() throws Exception {
        FileMediaStore store = new FileMediaStore(dir, Optional.empty());
        store.reserve(new MediaStore.Reservation("r1", "@ann:localhost", 5_000));
        Files.writeString(dir.resolve("r2.pending"), "@bob:localhost"); // written without its expiry

        assertThat(store.reservations()).extracting(MediaStore.Reservation::mediaId).containsExactlyInAnyOrder("r1", "r2");
        assertThat(store.reservation("r2")).hasValueSatisfying(r -> assertThat(r.expiresAt()).isGreaterThan(System.currentTimeMillis()));
        assertThat(store.claim("r1")).isTrue();
        assertThat(store.claim("r1")).isFalse();
        assertThat(store.claimed("r1")).isTrue();
        store.release("r1");
        assertThat(store.reservation("r1")).contains(new MediaStore.Reservation("r1", "@ann:localhost", 5_000));
        assertThat(store.claim("r1")).isTrue();
        store.put("r1", new MediaStore.Info("text/plain", Optional.empty()), "x".getBytes(StandardCharsets.UTF_8));
        store.settle("r1");
        store.cancel("r2");
        assertThat(files()).containsExactly("r1", "r1.json");
    }

    @Test
    void thumbnailsAndUrlsAreNamedAfterTheItemAndTheSize() {
        FileMediaStore store = new FileMediaStore(dir, Optional.of("https://media.example.org/m"));
        store.putThumbnail("abc", "320x240-scale", new MediaStore.Thumbnail("image/jpeg", new byte[] {1}));
        store.putThumbnail("abc", "32x32-crop", new MediaStore.Thumbnail("image/png", new byte[] {2}));

        assertThat(store.thumbnail("abc", "320x240-scale")).hasValueSatisfying(t -> assertThat(t.contentType()).isEqualTo("image/jpeg"));
        assertThat(store.thumbnail("abc", "32x32-crop")).hasValueSatisfying(t -> assertThat(t.bytes()).containsExactly(2));
        assertThat(store.thumbnail("abc", "96x96-crop")).isEmpty();
        assertThat(store.publicUrl("abc")).contains(URI.create("https://media.example.org/m/abc"));
        assertThat(store.publicThumbnailUrl("abc", "32x32-crop", "image/png"))
                .contains(URI.create("https://media.example.org/m/abc.thumb-32x32-crop.png"));
        assertThat(new FileMediaStore(dir, Optional.empty()).publicUrl("abc")).isEmpty();
    }

    @Test
    void namesThatCouldLeaveTheFolderOrNameAnotherFileAreRefused() {
        FileMediaStore store = new FileMediaStore(dir, Optional.of("https://media.example.org/m"));

        for (String id : List.of("../etc/passwd", "a/b", "abc.json", "", "a".repeat(65), "%2e%2e")) {
            assertThatThrownBy(() -> store.get(id)).as(id).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store.publicUrl(id)).as(id).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> store.thumbnail("abc", "../../x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.publicThumbnailUrl("abc", "1x1-zoom", "image/png")).isInstanceOf(IllegalArgumentException.class);
    }

    private List<String> files() throws Exception {
        try (Stream<Path> all = Files.list(dir)) {
            return all.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }
}
