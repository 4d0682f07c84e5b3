package dev.mxspec.homeserver.federation.queries;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.federation.Origin;
import dev.mxspec.homeserver.services.SpaceHierarchy;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.runtime.server.RequestContext;
import dev.mxspec.spec.v1_7.serverserver.ServerServerGetSpaceHierarchyResponse;
import dev.mxspec.spec.v1_7.serverserver.endpoints.GetSpaceHierarchy;
import dev.mxspec.spec.v1_7.serverserver.server.SpaceHierarchyHandler;

/**
 * {@code GET /_matrix/federation/v1/hierarchy/{roomId}}: a space held here and its children, for the asking server.
 * v1.7 requires {@code room_type} and {@code allowed_room_ids} of each child: a child without a type has an empty one.
 */
public final class SpaceHierarchyHandlers implements SpaceHierarchyHandler {

    private final SpaceHierarchy hierarchy;

    public SpaceHierarchyHandlers(SpaceHierarchy hierarchy) {
        this.hierarchy = hierarchy;
    }

    @Override
    public ServerServerGetSpaceHierarchyResponse getSpaceHierarchy(RequestContext context, GetSpaceHierarchy.Request request) {
        SpaceHierarchy.RemoteSpace space = hierarchy.forServer(context.principal(Origin.class).serverName(), request.roomId(),
                request.suggestedOnly().orElse(false));
        ObjectNode json = MatrixJson.mapper().createObjectNode();
        json.set("room", space.room());
        space.children().forEach(c -> {
            ObjectNode child = json.withArray("children").addObject();
            child.setAll(c);
            if (!child.has("room_type")) {
                child.put("room_type", "");
            }
            if (!child.has("allowed_room_ids")) {
                child.putArray("allowed_room_ids");
            }
        });
        json.withArray("children");
        space.inaccessible().forEach(json.withArray("inaccessible_children")::add);
        json.withArray("inaccessible_children");
        try {
            return MatrixJson.convert(json, ServerServerGetSpaceHierarchyResponse.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
