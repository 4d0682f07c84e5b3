package dev.mxspec.homeserver.core;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How the HTTP server treats connections (the {@code http:} block of the configuration). A value
 * left out or 0 takes the default.
 *
 * @param headerTimeoutMs how long a client may take to send a request's line and headers once it
 *     has started (slow clients trickling bytes are cut off after this)
 * @param bodyTimeoutMs how long a client may take to send a request's body
 * @param idleTimeoutMs how long a connection may stay silent (between requests, or in the middle of
 *     one) before it is closed
 * @param acceptBacklog how many connections the operating system may queue before they are accepted
 * @param maxHeaderBytes the largest request line plus headers (longer URIs get 414, longer headers 431)
 */
public record HttpSettings(
        @JsonProperty("header_timeout_ms") long headerTimeoutMs,
        @JsonProperty("body_timeout_ms") long bodyTimeoutMs,
        @JsonProperty("idle_timeout_ms") long idleTimeoutMs,
        @JsonProperty("accept_backlog") int acceptBacklog,
        @JsonProperty("max_header_bytes") int maxHeaderBytes) {

    public HttpSettings {
        headerTimeoutMs = positive("header_timeout_ms", headerTimeoutMs, 10_000);
        bodyTimeoutMs = positive("body_timeout_ms", bodyTimeoutMs, 60_000);
        idleTimeoutMs = positive("idle_timeout_ms", idleTimeoutMs, 60_000);
        acceptBacklog = (int) positive("accept_backlog", acceptBacklog, 1024);
        maxHeaderBytes = (int) positive("max_header_bytes", maxHeaderBytes, 8192);
    }

    public static HttpSettings defaults() {
        return new HttpSettings(0, 0, 0, 0, 0);
    }

    private static long positive(String key, long value, long fallback) {
        if (value < 0) {
            throw new IllegalArgumentException("http." + key + " must be positive, not " + value);
        }
        return value == 0 ? fallback : value;
    }

    /** The commented YAML block. */
    String toYaml() {
        return """
                # How the HTTP server treats connections (times in ms).
                http:
                  # Time a client may take to send a request's line and headers once it has begun.
                  header_timeout_ms: %d
                  # Time a client may take to send a request's body.
                  body_timeout_ms: %d
                  # Time a connection may stay silent before it is closed.
                  idle_timeout_ms: %d
                  # Connections the operating system may queue before they are accepted.
                  accept_backlog: %d
                  # The largest request line plus headers, in bytes.
                  max_header_bytes: %d
                """.formatted(headerTimeoutMs, bodyTimeoutMs, idleTimeoutMs, acceptBacklog, maxHeaderBytes);
    }
}
