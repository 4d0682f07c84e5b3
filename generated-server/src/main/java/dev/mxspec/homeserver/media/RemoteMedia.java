package dev.mxspec.homeserver.media;

import java.time.Duration;
import java.util.Optional;

/** Media of other servers, fetched from their origin. */
@FunctionalInterface
public interface RemoteMedia {

    /**
     * An item as its origin served it.
     *
     * @param contentType the type the origin gave
     * @param filename the name the origin gave, if any
     * @param bytes the content
     */
    record Fetched(String contentType, Optional<String> filename, byte[] bytes) {}

    /**
     * The item {@code mediaId} of {@code origin}; empty when the origin has none. A {@link dev.mxspec.runtime.api.MatrixException}
     * when the origin cannot be reached in {@code timeout}, answers with an error, or sends more than {@code maxBytes}.
     */
    Optional<Fetched> fetch(String origin, String mediaId, long maxBytes, Duration timeout);
}
