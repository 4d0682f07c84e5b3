package dev.mxspec.homeserver.api;

import static dev.mxspec.homeserver.api.Handlers.caller;
import static dev.mxspec.homeserver.api.Handlers.empty;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.core.Caller;
import dev.mxspec.homeserver.core.Ids;
import dev.mxspec.homeserver.services.Aliases;
import dev.mxspec.homeserver.services.ClientEvents;
import dev.mxspec.homeserver.services.PublicRooms;
import dev.mxspec.homeserver.services.RoomReads;
import dev.mxspec.homeserver.services.RoomService;
import dev.mxspec.homeserver.storage.Records.StoredEvent;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.runtime.server.RequestContext;
import dev.mxspec.spec.v1_7.clientserver.ClientEvent;
import dev.mxspec.spec.v1_7.clientserver.GetEventContextResponse;
import dev.mxspec.spec.v1_7.clientserver.GetLocalAliasesResponse;
import dev.mxspec.spec.v1_7.clientserver.GetRoomIdByAliasResponse;
import dev.mxspec.spec.v1_7.clientserver.GetRoomVisibilityOnDirectoryResponse;
import dev.mxspec.spec.v1_7.clientserver.GetRoomVisibilityOnDirectoryResponseVisibility;
import dev.mxspec.spec.v1_7.clientserver.KnockRoomResponse;
import dev.mxspec.spec.v1_7.clientserver.PublicRoomsResponse;
import dev.mxspec.spec.v1_7.clientserver.endpoints.DeleteRoomAlias;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetEventContext;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetLocalAliases;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetPublicRooms;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetRoomIdByAlias;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetRoomVisibilityOnDirectory;
import dev.mxspec.spec.v1_7.clientserver.endpoints.KnockRoom;
import dev.mxspec.spec.v1_7.clientserver.endpoints.QueryPublicRooms;
import dev.mxspec.spec.v1_7.clientserver.endpoints.SetRoomAlias;
import dev.mxspec.spec.v1_7.clientserver.endpoints.SetRoomVisibilityOnDirectory;
import dev.mxspec.spec.v1_7.clientserver.server.DirectoryHandler;
import dev.mxspec.spec.v1_7.clientserver.server.EventContextHandler;
import dev.mxspec.spec.v1_7.clientserver.server.KnockingHandler;
import dev.mxspec.spec.v1_7.clientserver.server.ListPublicRoomsHandler;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/** Room aliases, the public room directory, event context and knocking. */
public final class DirectoryHandlers implements DirectoryHandler, ListPublicRoomsHandler, EventContextHandler, KnockingHandler {

    private final RoomService rooms;
    private final RoomReads reads;
    private final Aliases aliases;
    private final PublicRooms directory;
    private final String serverName;
    private final LongSupplier clock;

    public DirectoryHandlers(RoomService rooms, RoomReads reads, Aliases aliases, PublicRooms directory, String serverName,
            LongSupplier clock) {
        this.directory = directory;
        this.rooms = rooms;
        this.reads = reads;
        this.aliases = aliases;
        this.serverName = serverName;
        this.clock = clock;
    }



    @Override
    public GetRoomIdByAliasResponse getRoomIdByAlias(RequestContext context, GetRoomIdByAlias.Request request) {
        Aliases.Resolved resolved = aliases.resolveWithServers(request.roomAlias());
        return new GetRoomIdByAliasResponse(Optional.of(resolved.roomId()), Optional.of(resolved.servers()), Map.of());
    }

    @Override
    public JsonNode setRoomAlias(RequestContext context, SetRoomAlias.Request request) {
        Ids.requireRoomId(request.body().roomId(), "room_id");
        aliases.requireUnused(request.roomAlias()); // 409 for an alias that exists, whoever asks
        Caller caller = caller(context);
        if (!caller.isAppService()) { // a service points the aliases of its namespaces at any room, as Synapse lets it
            rooms.requireMember(request.body().roomId(), caller.userId());
        }
        aliases.requireNotHeld(request.roomAlias(), caller);
        aliases.create(request.roomAlias(), request.body().roomId(), caller.userId());
        return empty();
    }

    @Override
    public JsonNode deleteRoomAlias(RequestContext context, DeleteRoomAlias.Request request) {
        aliases.delete(request.roomAlias(), caller(context));
        return empty();
    }

    @Override
    public GetLocalAliasesResponse getLocalAliases(RequestContext context, GetLocalAliases.Request request) {
        rooms.requireMember(request.roomId(), caller(context).userId());
        return new GetLocalAliasesResponse(aliases.of(request.roomId()), Map.of());
    }

    @Override
    public GetRoomVisibilityOnDirectoryResponse getRoomVisibilityOnDirectory(RequestContext context, GetRoomVisibilityOnDirectory.Request request) {
        return new GetRoomVisibilityOnDirectoryResponse(Optional.of(rooms.published(request.roomId())
                ? GetRoomVisibilityOnDirectoryResponseVisibility.PUBLIC : GetRoomVisibilityOnDirectoryResponseVisibility.PRIVATE), Map.of());
    }

    @Override
    public JsonNode setRoomVisibilityOnDirectory(RequestContext context, SetRoomVisibilityOnDirectory.Request request) {
        rooms.requireMember(request.roomId(), caller(context).userId());
        rooms.publish(request.roomId(), request.body().visibility().map(v -> v.value().equals("public")).orElse(false));
        return empty();
    }

    @Override
    public PublicRoomsResponse getPublicRooms(RequestContext context, GetPublicRooms.Request request) {
        ObjectNode body = MatrixJson.mapper().createObjectNode();
        request.limit().ifPresent(l -> body.put("limit", l));
        request.since().ifPresent(s -> body.put("since", s));
        // the third-party networks' lists, as Synapse reads them from the query string of GET too
        Optional<String> instance = context.request().queryValue("third_party_instance_id");
        boolean allNetworks = context.request().queryValue("include_all_networks").map(v -> switch (v) {
            case "true" -> true;
            case "false" -> false;
            default -> throw MatrixException.invalidParam("include_all_networks", "expected true or false");
        }).orElse(false);
        instance.ifPresent(i -> body.put("third_party_instance_id", i));
        if (allNetworks) {
            body.put("include_all_networks", true);
        }
        PublicRooms.Query query = new PublicRooms.Query(request.limit(), request.since(), Optional.empty(), Optional.empty(), instance,
                allNetworks);
        return typed(directory.list(request.server(), query, body));
    }

    @Override
    public PublicRoomsResponse queryPublicRooms(RequestContext context, QueryPublicRooms.Request request) {
        return typed(directory.list(request.server(), PublicRooms.Query.of(request.body()), (ObjectNode) MatrixJson.tree(request.body())));
    }

    private static PublicRoomsResponse typed(ObjectNode response) {
        try {
            return MatrixJson.convert(response, PublicRoomsResponse.class);
        } catch (JsonProcessingException e) {
            throw new MatrixException(502, ErrorCodes.M_UNKNOWN, "the room directory answered with something else than a room list");
        }
    }

    @Override
    public GetEventContextResponse getEventContext(RequestContext context, GetEventContext.Request request) {
        Caller caller = caller(context);
        RoomReads.View view = reads.view(caller.userId(), request.roomId());
        StoredEvent event = reads.event(view, request.eventId());
        int limit = (int) Math.max(0, Math.min(100, request.limit().orElse(10L)));
        int before = limit / 2;
        RoomReads.Page earlier = reads.history(view, Long.MIN_VALUE, event.streamPos() - 1, before, true); // backfilled history too
        RoomReads.Page later = reads.history(view, event.streamPos(), Long.MAX_VALUE, limit - before, false);
        long last = later.events().isEmpty() ? event.streamPos() : later.events().getLast().streamPos();
        long now = clock.getAsLong();
        return new GetEventContextResponse(
                Optional.of(Tokens.token(earlier.events().isEmpty() ? event.streamPos() - 1 : earlier.events().getLast().streamPos() - 1)),
                Optional.of(Tokens.token(last)),
                Optional.of(reads.clientEvents(view, caller.transactionScope(), earlier.events(), now)),
                Optional.of(reads.clientEvents(view, caller.transactionScope(), List.of(event), now).getFirst()),
                Optional.of(reads.clientEvents(view, caller.transactionScope(), later.events(), now)),
                Optional.of(reads.stateAt(view, last).stream().map(e -> client(e, caller)).toList()), Map.of());
    }

    private ClientEvent client(StoredEvent e, Caller caller) {
        return ClientEvents.typed(e, caller.userId(), caller.transactionScope(), clock.getAsLong());
    }

    @Override
    public KnockRoomResponse knockRoom(RequestContext context, KnockRoom.Request request) {
        String target = request.roomIdOrAlias();
        String roomId = target.startsWith("#") ? aliases.resolve(target) : Ids.requireRoomId(target, "roomIdOrAlias");
        rooms.knock(caller(context), roomId, request.serverName(), request.body().reason());
        return new KnockRoomResponse(roomId, Map.of());
    }
}
