package dev.mxspec.homeserver.federation.queries;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.services.PublicRooms;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.runtime.server.RequestContext;
import dev.mxspec.spec.v1_7.clientserver.PublicRoomsResponse;
import dev.mxspec.spec.v1_7.serverserver.QueryPublicRoomsResponse;
import dev.mxspec.spec.v1_7.serverserver.endpoints.GetPublicRooms;
import dev.mxspec.spec.v1_7.serverserver.endpoints.QueryPublicRooms;
import dev.mxspec.spec.v1_7.serverserver.server.PublicRoomsHandler;
import java.util.Optional;

/** {@code GET} and {@code POST /_matrix/federation/v1/publicRooms}: this server's room directory, as its clients see it. */
public final class PublicRoomHandlers implements PublicRoomsHandler {

    private final PublicRooms directory;

    public PublicRoomHandlers(PublicRooms directory) {
        this.directory = directory;
    }

    @Override
    public PublicRoomsResponse getPublicRooms(RequestContext context, GetPublicRooms.Request request) {
        return typed(directory.list(new PublicRooms.Query(request.limit(), request.since(), Optional.empty(), Optional.empty(),
                request.thirdPartyInstanceId(), request.includeAllNetworks().orElse(false))), PublicRoomsResponse.class);
    }

    @Override
    public QueryPublicRoomsResponse queryPublicRooms(RequestContext context, QueryPublicRooms.Request request) {
        return typed(directory.list(PublicRooms.Query.of(request.body())), QueryPublicRoomsResponse.class);
    }

    private static <T> T typed(ObjectNode json, Class<T> type) {
        try {
            return MatrixJson.convert(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
