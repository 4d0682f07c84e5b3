package dev.mxspec.homeserver.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.core.Caller;
import dev.mxspec.homeserver.core.Ids;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.Media;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.runtime.server.RequestContext;
import dev.mxspec.spec.v1_7.clientserver.CreateContentResponse;
import dev.mxspec.spec.v1_7.clientserver.GetConfigResponse;
import dev.mxspec.spec.v1_7.clientserver.GetUrlPreviewResponse;
import dev.mxspec.spec.v1_7.clientserver.UploadContentResponse;
import dev.mxspec.spec.v1_7.clientserver.endpoints.CreateContent;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetConfig;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetContent;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetContentOverrideName;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetContentThumbnail;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetUrlPreview;
import dev.mxspec.spec.v1_7.clientserver.endpoints.UploadContent;
import dev.mxspec.spec.v1_7.clientserver.endpoints.UploadContentToMXC;
import dev.mxspec.spec.v1_7.clientserver.server.ContentRepoHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A local media repository: uploads (also to an MXC URI created beforehand, v1.7) kept as files
 * in {@code data_dir/media}, downloads, thumbnails (the original: no image scaling yet), and the
 * upload size limit. URL previews are not offered. Downloads are inline only for types a browser
 * shows without running anything ({@link MediaTypes}); the HTTP layer adds a sandboxing
 * {@code Content-Security-Policy} to every media response.
 */
public final class MediaHandlers implements ContentRepoHandler {

    private static final Pattern MEDIA_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final Path dir;
    private final String serverName;
    private final long maxUpload;
    private final Function<Optional<String>, Caller> authenticator;

    /** How long a created media ID waits for its upload (Synapse's default: a day). */
    static final long PENDING_LIFETIME_MS = 24 * 60 * 60 * 1000L;
    /** Media IDs a user may hold reserved and not yet filled at once. */
    static final int MAX_PENDING_PER_USER = 5;
    /** How long a download waits for a created ID's upload when the client gives no {@code timeout_ms} (the spec's default). */
    static final long DEFAULT_WAIT_MS = 20_000;
    private static final long MAX_WAIT_MS = 60_000;

    private final long pendingLifetimeMs;
    private final java.util.function.LongSupplier clock;

    /**
     * @param authenticator the caller of an access token ({@code M_MISSING_TOKEN} or {@code M_UNKNOWN_TOKEN} otherwise), for
     *     {@code PUT /upload/{serverName}/{mediaId}}, which v1.7's data does not mark as authenticated although only the
     *     creator of the media ID may use it
     */
    public MediaHandlers(Path dir, String serverName, long maxUpload, Function<Optional<String>, Caller> authenticator) {
        this(dir, serverName, maxUpload, authenticator, PENDING_LIFETIME_MS, System::currentTimeMillis);
    }

    MediaHandlers(Path dir, String serverName, long maxUpload, Function<Optional<String>, Caller> authenticator, long pendingLifetimeMs,
            java.util.function.LongSupplier clock) {
        this.pendingLifetimeMs = pendingLifetimeMs;
        this.clock = clock;
        this.dir = dir;
        this.serverName = serverName;
        this.maxUpload = maxUpload;
        this.authenticator = authenticator;
    }

    @Override
    public UploadContentResponse uploadContent(RequestContext context, UploadContent.Request request) {
        String id = Ids.random(24);
        store(id, request.body(), request.contentType(), request.filename(), true);
        return new UploadContentResponse("mxc://" + serverName + "/" + id, Map.of());
    }

    /** A reserved media ID: who may fill it, and until when. */
    private record Pending(String creator, long expiresAt) {}

    /**
     * Reserves a media ID; the {@code .pending} file holds the user who may fill it and when the
     * reservation expires ({@code unused_expires_at}). A user holds at most
     * {@link #MAX_PENDING_PER_USER} unexpired reservations ({@code M_LIMIT_EXCEEDED} until one expires).
     */
    @Override
    public synchronized CreateContentResponse createContent(RequestContext context, CreateContent.Request request) {
        String user = context.principal(Caller.class).userId();
        long now = clock.getAsLong();
        List<Pending> mine = new java.util.ArrayList<>();
        try {
            Files.createDirectories(dir);
            try (var files = Files.newDirectoryStream(dir, "*.pending")) {
                for (Path f : files) {
                    pending(f).filter(p -> p.creator().equals(user) && p.expiresAt() > now).ifPresent(mine::add);
                }
            }
            if (mine.size() >= MAX_PENDING_PER_USER) {
                long retry = mine.stream().mapToLong(Pending::expiresAt).min().orElse(now) - now;
                throw MatrixException.limitExceeded(Math.max(1, retry));
            }
            String id = Ids.random(24);
            long expires = now + pendingLifetimeMs;
            Files.writeString(dir.resolve(id + ".pending"), user + "\n" + expires);
            return new CreateContentResponse("mxc://" + serverName + "/" + id, Optional.of(expires), Map.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A reservation as stored (an older one without an expiry expires a lifetime after it was made). */
    private Optional<Pending> pending(Path file) {
        try {
            String[] lines = Files.readString(file).split("\n");
            long expires = lines.length > 1 ? Long.parseLong(lines[1].strip())
                    : Files.getLastModifiedTime(file).toMillis() + pendingLifetimeMs;
            return Optional.of(new Pending(lines[0].strip(), expires));
        } catch (java.nio.file.NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Fills a reserved media ID: only its creator may ({@code M_FORBIDDEN}), once ({@code M_CANNOT_OVERWRITE_MEDIA});
     * an ID never reserved is {@code M_NOT_FOUND}. The reservation is claimed by an atomic rename, so two uploads at
     * once store one file.
     */
    @Override
    public JsonNode uploadContentToMXC(RequestContext context, UploadContentToMXC.Request request) {
        Caller caller = context.principal().map(Caller.class::cast).orElseGet(() -> authenticator.apply(context.accessToken()));
        String id = local(request.serverName(), request.mediaId());
        Path pending = dir.resolve(id + ".pending");
        Path claimed = dir.resolve(id + ".uploading");
        if (Files.exists(dir.resolve(id)) || Files.exists(claimed)) {
            throw new MatrixException(409, "M_CANNOT_OVERWRITE_MEDIA", "media " + id + " is already uploaded");
        }
        Pending reservation = pending(pending)
                .orElseThrow(() -> new MatrixException(404, ErrorCodes.M_NOT_FOUND, "media " + id + " was not created for upload"));
        if (reservation.expiresAt() <= clock.getAsLong()) {
            try {
                Files.deleteIfExists(pending);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            throw new MatrixException(404, ErrorCodes.M_NOT_FOUND, "the reservation of media " + id + " expired unused");
        }
        String creator = reservation.creator();
        if (!creator.equals(caller.userId())) {
            throw new MatrixException(403, ErrorCodes.M_FORBIDDEN, "only the user who created media " + id + " may upload it");
        }
        try {
            Files.move(pending, claimed, StandardCopyOption.ATOMIC_MOVE);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new MatrixException(409, "M_CANNOT_OVERWRITE_MEDIA", "media " + id + " is already uploaded");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            store(id, request.body(), request.contentType(), request.filename(), false);
            Files.delete(claimed);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            try {
                Files.move(claimed, pending, StandardCopyOption.ATOMIC_MOVE); // the creator may try again
            } catch (IOException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
        return MatrixJson.mapper().createObjectNode();
    }

    @Override
    public Media getContent(RequestContext context, GetContent.Request request) {
        String id = local(request.serverName(), request.mediaId());
        awaitUpload(id, request.timeoutMs());
        return load(id, Optional.empty());
    }

    @Override
    public Media getContentOverrideName(RequestContext context, GetContentOverrideName.Request request) {
        String id = local(request.serverName(), request.mediaId());
        awaitUpload(id, request.timeoutMs());
        return load(id, Optional.of(request.fileName()));
    }

    @Override
    public Media getContentThumbnail(RequestContext context, GetContentThumbnail.Request request) {
        String id = local(request.serverName(), request.mediaId());
        awaitUpload(id, request.timeoutMs());
        return load(id, Optional.empty());
    }

    @Override
    public GetConfigResponse getConfig(RequestContext context, GetConfig.Request request) {
        return new GetConfigResponse(Optional.of(maxUpload), Map.of());
    }

    @Override
    public GetUrlPreviewResponse getUrlPreview(RequestContext context, GetUrlPreview.Request request) {
        throw new MatrixException(404, ErrorCodes.M_UNRECOGNIZED, "URL previews are not offered by this server");
    }

    /**
     * For an ID created but not yet filled: waits up to {@code timeout_ms} (20 s by default, 60 s at
     * most) for its upload, then answers 504 {@code M_NOT_YET_UPLOADED}. Other IDs return at once.
     */
    private void awaitUpload(String id, Optional<Long> timeoutMs) {
        Path data = dir.resolve(id);
        if (Files.isRegularFile(data)) {
            return;
        }
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(
                Math.max(0, Math.min(MAX_WAIT_MS, timeoutMs.orElse(DEFAULT_WAIT_MS))));
        while (!Files.isRegularFile(data)) {
            boolean reserved = Files.exists(dir.resolve(id + ".uploading"))
                    || pending(dir.resolve(id + ".pending")).filter(p -> p.expiresAt() > clock.getAsLong()).isPresent();
            if (!reserved) {
                return; // never created, or expired: load answers M_NOT_FOUND
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new MatrixException(504, "M_NOT_YET_UPLOADED", "media " + id + " has not been uploaded yet");
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MatrixException(504, "M_NOT_YET_UPLOADED", "media " + id + " has not been uploaded yet");
            }
        }
    }

    private String local(String server, String mediaId) {
        if (!server.equals(serverName)) {
            throw new MatrixException(404, ErrorCodes.M_NOT_FOUND, "media of other servers cannot be fetched (no federation)");
        }
        if (!MEDIA_ID.matcher(mediaId).matches()) {
            throw new MatrixException(404, ErrorCodes.M_NOT_FOUND, "no such media");
        }
        return mediaId;
    }

    private void store(String id, byte[] bytes, Optional<String> contentType, Optional<String> filename, boolean fresh) {
        if (bytes.length > maxUpload) {
            throw new MatrixException(413, ErrorCodes.M_TOO_LARGE, "uploads are limited to " + maxUpload + " bytes");
        }
        try {
            Files.createDirectories(dir);
            Path data = dir.resolve(id);
            if (fresh && Files.exists(data)) {
                throw new MatrixException(409, "M_CANNOT_OVERWRITE_MEDIA", "media exists");
            }
            ObjectNode meta = MatrixJson.mapper().createObjectNode().put("content_type", contentType.orElse("application/octet-stream"));
            filename.ifPresent(f -> meta.put("filename", f));
            Files.writeString(dir.resolve(id + ".json"), MatrixJson.write(meta));
            // the data last and whole: a download finds either nothing or the complete file with its metadata
            Path partial = dir.resolve(id + ".partial");
            Files.write(partial, bytes);
            Files.move(partial, data, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Media load(String id, Optional<String> nameOverride) {
        Path data = dir.resolve(id);
        if (!Files.isRegularFile(data)) {
            throw new MatrixException(404, ErrorCodes.M_NOT_FOUND, "no such media");
        }
        try {
            JsonNode meta = MatrixJson.mapper().readTree(Files.readString(dir.resolve(id + ".json")));
            Optional<String> name = nameOverride.or(() -> Optional.ofNullable(meta.path("filename").textValue()));
            String type = meta.path("content_type").asText("application/octet-stream");
            return new Media(MediaTypes.servedContentType(type), Optional.of(MediaTypes.contentDisposition(type, name)), Files.readAllBytes(data));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
