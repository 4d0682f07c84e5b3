package dev.mxspec.homeserver.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.core.Caller;
import dev.mxspec.homeserver.core.MediaSettings;
import dev.mxspec.homeserver.media.FileMediaStore;
import dev.mxspec.homeserver.media.MediaService;
import dev.mxspec.homeserver.media.UrlPreviews;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.api.Media;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.runtime.server.RequestContext;
import dev.mxspec.runtime.server.ServerRequest;
import dev.mxspec.spec.v1_7.clientserver.CreateContentResponse;
import dev.mxspec.spec.v1_7.clientserver.GetConfigResponse;
import dev.mxspec.spec.v1_7.clientserver.GetContentThumbnailMethod;
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
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The content repository's endpoints over {@link MediaService}: uploads (also to an MXC URI created
 * beforehand, v1.7), downloads, thumbnails, {@code allow_redirect}, the upload size limit, and URL
 * previews when switched on ({@link UrlPreviews}). Downloads are inline only for types a browser shows without running
 * anything ({@link MediaTypes}); the HTTP layer adds a sandboxing {@code Content-Security-Policy} to
 * every media response, cached copies of other servers' media included.
 */
public final class MediaHandlers implements ContentRepoHandler {

    /** Media IDs a user may hold reserved and not yet filled at once. */
    static final int MAX_PENDING_PER_USER = MediaService.MAX_PENDING_PER_USER;

    private final MediaService media;
    private final Function<ServerRequest, Caller> authenticator;
    private volatile Optional<UrlPreviews> previews = Optional.empty();

    /**
     * @param authenticator the caller of an access token ({@code M_MISSING_TOKEN} or {@code M_UNKNOWN_TOKEN} otherwise), for
     *     {@code PUT /upload/{serverName}/{mediaId}}, which v1.7's data does not mark as authenticated although only the
     *     creator of the media ID may use it
     */
    public MediaHandlers(MediaService media, Function<ServerRequest, Caller> authenticator) {
        this.media = media;
        this.authenticator = authenticator;
    }

    /** Media as files in {@code dir}, reservations living {@code pendingLifetimeMs} by {@code clock}. */
    MediaHandlers(Path dir, String serverName, long maxUpload, Function<ServerRequest, Caller> authenticator, long pendingLifetimeMs,
            LongSupplier clock) {
        this(new MediaService(new FileMediaStore(dir, Optional.empty()), serverName, maxUpload, MediaSettings.defaults(), pendingLifetimeMs,
                clock), authenticator);
    }

    @Override
    public UploadContentResponse uploadContent(RequestContext context, UploadContent.Request request) {
        return new UploadContentResponse(media.upload(request.body(), request.contentType(), request.filename()), Map.of());
    }

    @Override
    public CreateContentResponse createContent(RequestContext context, CreateContent.Request request) {
        MediaService.Created created = media.create(context.principal(Caller.class).userId());
        return new CreateContentResponse(created.contentUri(), Optional.of(created.expiresAt()), Map.of());
    }

    @Override
    public JsonNode uploadContentToMXC(RequestContext context, UploadContentToMXC.Request request) {
        Caller caller = context.principal().map(Caller.class::cast).orElseGet(() -> authenticator.apply(context.request()));
        media.uploadTo(caller.userId(), request.serverName(), request.mediaId(), request.body(), request.contentType(), request.filename());
        return MatrixJson.mapper().createObjectNode();
    }

    @Override
    public Media getContent(RequestContext context, GetContent.Request request) {
        return present(media.download(request.serverName(), request.mediaId(), request.timeoutMs(), redirect(request.allowRedirect()),
                request.allowRemote().orElse(true)), Optional.empty());
    }

    @Override
    public Media getContentOverrideName(RequestContext context, GetContentOverrideName.Request request) {
        return present(media.download(request.serverName(), request.mediaId(), request.timeoutMs(), redirect(request.allowRedirect()),
                request.allowRemote().orElse(true)), Optional.of(request.fileName()));
    }

    @Override
    public Media getContentThumbnail(RequestContext context, GetContentThumbnail.Request request) {
        return present(media.thumbnail(request.serverName(), request.mediaId(), request.width(), request.height(),
                request.method().map(GetContentThumbnailMethod::value), request.timeoutMs(), redirect(request.allowRedirect()),
                request.allowRemote().orElse(true)), Optional.empty());
    }

    @Override
    public GetConfigResponse getConfig(RequestContext context, GetConfig.Request request) {
        return new GetConfigResponse(Optional.of(media.maxUpload()), Map.of());
    }

    @Override
    public GetUrlPreviewResponse getUrlPreview(RequestContext context, GetUrlPreview.Request request) {
        UrlPreviews on = previews.orElseThrow(() -> MatrixException.forbidden("URL previews are switched off on this server"));
        return Handlers.typed(on.preview(request.url()), GetUrlPreviewResponse.class);
    }

    /** This server's URL previews: switched on, {@code GET /preview_url} answers with them. */
    public MediaHandlers previews(UrlPreviews previews) {
        this.previews = Optional.of(previews);
        return this;
    }

    /** Whether the client allowed a redirect: only when it said so ({@code allow_redirect=true}). */
    private static boolean redirect(Optional<Boolean> allowRedirect) {
        return allowRedirect.orElse(false);
    }

    /** The served content with the type and disposition a browser may be given, or the redirect. */
    private static Media present(MediaService.Served served, Optional<String> nameOverride) {
        if (served.location().isPresent()) {
            return Media.redirect(served.location().get());
        }
        String type = served.contentType();
        return new Media(MediaTypes.servedContentType(type),
                Optional.of(MediaTypes.contentDisposition(type, nameOverride.or(served::filename))), served.bytes());
    }
}
