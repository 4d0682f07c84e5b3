package dev.mxspec.homeserver.api;

import static dev.mxspec.homeserver.api.Handlers.caller;
import static dev.mxspec.homeserver.api.Handlers.empty;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.services.PublicRooms;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.server.RequestContext;
import dev.mxspec.spec.v1_7.clientserver.endpoints.UpdateAppserviceRoomDirectoryVisibility;
import dev.mxspec.spec.v1_7.clientserver.server.AppserviceRoomDirectoryHandler;

/**
 * {@code PUT /directory/list/appservice/{networkId}/{roomId}}: an application service lists a room in (or takes it out of)
 * the room directory of one of its third-party networks. Only a service's {@code as_token} may ({@code 403 M_FORBIDDEN}
 * for anyone else, as Synapse answers); each service edits its own lists only.
 */
public final class AppServiceDirectoryHandlers implements AppserviceRoomDirectoryHandler {

    private final PublicRooms directory;

    public AppServiceDirectoryHandlers(PublicRooms directory) {
        this.directory = directory;
    }

    @Override
    public JsonNode updateAppserviceRoomDirectoryVisibility(RequestContext context, UpdateAppserviceRoomDirectoryVisibility.Request request) {
        String service = caller(context).appServiceId()
                .orElseThrow(() -> MatrixException.forbidden("only application services may edit the room lists of third-party networks"));
        String visibility = request.body().visibility().value();
        if (!visibility.equals("public") && !visibility.equals("private")) {
            throw MatrixException.invalidParam("visibility", "expected public or private");
        }
        directory.publishInNetwork(service, request.networkId(), request.roomId(), visibility.equals("public"));
        return empty();
    }
}
