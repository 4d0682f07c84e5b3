package dev.mxspec.runtime.server;

import dev.mxspec.runtime.api.Endpoint;
import dev.mxspec.runtime.api.MatrixException;

/**
 * Checks the caller of an endpoint the spec marks as authenticated. Called by the router before
 * the handler; a handler never runs for such an endpoint without a principal.
 */
@FunctionalInterface
public interface Authenticator {

    /**
     * The principal for this request.
     *
     * @throws MatrixException {@code M_MISSING_TOKEN} (401) or {@code M_UNKNOWN_TOKEN} (401) when the
     *     caller cannot be authenticated
     */
    Object authenticate(Endpoint endpoint, ServerRequest request) throws MatrixException;

    /** Refuses every authenticated endpoint: for servers that serve only public endpoints. */
    static Authenticator refuseAll() {
        return (endpoint, request) -> {
            throw new MatrixException(401, "M_MISSING_TOKEN", "authentication is not available on this server");
        };
    }
}
