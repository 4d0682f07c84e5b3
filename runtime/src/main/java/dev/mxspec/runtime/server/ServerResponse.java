package dev.mxspec.runtime.server;

import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.json.MatrixJson;
import java.util.Map;

/**
 * An HTTP response, independent of any HTTP server library.
 *
 * @param status HTTP status
 * @param contentType the body's media type
 * @param headers further headers
 * @param body the body bytes
 */
public record ServerResponse(int status, String contentType, Map<String, String> headers, byte[] body) {

    public static ServerResponse json(int status, Object value) {
        return new ServerResponse(status, "application/json", Map.of(), MatrixJson.bytes(value));
    }

    public static ServerResponse error(MatrixException e) {
        Map<String, String> headers = e.retryAfterMs()
                .map(ms -> Map.of("Retry-After", Long.toString(Math.max(1, (ms + 999) / 1000))))
                .orElse(Map.of());
        return new ServerResponse(e.status(), "application/json", headers, MatrixJson.bytes(e.body()));
    }

    /** The media's bytes with {@code status}, or a {@code 307 Temporary Redirect} to its location when it has one. */
    public static ServerResponse media(int status, dev.mxspec.runtime.api.Media media) {
        if (media.location().isPresent()) {
            return new ServerResponse(307, media.contentType(), Map.of("Location", media.location().get().toASCIIString()), new byte[0]);
        }
        Map<String, String> headers = media.contentDisposition().map(d -> Map.of("Content-Disposition", d)).orElse(Map.of());
        return new ServerResponse(status, media.contentType(), headers, media.bytes());
    }

    public static ServerResponse bytes(int status, String contentType, Map<String, String> headers, byte[] body) {
        return new ServerResponse(status, contentType, headers, body);
    }
}
