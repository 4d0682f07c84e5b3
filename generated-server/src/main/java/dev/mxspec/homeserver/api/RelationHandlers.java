package dev.mxspec.homeserver.api;

import static dev.mxspec.homeserver.api.Handlers.caller;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.core.Caller;
import dev.mxspec.homeserver.services.ClientEvents;
import dev.mxspec.homeserver.services.Relations;
import dev.mxspec.homeserver.services.RoomReads;
import dev.mxspec.homeserver.storage.Records.StoredEvent;
import dev.mxspec.homeserver.storage.Records.ThreadRoot;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.server.RequestContext;
import dev.mxspec.spec.v1_7.clientserver.ClientEvent;
import dev.mxspec.spec.v1_7.clientserver.GetRelatingEventsResponse;
import dev.mxspec.spec.v1_7.clientserver.GetRelatingEventsWithRelTypeAndEventTypeResponse;
import dev.mxspec.spec.v1_7.clientserver.GetRelatingEventsWithRelTypeResponse;
import dev.mxspec.spec.v1_7.clientserver.GetThreadRootsResponse;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetRelatingEvents;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetRelatingEventsWithRelType;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetRelatingEventsWithRelTypeAndEventType;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetThreadRoots;
import dev.mxspec.spec.v1_7.clientserver.server.RelationsHandler;
import dev.mxspec.spec.v1_7.clientserver.server.ThreadsListHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * {@code /relations} (the children of an event, by relation and event type, paginated) and
 * {@code /threads} (a room's threads, most recently active first, all or those the reader took
 * part in), both as the reader may see them, with bundled aggregations.
 */
public final class RelationHandlers implements RelationsHandler, ThreadsListHandler {

    /** A page of children: the events, and the token of the next page when there may be more. */
    private record Page(List<ClientEvent> chunk, Optional<String> next) {}

    private final RoomReads reads;
    private final Relations relations;
    private final LongSupplier clock;

    public RelationHandlers(RoomReads reads, Relations relations, LongSupplier clock) {
        this.reads = reads;
        this.relations = relations;
        this.clock = clock;
    }

    private Relations.Reader reader(Caller caller, RoomReads.View view) {
        return new Relations.Reader(caller.userId(), caller.transactionScope(), view.visible(),
                reads.visibility().ignoredUsers(caller.userId()), clock.getAsLong());
    }

    private Page children(RequestContext context, String roomId, String eventId, Optional<String> relType, Optional<String> eventType,
            Optional<String> from, Optional<String> to, Optional<Long> limit, boolean forwards) {
        Caller caller = caller(context);
        RoomReads.View view;
        try {
            view = reads.view(caller.userId(), roomId);
            reads.event(view, eventId); // the parent must be one the reader may see
        } catch (MatrixException e) {
            if (e.status() != 403 && e.status() != 404) {
                throw e;
            }
            // relations.yaml has one answer for a parent not found and one the user may not read: 404
            throw new MatrixException(404, ErrorCodes.M_NOT_FOUND, "event " + eventId + " not found or not yours to read");
        }
        int size = (int) Math.max(1, Math.min(100, limit.orElse(5L)));
        long start = from.map(Tokens::position).orElse(forwards ? 0L : Long.MAX_VALUE);
        long end = to.map(Tokens::position).orElse(forwards ? Long.MAX_VALUE : 0L);
        List<StoredEvent> found = forwards
                ? relations.children(eventId, relType, eventType, start, end, size + 1, false)
                : relations.children(eventId, relType, eventType, end, start, size + 1, true);
        List<StoredEvent> page = found.subList(0, Math.min(size, found.size()));
        Optional<String> next = found.size() > size
                ? Optional.of(Tokens.token(forwards ? page.getLast().streamPos() : page.getLast().streamPos() - 1))
                : Optional.empty();
        List<ObjectNode> json = new ArrayList<>();
        for (StoredEvent e : page) {
            if (view.visible().test(e)) {
                json.add(ClientEvents.of(e, caller.userId(), caller.transactionScope(), clock.getAsLong(), true));
            }
        }
        relations.bundle(roomId, json, reader(caller, view));
        return new Page(json.stream().map(j -> Handlers.typed(j, ClientEvent.class)).toList(), next);
    }

    @Override
    public GetRelatingEventsResponse getRelatingEvents(RequestContext context, GetRelatingEvents.Request request) {
        Page page = children(context, request.roomId(), request.eventId(), Optional.empty(), Optional.empty(), request.from(), request.to(),
                request.limit(), request.dir().map(d -> d.value().equals("f")).orElse(false));
        return new GetRelatingEventsResponse(page.chunk(), page.next(), Optional.empty(), Map.of());
    }

    @Override
    public GetRelatingEventsWithRelTypeResponse getRelatingEventsWithRelType(RequestContext context,
            GetRelatingEventsWithRelType.Request request) {
        Page page = children(context, request.roomId(), request.eventId(), Optional.of(request.relType()), Optional.empty(), request.from(),
                request.to(), request.limit(), request.dir().map(d -> d.value().equals("f")).orElse(false));
        return new GetRelatingEventsWithRelTypeResponse(page.chunk(), page.next(), Optional.empty(), Map.of());
    }

    @Override
    public GetRelatingEventsWithRelTypeAndEventTypeResponse getRelatingEventsWithRelTypeAndEventType(RequestContext context,
            GetRelatingEventsWithRelTypeAndEventType.Request request) {
        Page page = children(context, request.roomId(), request.eventId(), Optional.of(request.relType()), Optional.of(request.eventType()),
                request.from(), request.to(), request.limit(), request.dir().map(d -> d.value().equals("f")).orElse(false));
        return new GetRelatingEventsWithRelTypeAndEventTypeResponse(page.chunk(), page.next(), Optional.empty(), Map.of());
    }

    @Override
    public GetThreadRootsResponse getThreadRoots(RequestContext context, GetThreadRoots.Request request) {
        Caller caller = caller(context);
        RoomReads.View view;
        try {
            view = reads.view(caller.userId(), request.roomId());
        } catch (MatrixException e) {
            if (e.status() != 404) {
                throw e;
            }
            // threads_list.yaml: a room that does not exist is one the user cannot view (403), as one he is not in
            throw MatrixException.forbidden("you are not allowed to view room " + request.roomId());
        }
        boolean participated = request.include().map(i -> i.value().equals("participated")).orElse(false);
        int size = (int) Math.max(1, Math.min(100, request.limit().orElse(10L)));
        long before = request.from().map(Tokens::position).orElse(Long.MAX_VALUE);
        List<ThreadRoot> found = relations.threads(request.roomId(), participated ? Optional.of(caller.userId()) : Optional.empty(),
                before, size + 1);
        List<ThreadRoot> page = found.subList(0, Math.min(size, found.size()));
        List<ObjectNode> json = new ArrayList<>();
        relations.events(page.stream().map(ThreadRoot::rootId).toList()).values().stream().filter(view.visible())
                .forEach(e -> json.add(ClientEvents.of(e, caller.userId(), caller.transactionScope(), clock.getAsLong(), true)));
        relations.bundle(request.roomId(), json, reader(caller, view));
        Optional<String> next = found.size() > size ? Optional.of(Tokens.token(page.getLast().latestPos())) : Optional.empty();
        return new GetThreadRootsResponse(json.stream().map(j -> Handlers.typed(j, ClientEvent.class)).toList(), next, Map.of());
    }
}
