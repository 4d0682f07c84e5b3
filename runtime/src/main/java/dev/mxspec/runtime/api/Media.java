package dev.mxspec.runtime.api;

import java.net.URI;
import java.util.Optional;

/**
 * Bytes that are not JSON: a media download (the spec's {@code type: file}), or where to fetch them
 * instead.
 *
 * @param contentType the media type
 * @param contentDisposition the {@code Content-Disposition} header, if any (carries the file name)
 * @param bytes the content
 * @param location where the content can be fetched instead of here: a server answers with a
 *     {@code 307 Temporary Redirect} to it and no body
 */
public record Media(String contentType, Optional<String> contentDisposition, byte[] bytes, Optional<URI> location) {

    public Media {
        contentType = contentType == null ? "application/octet-stream" : contentType;
        contentDisposition = contentDisposition == null ? Optional.empty() : contentDisposition;
        bytes = bytes == null ? new byte[0] : bytes;
        location = location == null ? Optional.empty() : location;
        if (location.isPresent() && !location.get().isAbsolute()) {
            throw new IllegalArgumentException("a media location must be an absolute URI, not " + location.get());
        }
    }

    /** The content itself. */
    public Media(String contentType, Optional<String> contentDisposition, byte[] bytes) {
        this(contentType, contentDisposition, bytes, Optional.empty());
    }

    /** A pointer to the content at an absolute URI. */
    public static Media redirect(URI location) {
        return new Media(null, Optional.empty(), null, Optional.of(location));
    }
}
