package dev.mxspec.homeserver.federation.queries;

import dev.mxspec.runtime.api.PathCodec;

import dev.mxspec.homeserver.federation.FederationClient;
import dev.mxspec.homeserver.media.RemoteMedia;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Other servers' media, as v1.7 fetches them (before authenticated media): {@code GET
 * /_matrix/media/v3/download/{origin}/{mediaId}?allow_remote=false} of the origin, found by server discovery and
 * signed like any federation request. As Synapse answers: 404 of the origin is {@code M_NOT_FOUND}; an origin that
 * cannot be reached, does not answer in time or answers with another error is 502 {@code M_UNKNOWN}; content over the
 * limit is 502 {@code M_TOO_LARGE}.
 */
public final class FederatedMedia implements RemoteMedia {

    private static final Logger LOG = LoggerFactory.getLogger(FederatedMedia.class);
    private static final Pattern FILENAME_STAR = Pattern.compile("filename\\*\\s*=\\s*(?i:utf-8)''([^;]+)");
    private static final Pattern FILENAME = Pattern.compile("filename\\s*=\\s*(\"([^\"]*)\"|[^;\\s]+)");

    private final FederationClient client;

    public FederatedMedia(FederationClient client) {
        this.client = client;
    }

    @Override
    public Optional<Fetched> fetch(String origin, String mediaId, long maxBytes, Duration timeout) {
        String uri = "/_matrix/media/v3/download/" + PathCodec.encodeSegment(origin) + "/"
                + PathCodec.encodeSegment(mediaId) + "?allow_remote=false";
        FederationClient.Download d;
        try {
            d = client.download(origin, uri, maxBytes, timeout);
        } catch (FederationClient.TooLarge e) {
            throw new MatrixException(502, ErrorCodes.M_TOO_LARGE, "the media of " + origin + " is larger than " + maxBytes + " bytes");
        } catch (IOException e) {
            LOG.info("cannot fetch media {} of {}: {}", mediaId, origin, e.toString());
            throw new MatrixException(502, ErrorCodes.M_UNKNOWN, "failed to fetch the media of " + origin);
        }
        if (d.status() == 404) {
            return Optional.empty();
        }
        if (d.status() != 200) {
            throw new MatrixException(502, ErrorCodes.M_UNKNOWN, "failed to fetch the media of " + origin + ": it answered " + d.status());
        }
        return Optional.of(new Fetched(d.contentType().orElse("application/octet-stream"), d.contentDisposition().flatMap(FederatedMedia::filename),
                d.bytes()));
    }

    /** The file name of a {@code Content-Disposition}: its {@code filename*} (RFC 6266) or else its {@code filename}. */
    static Optional<String> filename(String disposition) {
        Matcher star = FILENAME_STAR.matcher(disposition);
        if (star.find()) {
            try {
                return Optional.of(URLDecoder.decode(star.group(1).strip().replace("+", "%2B"), StandardCharsets.UTF_8)).filter(n -> !n.isBlank());
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
        Matcher plain = FILENAME.matcher(disposition);
        if (plain.find()) {
            String name = plain.group(2) != null ? plain.group(2) : plain.group(1);
            return Optional.of(name).filter(n -> !n.isBlank());
        }
        return Optional.empty();
    }
}
