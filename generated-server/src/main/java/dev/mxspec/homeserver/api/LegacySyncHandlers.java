package dev.mxspec.homeserver.api;

import static dev.mxspec.homeserver.api.Handlers.caller;
import static dev.mxspec.homeserver.api.Handlers.typed;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.core.Caller;
import dev.mxspec.homeserver.services.RoomReads;
import dev.mxspec.homeserver.services.RoomService;
import dev.mxspec.homeserver.sync.LegacySync;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.runtime.server.RequestContext;
import dev.mxspec.spec.v1_7.clientserver.ClientEvent;
import dev.mxspec.spec.v1_7.clientserver.GetEventsResponse;
import dev.mxspec.spec.v1_7.clientserver.InitialSyncResponse;
import dev.mxspec.spec.v1_7.clientserver.PeekEventsResponse;
import dev.mxspec.spec.v1_7.clientserver.RoomInitialSyncResponse;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetEvents;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetOneEvent;
import dev.mxspec.spec.v1_7.clientserver.endpoints.InitialSync;
import dev.mxspec.spec.v1_7.clientserver.endpoints.PeekEvents;
import dev.mxspec.spec.v1_7.clientserver.endpoints.RoomInitialSync;
import dev.mxspec.spec.v1_7.clientserver.server.OldSyncHandler;
import dev.mxspec.spec.v1_7.clientserver.server.PeekingEventsHandler;
import dev.mxspec.spec.v1_7.clientserver.server.RoomInitialSyncHandler;
import java.util.List;
import java.util.Optional;

/**
 * The deprecated sync operations of v1.7 ({@link LegacySync}): {@code GET /events} (and peeking with {@code room_id}),
 * {@code GET /events/{eventId}}, {@code GET /initialSync}, {@code GET /rooms/{roomId}/initialSync}.
 */
@SuppressWarnings("deprecation")
public final class LegacySyncHandlers implements OldSyncHandler, PeekingEventsHandler, RoomInitialSyncHandler {

    /** Messages per room in the initial syncs when the client names no limit. */
    static final int DEFAULT_LIMIT = 10;
    static final int MAX_LIMIT = 100;
    /** The event stream's wait when the client names none (Synapse's). */
    static final long DEFAULT_TIMEOUT_MS = 30_000;

    private final LegacySync sync;
    private final RoomService rooms;
    private final RoomReads reads;
    private final java.util.function.LongSupplier clock;

    public LegacySyncHandlers(LegacySync sync, RoomService rooms, RoomReads reads, java.util.function.LongSupplier clock) {
        this.sync = sync;
        this.rooms = rooms;
        this.reads = reads;
        this.clock = clock;
    }

    @Override
    public GetEventsResponse getEvents(RequestContext context, GetEvents.Request request) {
        return typed(chunk(caller(context), request.from(), request.timeout(), Optional.empty()), GetEventsResponse.class);
    }

    @Override
    public PeekEventsResponse peekEvents(RequestContext context, PeekEvents.Request request) {
        return typed(chunk(caller(context), request.from(), request.timeout(), request.roomId()), PeekEventsResponse.class);
    }

    private ObjectNode chunk(Caller caller, Optional<String> from, Optional<Long> timeout, Optional<String> room) {
        if (timeout.isPresent() && timeout.get() < 0) {
            throw MatrixException.invalidParam("timeout", "must not be negative");
        }
        LegacySync.Chunk chunk = sync.events(caller, from.map(Tokens::position), timeout.orElse(DEFAULT_TIMEOUT_MS), room);
        ObjectNode out = MatrixJson.mapper().createObjectNode().put("start", Tokens.token(chunk.start())).put("end", Tokens.token(chunk.end()));
        out.putArray("chunk").addAll(chunk.events());
        return out;
    }

    @Override
    public ClientEvent getOneEvent(RequestContext context, GetOneEvent.Request request) {
        Caller caller = caller(context);
        var event = rooms.event(request.eventId()).orElseThrow(() -> new MatrixException(404, ErrorCodes.M_NOT_FOUND, "no such event"));
        RoomReads.View view;
        try {
            view = reads.view(caller.userId(), event.roomId());
        } catch (MatrixException hidden) { // as for /rooms/{roomId}/event/{eventId}: what he may not see does not exist
            throw new MatrixException(404, ErrorCodes.M_NOT_FOUND, "no such event");
        }
        return reads.clientEvents(view, caller.transactionScope(), List.of(reads.event(view, request.eventId())), clock.getAsLong()).getFirst();
    }

    @Override
    public InitialSyncResponse initialSync(RequestContext context, InitialSync.Request request) {
        return typed(sync.initialSync(caller(context), limit(request.limit()), request.archived().orElse(false)), InitialSyncResponse.class);
    }

    @Override
    public RoomInitialSyncResponse roomInitialSync(RequestContext context, RoomInitialSync.Request request) {
        return typed(sync.roomInitialSync(caller(context), request.roomId(), DEFAULT_LIMIT), RoomInitialSyncResponse.class);
    }

    private static int limit(Optional<Long> limit) {
        if (limit.isPresent() && limit.get() < 0) {
            throw MatrixException.invalidParam("limit", "must not be negative");
        }
        return (int) Math.min(limit.orElse((long) DEFAULT_LIMIT), MAX_LIMIT);
    }
}
