package dev.mxspec.homeserver.federation;

import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.server.RequestContext;
import dev.mxspec.spec.v1_7.serverserver.GetWellKnownResponse;
import dev.mxspec.spec.v1_7.serverserver.endpoints.GetWellKnown;
import dev.mxspec.spec.v1_7.serverserver.server.WellknownHandler;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /.well-known/matrix/server} on the federation listener: the delegated server configured as
 * {@code federation.well_known_server}, or 404 {@code M_NOT_FOUND} when none is (other servers then go on with the
 * server name's own host and port, as discovery orders).
 */
final class ServerWellKnown implements WellknownHandler {

    private final Optional<String> delegated;

    ServerWellKnown(Optional<String> delegated) {
        this.delegated = delegated;
    }

    @Override
    public GetWellKnownResponse getWellKnown(RequestContext context, GetWellKnown.Request request) {
        String server = delegated.orElseThrow(() -> new MatrixException(404, ErrorCodes.M_NOT_FOUND,
                "this server does not delegate federation: no federation.well_known_server is configured"));
        return new GetWellKnownResponse(Optional.of(server), Map.of());
    }
}
