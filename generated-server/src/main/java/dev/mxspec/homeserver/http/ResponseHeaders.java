package dev.mxspec.homeserver.http;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.PreEncodedHttpField;

/**
 * Headers the server adds on its own: CORS on every response (the Client-Server API's "Web Browser
 * Clients" section), and on media a policy that keeps a browser from running or sniffing what was
 * uploaded (the headers Synapse sends).
 */
final class ResponseHeaders {

    static final HttpField ALLOW_ORIGIN = new PreEncodedHttpField("Access-Control-Allow-Origin", "*");
    static final HttpField ALLOW_METHODS = new PreEncodedHttpField("Access-Control-Allow-Methods", "GET, HEAD, POST, PUT, DELETE, OPTIONS");
    static final HttpField ALLOW_HEADERS = new PreEncodedHttpField("Access-Control-Allow-Headers",
            "X-Requested-With, Content-Type, Authorization");

    static final HttpField MEDIA_CSP = new PreEncodedHttpField("Content-Security-Policy",
            "sandbox; default-src 'none'; script-src 'none'; plugin-types application/pdf; style-src 'unsafe-inline'; "
                    + "media-src 'self'; object-src 'self';");
    static final HttpField NOSNIFF = new PreEncodedHttpField("X-Content-Type-Options", "nosniff");
    static final HttpField CROSS_ORIGIN_RESOURCE = new PreEncodedHttpField("Cross-Origin-Resource-Policy", "cross-origin");

    private ResponseHeaders() {}

    static void addCors(HttpFields.Mutable headers) {
        headers.put(ALLOW_ORIGIN);
        headers.put(ALLOW_METHODS);
        headers.put(ALLOW_HEADERS);
    }

    /** Whether {@code path} is served by the content repository (every version's prefix, and the authenticated one). */
    static boolean isMedia(String path) {
        return path.startsWith("/_matrix/media/") || path.startsWith("/_matrix/client/v1/media/");
    }

    static void addMediaPolicy(HttpFields.Mutable headers) {
        headers.put(MEDIA_CSP);
        headers.put(NOSNIFF);
        headers.put(CROSS_ORIGIN_RESOURCE);
    }
}
