package dev.mxspec.homeserver.media;

import dev.mxspec.homeserver.core.KeyLocks;
import dev.mxspec.homeserver.core.Wakeup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The copies of other servers' media ({@code data_dir/remote_media/<origin>/}, a {@link FileMediaStore} per origin) and
 * their removal once unused: a download or thumbnail of a copy is a use, and a copy unused for
 * {@code media.remote_media_lifetime_ms} is removed by a sweep that runs at start and every hour (a negative lifetime keeps
 * copies for good). A removed copy is fetched again from its origin when next asked for. Media of this server are
 * elsewhere ({@code data_dir/media}) and never swept.
 */
public final class RemoteMediaCache implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RemoteMediaCache.class.getName());
    static final long SWEEP_EVERY_MS = 60 * 60 * 1000L;

    private final Path root;
    private final long lifetimeMs;
    private final LongSupplier clock;
    private final KeyLocks locks = new KeyLocks(64);
    private final Wakeup wakeup = new Wakeup();
    private Thread sweeper;

    /** @param lifetimeMs how long a copy is kept after its last use; negative for good */
    public RemoteMediaCache(Path root, long lifetimeMs, LongSupplier clock) {
        this.root = root;
        this.lifetimeMs = lifetimeMs;
        this.clock = clock;
    }

    /** The store of the copies of {@code origin}'s media (a server name the caller has checked). */
    public MediaStore of(String origin) {
        return new FileMediaStore(root.resolve(origin), Optional.empty(), locks);
    }

    /** Removes the copies unused for the lifetime, of every origin; how many. */
    public int sweep() {
        if (lifetimeMs < 0 || !Files.isDirectory(root)) {
            return 0;
        }
        long cutoff = clock.getAsLong() - lifetimeMs;
        int removed = 0;
        try (var origins = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path origin : origins) {
                removed += new FileMediaStore(origin, Optional.empty(), locks).removeUnusedBefore(cutoff);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return removed;
    }

    /** Sweeps now and every hour until {@link #close}. */
    public synchronized void start() {
        if (lifetimeMs < 0 || sweeper != null) {
            return;
        }
        sweeper = Thread.ofVirtual().name("remote-media-sweep").start(() -> {
            while (!wakeup.closed()) {
                try {
                    int removed = sweep();
                    if (removed > 0) {
                        LOG.info("removed " + removed + " copies of other servers' media unused for " + lifetimeMs + " ms");
                    }
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "the sweep of other servers' media failed; it runs again in an hour", e);
                }
                wakeup.await(SWEEP_EVERY_MS);
            }
        });
    }

    @Override
    public synchronized void close() {
        wakeup.close();
        if (sweeper != null) {
            try {
                sweeper.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
