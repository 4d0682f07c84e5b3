package dev.mxspec.homeserver.api;

import static dev.mxspec.homeserver.api.Handlers.caller;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.mxspec.homeserver.services.SpaceHierarchy;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.runtime.server.RequestContext;
import dev.mxspec.spec.v1_7.clientserver.ClientServerGetSpaceHierarchyResponse;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetSpaceHierarchy;
import dev.mxspec.spec.v1_7.clientserver.server.SpaceHierarchyHandler;

/** {@code GET /_matrix/client/v1/rooms/{roomId}/hierarchy}: a page of the space tree below a room, as the caller may see it. */
public final class HierarchyHandlers implements SpaceHierarchyHandler {

    private final SpaceHierarchy hierarchy;

    public HierarchyHandlers(SpaceHierarchy hierarchy) {
        this.hierarchy = hierarchy;
    }

    @Override
    public ClientServerGetSpaceHierarchyResponse getSpaceHierarchy(RequestContext context, GetSpaceHierarchy.Request request) {
        try {
            return MatrixJson.convert(hierarchy.forUser(caller(context).userId(), request.roomId(), request.suggestedOnly().orElse(false),
                    request.maxDepth(), request.limit(), request.from()), ClientServerGetSpaceHierarchyResponse.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
