package dev.mxspec.runtime.server;

import java.util.Optional;

/**
 * Who is calling: handed to every handler method next to its typed request.
 *
 * @param request the raw request (headers, remote address)
 * @param accessToken the access token, when one was given
 * @param principal what the {@link Authenticator} made of the token (a user and device, a server, an
 *     application service), present on every endpoint the spec marks as authenticated
 */
public record RequestContext(ServerRequest request, Optional<String> accessToken, Optional<Object> principal) {

    /** The principal as the type the server's authenticator produces. */
    public <T> T principal(Class<T> type) {
        return type.cast(principal.orElseThrow(() -> new IllegalStateException("request is not authenticated")));
    }
}
