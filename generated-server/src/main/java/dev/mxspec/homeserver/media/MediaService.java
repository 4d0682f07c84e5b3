package dev.mxspec.homeserver.media;

import dev.mxspec.homeserver.core.Ids;
import dev.mxspec.homeserver.core.MediaSettings;
import dev.mxspec.homeserver.core.MediaSettings.ThumbnailSize;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * The local media repository over a {@link MediaStore}: uploads, v1.7's create-then-upload (a
 * reserved ID, filled once by its creator, that downloads wait for), downloads, and thumbnails made
 * once per configured size and kept in the store. Media of other servers are fetched from their
 * origin ({@link RemoteMedia}) once, kept in a store of that origin as a cached copy and served from
 * it afterwards (thumbnails made of it as of local media); {@code allow_remote=false} serves only
 * cached copies. With {@code allow_redirect} and a store that hands out URLs, clients are sent to
 * the URL instead of being given the bytes.
 */
public final class MediaService {

    /** How long a created media ID waits for its upload (Synapse's default: a day). */
    public static final long PENDING_LIFETIME_MS = 24 * 60 * 60 * 1000L;
    /** Media IDs a user may hold reserved and not yet filled at once. */
    public static final int MAX_PENDING_PER_USER = 5;
    /** How long a download waits for a created ID's upload when the client gives no {@code timeout_ms} (the spec's default). */
    static final long DEFAULT_WAIT_MS = 20_000;
    private static final long MAX_WAIT_MS = 60_000;
    private static final Pattern MEDIA_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    /**
     * What to answer a download or thumbnail request with.
     *
     * @param contentType the content's type as uploaded, or the thumbnail's
     * @param filename the name to give it, if any
     * @param bytes the content (empty with a location)
     * @param location where the client may fetch it instead (when it allowed a redirect)
     */
    public record Served(String contentType, Optional<String> filename, byte[] bytes, Optional<URI> location) {

        static Served at(URI location) {
            return new Served("application/octet-stream", Optional.empty(), new byte[0], Optional.of(location));
        }
    }

    /**
     * A reserved media ID.
     *
     * @param contentUri its {@code mxc://} URI
     * @param expiresAt when it lapses unused
     */
    public record Created(String contentUri, long expiresAt) {}

    private final MediaStore store;
    private final String serverName;
    private final long maxUpload;
    private final long pendingLifetimeMs;
    private final LongSupplier clock;
    private final ThumbnailSizes sizes;
    private final Thumbnailer thumbnailer;
    /** Thumbnails being made, by item and size: a second request for one waits for the first. */
    private final ConcurrentHashMap<String, CompletableFuture<Thumbnailer.Outcome>> making = new ConcurrentHashMap<>();
    /** Remote items being fetched, by origin and ID: a second request for one waits for the first. */
    private final ConcurrentHashMap<String, CompletableFuture<Boolean>> fetching = new ConcurrentHashMap<>();
    private volatile RemoteMedia remote = (origin, mediaId, maxBytes, timeout) -> {
        throw new MatrixException(404, ErrorCodes.M_NOT_FOUND, "media of other servers cannot be fetched (no federation)");
    };
    private volatile Function<String, MediaStore> remoteStores = origin -> {
        throw new MatrixException(404, ErrorCodes.M_NOT_FOUND, "media of other servers cannot be fetched (no federation)");
    };
    /** Images decoded at once: each may hold tens of megabytes. */
    private final Semaphore decoding = new Semaphore(Math.max(1, Runtime.getRuntime().availableProcessors()));

    /** @param maxUpload the largest upload, in bytes */
    public MediaService(MediaStore store, String serverName, long maxUpload, MediaSettings settings) {
        this(store, serverName, maxUpload, settings, PENDING_LIFETIME_MS, System::currentTimeMillis);
    }

    public MediaService(MediaStore store, String serverName, long maxUpload, MediaSettings settings, long pendingLifetimeMs,
            LongSupplier clock) {
        this.store = store;
        this.serverName = serverName;
        this.maxUpload = maxUpload;
        this.pendingLifetimeMs = pendingLifetimeMs;
        this.clock = clock;
        this.sizes = new ThumbnailSizes(settings.thumbnailSizes());
        this.thumbnailer = new Thumbnailer(settings.maxThumbnailPixels());
    }

    /** Where media of other servers come from, and the store of each origin's cached copies. */
    public void remote(RemoteMedia remote, Function<String, MediaStore> storeOfOrigin) {
        this.remote = remote;
        this.remoteStores = storeOfOrigin;
    }

    public long maxUpload() {
        return maxUpload;
    }

    /** Stores a new item under a fresh ID; its {@code mxc://} URI. */
    public String upload(byte[] bytes, Optional<String> contentType, Optional<String> filename) {
        checkSize(bytes);
        String id = Ids.random(24);
        if (!store.put(id, info(contentType, filename), bytes)) {
            throw new MatrixException(409, "M_CANNOT_OVERWRITE_MEDIA", "media exists");
        }
        return mxc(id);
    }

    /**
     * Reserves a media ID for {@code user}, until {@code unused_expires_at}. A user holds at most
     * {@link #MAX_PENDING_PER_USER} unexpired reservations ({@code M_LIMIT_EXCEEDED} until one expires).
     */
    public synchronized Created create(String user) {
        long now = clock.getAsLong();
        List<MediaStore.Reservation> mine = store.reservations().stream()
                .filter(r -> r.creator().equals(user) && r.expiresAt() > now)
                .toList();
        if (mine.size() >= MAX_PENDING_PER_USER) {
            long retry = mine.stream().mapToLong(MediaStore.Reservation::expiresAt).min().orElse(now) - now;
            throw MatrixException.limitExceeded(Math.max(1, retry));
        }
        String id = Ids.random(24);
        long expires = now + pendingLifetimeMs;
        store.reserve(new MediaStore.Reservation(id, user, expires));
        return new Created(mxc(id), expires);
    }

    /**
     * Fills a reserved media ID: only its creator may ({@code M_FORBIDDEN}), once ({@code M_CANNOT_OVERWRITE_MEDIA});
     * an ID never reserved, or whose reservation expired, is {@code M_NOT_FOUND}. The reservation is claimed
     * atomically, so of two uploads at once one is stored.
     */
    public void uploadTo(String user, String server, String mediaId, byte[] bytes, Optional<String> contentType,
            Optional<String> filename) {
        String id = local(server, mediaId);
        if (store.exists(id) || store.claimed(id)) {
            throw alreadyUploaded(id);
        }
        MediaStore.Reservation reservation = store.reservation(id)
                .orElseThrow(() -> new MatrixException(404, ErrorCodes.M_NOT_FOUND, "media " + id + " was not created for upload"));
        if (reservation.expiresAt() <= clock.getAsLong()) {
            store.cancel(id);
            throw new MatrixException(404, ErrorCodes.M_NOT_FOUND, "the reservation of media " + id + " expired unused");
        }
        if (!reservation.creator().equals(user)) {
            throw new MatrixException(403, ErrorCodes.M_FORBIDDEN, "only the user who created media " + id + " may upload it");
        }
        checkSize(bytes);
        if (!store.claim(id)) {
            throw alreadyUploaded(id);
        }
        try {
            store.put(id, info(contentType, filename), bytes);
        } catch (RuntimeException e) {
            try {
                store.release(id); // the creator may try again
            } catch (RuntimeException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
        store.settle(id);
    }

    /** An item's content (or its URL, when allowed and offered), once uploaded. */
    public Served download(String server, String mediaId, Optional<Long> timeoutMs, boolean allowRedirect) {
        return download(server, mediaId, timeoutMs, allowRedirect, true);
    }

    /** An item's content; another server's fetched from it when not cached here and {@code allowRemote}. */
    public Served download(String server, String mediaId, Optional<Long> timeoutMs, boolean allowRedirect, boolean allowRemote) {
        if (!server.equals(serverName)) {
            MediaStore cache = cached(server, mediaId, timeoutMs, allowRemote);
            return original(cache, mediaId, cache.metadata(mediaId).orElseThrow(MediaService::notFound), allowRedirect);
        }
        String id = local(server, mediaId);
        awaitUpload(id, timeoutMs);
        MediaStore.Info info = store.metadata(id).orElseThrow(MediaService::notFound);
        return original(store, id, info, allowRedirect);
    }

    /**
     * A thumbnail of an item for the configured size that answers the request ({@link ThumbnailSizes}), made on the
     * first request and kept; the original when it is no larger than that size. Content that is not a JPEG, PNG or
     * WebP image (or is animated) has no thumbnail: 400 {@code M_UNKNOWN}, as the spec's answer for content the
     * server cannot thumbnail.
     *
     * @param method {@code crop} or {@code scale} (the default)
     */
    public Served thumbnail(String server, String mediaId, long width, long height, Optional<String> method, Optional<Long> timeoutMs,
            boolean allowRedirect) {
        return thumbnail(server, mediaId, width, height, method, timeoutMs, allowRedirect, true);
    }

    /** A thumbnail; of another server's item, made here of the cached copy (fetched when not cached and {@code allowRemote}). */
    public Served thumbnail(String server, String mediaId, long width, long height, Optional<String> method, Optional<Long> timeoutMs,
            boolean allowRedirect, boolean allowRemote) {
        boolean here = server.equals(serverName);
        String id = here ? local(server, mediaId) : remoteId(mediaId);
        if (width < 1 || height < 1) {
            throw new MatrixException(400, ErrorCodes.M_INVALID_PARAM, "width and height must be positive, not " + width + "x" + height);
        }
        String how = method.map(m -> m.toLowerCase(Locale.ROOT)).orElse("scale");
        if (!how.equals("crop") && !how.equals("scale")) {
            throw new MatrixException(400, ErrorCodes.M_INVALID_PARAM, "method must be crop or scale");
        }
        ThumbnailSize size = sizes.choose(width, height, how);
        MediaStore store = here ? this.store : cached(server, id, timeoutMs, allowRemote);
        if (here) {
            awaitUpload(id, timeoutMs);
        }
        MediaStore.Info info = store.metadata(id).orElseThrow(MediaService::notFound);
        if (!Thumbnailer.thumbnails(essence(info.contentType()))) {
            throw new MatrixException(400, ErrorCodes.M_UNKNOWN, "Cannot generate thumbnails for the requested content: "
                    + "thumbnails are made of JPEG, PNG and WebP images only");
        }
        Optional<MediaStore.Thumbnail> kept = store.thumbnail(id, size.key());
        if (kept.isPresent()) {
            return thumbnail(store, id, size, kept.get(), allowRedirect);
        }
        return switch (makeOnce(store, (here ? "" : server + "/") + id, id, size)) {
            case Thumbnailer.Original original -> original(store, id, info, allowRedirect);
            case Thumbnailer.Made made -> thumbnail(store, id, size, new MediaStore.Thumbnail(made.contentType(), made.bytes()), allowRedirect);
        };
    }

    /**
     * The store holding the cached copy of another server's item: fetched from its origin first when it holds none
     * and {@code allowRemote} (else {@code M_NOT_FOUND}), once however many ask at a time. Larger than the upload
     * limit is refused by the fetch.
     */
    private MediaStore cached(String origin, String mediaId, Optional<Long> timeoutMs, boolean allowRemote) {
        String id = remoteId(mediaId);
        if (!dev.mxspec.runtime.server.PathGrammar.serverName(origin)) {
            throw notFound();
        }
        MediaStore cache = remoteStores.apply(origin);
        if (cache.exists(id)) {
            cache.used(id, clock.getAsLong()); // kept while used (RemoteMediaCache)
            return cache;
        }
        if (!allowRemote) {
            throw new MatrixException(404, ErrorCodes.M_NOT_FOUND, "media of " + origin + " is not cached here, and allow_remote is false");
        }
        String key = origin + "/" + id;
        CompletableFuture<Boolean> mine = new CompletableFuture<>();
        CompletableFuture<Boolean> running = fetching.putIfAbsent(key, mine);
        if (running != null) {
            try {
                running.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException cause ? cause : e;
            }
            return cache;
        }
        try {
            if (!cache.exists(id)) {
                Duration timeout = Duration.ofMillis(Math.max(1_000, Math.min(MAX_WAIT_MS, timeoutMs.orElse(DEFAULT_WAIT_MS))));
                RemoteMedia.Fetched fetched = remote.fetch(origin, id, maxUpload, timeout).orElseThrow(MediaService::notFound);
                if (fetched.bytes().length > maxUpload) {
                    throw new MatrixException(502, ErrorCodes.M_TOO_LARGE, "the media of " + origin + " is larger than " + maxUpload + " bytes");
                }
                cache.put(id, new MediaStore.Info(fetched.contentType(), fetched.filename()), fetched.bytes());
            }
            mine.complete(true);
            return cache;
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            fetching.remove(key, mine);
        }
    }

    /** A media ID of another server, as this server accepts them; {@code M_NOT_FOUND} otherwise. */
    private static String remoteId(String mediaId) {
        if (!MEDIA_ID.matcher(mediaId).matches()) {
            throw notFound();
        }
        return mediaId;
    }

    /** Makes and stores a thumbnail, or joins the request already making it. */
    private Thumbnailer.Outcome makeOnce(MediaStore store, String item, String id, ThumbnailSize size) {
        String key = item + "/" + size.key();
        CompletableFuture<Thumbnailer.Outcome> mine = new CompletableFuture<>();
        CompletableFuture<Thumbnailer.Outcome> running = making.putIfAbsent(key, mine);
        if (running != null) {
            try {
                return running.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException cause ? cause : e;
            }
        }
        try {
            Thumbnailer.Outcome outcome = make(store, id, size);
            mine.complete(outcome);
            return outcome;
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            making.remove(key, mine);
        }
    }

    private Thumbnailer.Outcome make(MediaStore store, String id, ThumbnailSize size) {
        Optional<MediaStore.Thumbnail> kept = store.thumbnail(id, size.key()); // made while this request waited
        if (kept.isPresent()) {
            return new Thumbnailer.Made(kept.get().contentType(), kept.get().bytes(), 0, 0);
        }
        byte[] original = store.get(id).orElseThrow(MediaService::notFound);
        decoding.acquireUninterruptibly();
        Thumbnailer.Outcome outcome;
        try {
            outcome = thumbnailer.thumbnail(original, size);
        } finally {
            decoding.release();
        }
        if (outcome instanceof Thumbnailer.Made made) {
            store.putThumbnail(id, size.key(), new MediaStore.Thumbnail(made.contentType(), made.bytes()));
        }
        return outcome;
    }

    private Served original(MediaStore store, String id, MediaStore.Info info, boolean allowRedirect) {
        Optional<URI> url = allowRedirect ? store.publicUrl(id) : Optional.empty();
        if (url.isPresent()) {
            return Served.at(url.get());
        }
        return new Served(info.contentType(), info.filename(), store.get(id).orElseThrow(MediaService::notFound), Optional.empty());
    }

    private Served thumbnail(MediaStore store, String id, ThumbnailSize size, MediaStore.Thumbnail thumbnail, boolean allowRedirect) {
        Optional<URI> url = allowRedirect ? store.publicThumbnailUrl(id, size.key(), thumbnail.contentType()) : Optional.empty();
        return url.map(Served::at).orElseGet(() -> new Served(thumbnail.contentType(), Optional.empty(), thumbnail.bytes(), Optional.empty()));
    }

    /**
     * For an ID created but not yet filled: waits up to {@code timeout_ms} (20 s by default, 60 s at
     * most) for its upload, then answers 504 {@code M_NOT_YET_UPLOADED}. Other IDs return at once.
     */
    private void awaitUpload(String id, Optional<Long> timeoutMs) {
        if (store.exists(id)) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(0, Math.min(MAX_WAIT_MS, timeoutMs.orElse(DEFAULT_WAIT_MS))));
        while (!store.exists(id)) {
            boolean reserved = store.claimed(id) || store.reservation(id).filter(r -> r.expiresAt() > clock.getAsLong()).isPresent();
            if (!reserved) {
                return; // never created, or expired: the caller answers M_NOT_FOUND
            }
            if (System.nanoTime() - deadline >= 0) {
                throw notYetUploaded(id);
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw notYetUploaded(id);
            }
        }
    }

    /** The media ID of this server's {@code mxc://} URI parts; {@code M_NOT_FOUND} for another server's or a malformed ID. */
    private String local(String server, String mediaId) {
        if (!server.equals(serverName)) {
            throw new MatrixException(404, ErrorCodes.M_NOT_FOUND, "media of other servers cannot be fetched (no federation)");
        }
        if (!MEDIA_ID.matcher(mediaId).matches()) {
            throw notFound();
        }
        return mediaId;
    }

    private void checkSize(byte[] bytes) {
        if (bytes.length > maxUpload) {
            throw new MatrixException(413, ErrorCodes.M_TOO_LARGE, "uploads are limited to " + maxUpload + " bytes");
        }
    }

    private String mxc(String id) {
        return "mxc://" + serverName + "/" + id;
    }

    private static MediaStore.Info info(Optional<String> contentType, Optional<String> filename) {
        return new MediaStore.Info(contentType.orElse("application/octet-stream"), filename);
    }

    /** The type and subtype, lower case, without parameters. */
    public static String essence(String contentType) {
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
    }

    private static MatrixException notFound() {
        return new MatrixException(404, ErrorCodes.M_NOT_FOUND, "no such media");
    }

    private static MatrixException notYetUploaded(String id) {
        return new MatrixException(504, "M_NOT_YET_UPLOADED", "media " + id + " has not been uploaded yet");
    }

    private static MatrixException alreadyUploaded(String id) {
        return new MatrixException(409, "M_CANNOT_OVERWRITE_MEDIA", "media " + id + " is already uploaded");
    }
}
