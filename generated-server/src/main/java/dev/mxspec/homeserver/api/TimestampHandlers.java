package dev.mxspec.homeserver.api;

import static dev.mxspec.homeserver.api.Handlers.caller;

import dev.mxspec.homeserver.services.EventsByTime;
import dev.mxspec.homeserver.services.RoomReads;
import dev.mxspec.homeserver.storage.Records.StoredEvent;
import dev.mxspec.runtime.server.RequestContext;
import dev.mxspec.spec.v1_7.clientserver.GetEventByTimestampResponse;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetEventByTimestamp;
import dev.mxspec.spec.v1_7.clientserver.server.RoomEventByTimestampHandler;
import java.util.Map;

/** {@code GET /_matrix/client/v1/rooms/{roomId}/timestamp_to_event}: the event nearest a time that the caller may see. */
public final class TimestampHandlers implements RoomEventByTimestampHandler {

    private final RoomReads reads;
    private final EventsByTime events;

    public TimestampHandlers(RoomReads reads, EventsByTime events) {
        this.reads = reads;
        this.events = events;
    }

    @Override
    public GetEventByTimestampResponse getEventByTimestamp(RequestContext context, GetEventByTimestamp.Request request) {
        EventsByTime.forward(request.dir().value());
        RoomReads.View view = reads.view(caller(context).userId(), request.roomId());
        StoredEvent event = events.nearest(request.roomId(), request.ts(), request.dir().value(),
                e -> e.streamPos() <= view.upTo() && view.visible().test(e));
        return new GetEventByTimestampResponse(event.eventId(), event.originServerTs(), Map.of());
    }
}
