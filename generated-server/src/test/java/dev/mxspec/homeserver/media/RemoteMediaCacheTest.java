package dev.mxspec.homeserver.media;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mxspec.homeserver.core.MediaSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Copies of other servers' media are removed once unused for their lifetime (with their metadata and thumbnails), a use
 * keeps a copy, and nothing else in the folders is touched.
 */
class RemoteMediaCacheTest {

    private static final long DAY = 24 * 60 * 60 * 1000L;

    @TempDir
    Path dir;

    private final AtomicLong now = new AtomicLong(100 * DAY);

    @Test
    void copiesUnusedForTheLifetimeGoAndUsedOnesStay() throws Exception {
        RemoteMediaCache cache = new RemoteMediaCache(dir, 30 * DAY, now::get);
        MediaStore b = cache.of("b.example:8448");
        MediaStore c = cache.of("c.example");
        put(b, "used");
        put(b, "unused");
        put(c, "other");
        b.putThumbnail("unused", "32x32-crop", new MediaStore.Thumbnail("image/png", new byte[] {1}));
        b.putThumbnail("used", "32x32-crop", new MediaStore.Thumbnail("image/jpeg", new byte[] {2}));
        b.reserve(new MediaStore.Reservation("reserved", "@u:b.example", Long.MAX_VALUE));
        Files.writeString(dir.resolve("b.example:8448").resolve("notes.txt"), "not media");
        for (String id : new String[] {"used", "unused"}) {
            age(dir.resolve("b.example:8448").resolve(id), 40 * DAY);
        }
        age(dir.resolve("c.example").resolve("other"), 29 * DAY);
        b.used("used", now.get()); // downloaded today

        assertThat(cache.sweep()).isEqualTo(1);

        assertThat(b.exists("unused")).isFalse();
        assertThat(b.metadata("unused")).isEmpty();
        assertThat(b.thumbnail("unused", "32x32-crop")).isEmpty();
        try (var left = Files.list(dir.resolve("b.example:8448"))) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(name -> name.startsWith("unused"));
        }
        assertThat(b.get("used")).hasValueSatisfying(bytes -> assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("used"));
        assertThat(b.thumbnail("used", "32x32-crop")).isPresent();
        assertThat(c.exists("other")).isTrue(); // 29 days unused: not yet
        assertThat(b.reservation("reserved")).isPresent();
        assertThat(dir.resolve("b.example:8448").resolve("notes.txt")).exists();

        now.addAndGet(2 * DAY);
        assertThat(cache.sweep()).isEqualTo(1);
        assertThat(c.exists("other")).isFalse();
        assertThat(b.exists("used")).isTrue();
        assertThat(cache.sweep()).isZero();
    }

    @Test
    void aDownloadThroughTheMediaServiceIsAUseAndARemovedCopyIsFetchedAgain() throws Exception {
        now.set(System.currentTimeMillis()); // the copy's file is written now
        RemoteMediaCache cache = new RemoteMediaCache(dir, 30 * DAY, now::get);
        AtomicInteger fetches = new AtomicInteger();
        MediaService media = new MediaService(new FileMediaStore(dir.resolveSibling(dir.getFileName() + "-local"), Optional.empty()),
                "a.example", 1024, MediaSettings.defaults(), DAY, now::get);
        media.remote((origin, id, max, timeout) -> {
            fetches.incrementAndGet();
            return Optional.of(new RemoteMedia.Fetched("text/plain", Optional.empty(), "copy".getBytes(StandardCharsets.UTF_8)));
        }, cache::of);
        media.download("b.example", "item", Optional.empty(), false, true);
        now.addAndGet(20 * DAY);
        media.download("b.example", "item", Optional.empty(), false, true); // a use, 20 days later
        now.addAndGet(25 * DAY);
        assertThat(cache.sweep()).isZero(); // 25 days unused since
        assertThat(fetches).hasValue(1);
        now.addAndGet(6 * DAY);
        assertThat(cache.sweep()).isEqualTo(1);
        assertThat(new String(media.download("b.example", "item", Optional.empty(), false, true).bytes(), StandardCharsets.UTF_8))
                .isEqualTo("copy");
        assertThat(fetches).hasValue(2);
    }

    @Test
    void aUseIsWrittenDownAtMostHourlyAndAUseOfNothingIsNothing() throws Exception {
        RemoteMediaCache cache = new RemoteMediaCache(dir, DAY, now::get);
        MediaStore b = cache.of("b.example");
        put(b, "item");
        Path data = dir.resolve("b.example").resolve("item");
        age(data, 2 * DAY);
        b.used("item", now.get());
        assertThat(Files.getLastModifiedTime(data).toMillis()).isEqualTo(now.get());
        b.used("item", now.get() + 60_000); // a minute later: not written again
        assertThat(Files.getLastModifiedTime(data).toMillis()).isEqualTo(now.get());
        b.used("absent", now.get());
        assertThat(b.exists("absent")).isFalse();
    }

    @Test
    void aNegativeLifetimeKeepsCopiesForGood() throws Exception {
        RemoteMediaCache cache = new RemoteMediaCache(dir, -1, now::get);
        MediaStore b = cache.of("b.example");
        put(b, "old");
        age(dir.resolve("b.example").resolve("old"), 3650 * DAY);
        assertThat(cache.sweep()).isZero();
        assertThat(b.exists("old")).isTrue();
        assertThat(new RemoteMediaCache(dir.resolve("absent"), DAY, now::get).sweep()).isZero();
    }

    private static void put(MediaStore store, String id) {
        assertThat(store.put(id, new MediaStore.Info("text/plain", Optional.of(id + ".txt")), id.getBytes(StandardCharsets.UTF_8))).isTrue();
    }

    private void age(Path file, long ms) throws Exception {
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(now.get() - ms));
    }
}
