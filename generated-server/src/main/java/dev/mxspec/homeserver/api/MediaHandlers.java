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

    /**
     * @param authenticator the caller of an access token ({@code M_MISSING_TOKEN} or {@code M_UNKNOWN_TOKEN} otherwise), for
     *     {@code PUT /upload/{serverName}/{mediaId}}, which v1.7's data does not mark as authenticated although only the
     *     creator of the media ID may use it
     */
    public MediaHandlers(Path dir, String serverName, long maxUpload, Function<Optional<String>, Caller> authenticator) {
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

    /** Reserves a media ID; the {@code .pending} file holds the user who may fill it. */
    @Override
    public CreateContentResponse createContent(RequestContext context, CreateContent.Request request) {
        String id = Ids.random(24);
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(id + ".pending"), context.principal(Caller.class).userId());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new CreateContentResponse("mxc://" + serverName + "/" + id, Optional.empty(), Map.of());
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
        String creator;
        try {
            creator = Files.readString(pending);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new MatrixException(404, ErrorCodes.M_NOT_FOUND, "media " + id + " was not created for upload");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
        return load(local(request.serverName(), request.mediaId()), Optional.empty());
    }

    @Override
    public Media getContentOverrideName(RequestContext context, GetContentOverrideName.Request request) {
        return load(local(request.serverName(), request.mediaId()), Optional.of(request.fileName()));
    }

    @Override
    public Media getContentThumbnail(RequestContext context, GetContentThumbnail.Request request) {
        return load(local(request.serverName(), request.mediaId()), Optional.empty());
    }

    @Override
    public GetConfigResponse getConfig(RequestContext context, GetConfig.Request request) {
        return new GetConfigResponse(Optional.of(maxUpload), Map.of());
    }

    @Override
    public GetUrlPreviewResponse getUrlPreview(RequestContext context, GetUrlPreview.Request request) {
        throw new MatrixException(404, ErrorCodes.M_UNRECOGNIZED, "URL previews are not offered by this server");
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
