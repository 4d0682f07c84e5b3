package dev.mxspec.runtime.server;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * An HTTP request as the router sees it, independent of any HTTP server library.
 *
 * @param method upper-case HTTP method
 * @param path the raw (still percent-encoded) path, without the query string
 * @param query decoded query parameters, each with all its values in order
 * @param headers header values by lower-case name
 * @param body the raw request body (empty when there is none)
 * @param remoteAddress the client's address, for rate limiting and logs
 */
public record ServerRequest(
        String method,
        String path,
        Map<String, List<String>> query,
        Map<String, String> headers,
        byte[] body,
        String remoteAddress) {

    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
    }

    public Optional<String> queryValue(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }

    /**
     * The access token: {@code Authorization: Bearer ...}, else the {@code access_token} query
     * parameter (the two ways the Client-Server API allows).
     */
    public Optional<String> accessToken() {
        Optional<String> auth = header("authorization");
        if (auth.isPresent() && auth.get().regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.of(auth.get().substring(7).strip());
        }
        return queryValue("access_token");
    }
}
