package dev.mxspec.homeserver.media;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mxspec.homeserver.core.MediaSettings;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Thumbnails are made once per item and size, however many ask at once, and then read from the store. */
class MediaServiceTest {

    @TempDir
    Path dir;

    /** A file store that counts the thumbnails stored and the originals read. */
    static final class CountingStore implements MediaStore {
        final FileMediaStore files;
        final AtomicInteger thumbnailsStored = new AtomicInteger();
        final AtomicInteger originalsRead = new AtomicInteger();

        CountingStore(Path dir) {
            files = new FileMediaStore(dir, Optional.of("https://media.example.org/m"));
        }

        @Override
        public boolean put(String mediaId, Info info, byte[] bytes) {
            return files.put(mediaId, info, bytes);
        }

        @Override
        public boolean exists(String mediaId) {
            return files.exists(mediaId);
        }

        @Override
        public Optional<Info> metadata(String mediaId) {
            return files.metadata(mediaId);
        }

        @Override
        public Optional<byte[]> get(String mediaId) {
            originalsRead.incrementAndGet();
            return files.get(mediaId);
        }

        @Override
        public void reserve(Reservation reservation) {
            files.reserve(reservation);
        }

        @Override
        public Optional<Reservation> reservation(String mediaId) {
            return files.reservation(mediaId);
        }

        @Override
        public List<Reservation> reservations() {
            return files.reservations();
        }

        @Override
        public void cancel(String mediaId) {
            files.cancel(mediaId);
        }

        @Override
        public boolean claim(String mediaId) {
            return files.claim(mediaId);
        }

        @Override
        public boolean claimed(String mediaId) {
            return files.claimed(mediaId);
        }

        @Override
        public void release(String mediaId) {
            files.release(mediaId);
        }

        @Override
        public void settle(String mediaId) {
            files.settle(mediaId);
        }

        @Override
        public Optional<Thumbnail> thumbnail(String mediaId, String sizeKey) {
            return files.thumbnail(mediaId, sizeKey);
        }

        @Override
        public void putThumbnail(String mediaId, String sizeKey, Thumbnail thumbnail) {
            thumbnailsStored.incrementAndGet();
            files.putThumbnail(mediaId, sizeKey, thumbnail);
        }

        @Override
        public Optional<URI> publicUrl(String mediaId) {
            return files.publicUrl(mediaId);
        }

        @Override
        public Optional<URI> publicThumbnailUrl(String mediaId, String sizeKey, String contentType) {
            return files.publicThumbnailUrl(mediaId, sizeKey, contentType);
        }
    }

    @Test
    void concurrentRequestsForOneThumbnailMakeItOnceAndLaterOnesReadIt() throws Exception {
        CountingStore store = new CountingStore(dir);
        MediaService media = new MediaService(store, "localhost", 10 << 20, MediaSettings.defaults());
        String id = media.upload(TestImages.jpeg(2400, 1800), Optional.of("image/jpeg"), Optional.of("photo.jpg"))
                .substring("mxc://localhost/".length());
        int requests = 8;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<MediaService.Served>> answers = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < requests; i++) {
                answers.add(pool.submit(() -> {
                    start.await();
                    return media.thumbnail("localhost", id, 320, 240, Optional.of("scale"), Optional.empty(), false);
                }));
            }
            start.countDown();
            byte[] first = answers.getFirst().get().bytes();
            for (Future<MediaService.Served> answer : answers) {
                assertThat(answer.get().contentType()).isEqualTo("image/jpeg");
                assertThat(answer.get().bytes()).isEqualTo(first);
            }
        }
        MediaService.Served later = media.thumbnail("localhost", id, 300, 200, Optional.empty(), Optional.empty(), false);
        MediaService.Served redirected = media.thumbnail("localhost", id, 320, 240, Optional.of("scale"), Optional.empty(), true);

        assertThat(store.thumbnailsStored.get()).isEqualTo(1);
        assertThat(store.originalsRead.get()).isEqualTo(1);
        assertThat(later.bytes()).isEqualTo(answers.getFirst().get().bytes());
        assertThat(redirected.location()).contains(URI.create("https://media.example.org/m/" + id + ".thumb-320x240-scale.jpg"));
    }
}
