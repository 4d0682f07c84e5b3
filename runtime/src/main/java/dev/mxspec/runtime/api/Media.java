package dev.mxspec.runtime.api;

import java.util.Optional;

/**
 * Bytes that are not JSON: a media download (the spec's {@code type: file}).
 *
 * @param contentType the media type
 * @param contentDisposition the {@code Content-Disposition} header, if any (carries the file name)
 * @param bytes the content
 */
public record Media(String contentType, Optional<String> contentDisposition, byte[] bytes) {

    public Media {
        contentType = contentType == null ? "application/octet-stream" : contentType;
        contentDisposition = contentDisposition == null ? Optional.empty() : contentDisposition;
        bytes = bytes == null ? new byte[0] : bytes;
    }
}
