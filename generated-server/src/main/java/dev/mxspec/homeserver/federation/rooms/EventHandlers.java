package dev.mxspec.homeserver.federation.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.spec.v1_7.clientserver.GetEventByTimestampResponse;
import dev.mxspec.homeserver.federation.Origin;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.server.RequestContext;
import dev.mxspec.spec.v1_7.serverserver.GetEventAuthResponse;
import dev.mxspec.spec.v1_7.serverserver.GetMissingPreviousEventsRequest;
import dev.mxspec.spec.v1_7.serverserver.GetMissingPreviousEventsResponse;
import dev.mxspec.spec.v1_7.serverserver.GetRoomStateIdsResponse;
import dev.mxspec.spec.v1_7.serverserver.GetRoomStateResponse;
import dev.mxspec.spec.v1_7.serverserver.Transaction;
import dev.mxspec.spec.v1_7.serverserver.endpoints.BackfillRoom;
import dev.mxspec.spec.v1_7.serverserver.endpoints.GetEvent;
import dev.mxspec.spec.v1_7.serverserver.endpoints.GetEventAuth;
import dev.mxspec.spec.v1_7.serverserver.endpoints.GetEventByTimestamp;
import dev.mxspec.spec.v1_7.serverserver.endpoints.GetMissingPreviousEvents;
import dev.mxspec.spec.v1_7.serverserver.endpoints.GetRoomState;
import dev.mxspec.spec.v1_7.serverserver.endpoints.GetRoomStateIds;
import dev.mxspec.spec.v1_7.serverserver.server.BackfillHandler;
import dev.mxspec.spec.v1_7.serverserver.server.EventAuthHandler;
import dev.mxspec.spec.v1_7.serverserver.server.EventsHandler;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Reading a room's graph over federation: {@code /event}, {@code /state}, {@code /state_ids}, {@code /event_auth},
 * {@code /backfill} and {@code /get_missing_events}, each for the authenticated origin ({@link FederationReads}).
 */
public final class EventHandlers implements EventsHandler, EventAuthHandler, BackfillHandler {

    private final FederationReads reads;
    private final String serverName;
    private final LongSupplier clock;

    public EventHandlers(FederationReads reads, String serverName, LongSupplier clock) {
        this.reads = reads;
        this.serverName = serverName;
        this.clock = clock;
    }

    private static String origin(RequestContext context) {
        return context.principal(Origin.class).serverName();
    }

    private Transaction transaction(List<? extends JsonNode> pdus) {
        return new Transaction(serverName, clock.getAsLong(), List.copyOf(pdus), Map.of());
    }

    @Override
    public Transaction getEvent(RequestContext context, GetEvent.Request request) {
        return transaction(List.of(reads.event(origin(context), request.eventId())));
    }

    @Override
    public GetRoomStateResponse getRoomState(RequestContext context, GetRoomState.Request request) {
        FederationReads.StateAt at = reads.stateAt(origin(context), request.roomId(), request.eventId());
        return new GetRoomStateResponse(List.copyOf(at.authChain()), List.copyOf(at.state()), Map.of());
    }

    @Override
    public GetRoomStateIdsResponse getRoomStateIds(RequestContext context, GetRoomStateIds.Request request) {
        FederationReads.StateAt at = reads.stateAt(origin(context), request.roomId(), request.eventId());
        return new GetRoomStateIdsResponse(at.authChainIds(), at.stateIds(), Map.of());
    }

    @Override
    public GetEventByTimestampResponse getEventByTimestamp(RequestContext context, GetEventByTimestamp.Request request) {
        var event = reads.nearest(origin(context), request.roomId(), request.ts(), request.dir().value());
        return new GetEventByTimestampResponse(event.eventId(), event.originServerTs(), Map.of());
    }

    @Override
    public GetEventAuthResponse getEventAuth(RequestContext context, GetEventAuth.Request request) {
        return new GetEventAuthResponse(List.copyOf(reads.eventAuth(origin(context), request.roomId(), request.eventId())), Map.of());
    }

    @Override
    public Transaction backfillRoom(RequestContext context, BackfillRoom.Request request) {
        return transaction(reads.backfill(origin(context), request.roomId(), request.v(), request.limit()));
    }

    @Override
    public GetMissingPreviousEventsResponse getMissingPreviousEvents(RequestContext context, GetMissingPreviousEvents.Request request) {
        GetMissingPreviousEventsRequest body = request.body()
                .orElseThrow(() -> new MatrixException(400, ErrorCodes.M_NOT_JSON, "get_missing_events needs a body"));
        return new GetMissingPreviousEventsResponse(List.copyOf(reads.missingEvents(origin(context), request.roomId(),
                body.earliestEvents(), body.latestEvents(), body.limit().orElse((long) FederationReads.DEFAULT_MISSING),
                body.minDepth().orElse(0L))), Map.of());
    }
}
