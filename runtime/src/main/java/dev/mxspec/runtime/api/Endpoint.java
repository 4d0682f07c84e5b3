package dev.mxspec.runtime.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the spec says about one operation: generated as a constant per endpoint, the single source
 * of server routes and client URLs.
 *
 * @param name the spec's operationId
 * @param method the HTTP method
 * @param path the full path template, for example {@code /_matrix/client/v3/rooms/{roomId}/send/{eventType}/{txnId}}
 * @param pathParams path parameter names, in path order
 * @param queryParams query parameter names ({@code fields...}: any further query parameters)
 * @param headerParams header parameter names
 * @param hasBody whether the operation takes a request body
 * @param auth the security scheme, empty when the operation needs no authentication
 * @param rateLimited whether the spec marks it rate-limited
 * @param addedIn the spec version that added it, if the spec says
 * @param changedIn spec version to what changed then
 * @param deprecated whether it is deprecated
 */
public record Endpoint(
        String name,
        String method,
        String path,
        List<String> pathParams,
        List<String> queryParams,
        List<String> headerParams,
        boolean hasBody,
        Optional<String> auth,
        boolean rateLimited,
        Optional<String> addedIn,
        Map<String, String> changedIn,
        boolean deprecated) {

    public Endpoint {
        pathParams = List.copyOf(pathParams);
        queryParams = List.copyOf(queryParams);
        headerParams = List.copyOf(headerParams);
        changedIn = Map.copyOf(changedIn);
    }

    /** Whether the caller must authenticate. */
    public boolean authenticated() {
        return auth.isPresent();
    }

    /** The path template split into literal segments and {@code {param}} segments. */
    public List<String> segments() {
        List<String> segments = new ArrayList<>();
        for (String part : path.substring(1).split("/", -1)) {
            segments.add(part);
        }
        return segments;
    }

    /** The path with parameters filled in, each percent-encoded as one path segment. */
    public String expand(Map<String, String> values) {
        StringBuilder out = new StringBuilder();
        for (String segment : segments()) {
            out.append('/');
            if (segment.startsWith("{") && segment.endsWith("}")) {
                String name = segment.substring(1, segment.length() - 1);
                String value = values.get(name);
                if (value == null) {
                    throw new IllegalArgumentException("path parameter '" + name + "' of " + method + " " + path + " is missing");
                }
                out.append(PathCodec.encodeSegment(value));
            } else {
                out.append(segment);
            }
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return method + " " + path;
    }
}
