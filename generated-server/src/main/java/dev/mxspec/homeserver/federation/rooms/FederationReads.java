package dev.mxspec.homeserver.federation.rooms;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.rooms.Redaction;
import dev.mxspec.homeserver.rooms.RoomVersion;
import dev.mxspec.homeserver.rooms.RoomVersions;
import dev.mxspec.homeserver.services.ClientEvents;
import dev.mxspec.homeserver.services.EventsByTime;
import dev.mxspec.homeserver.services.StateGroups;
import dev.mxspec.homeserver.storage.GraphStore;
import dev.mxspec.homeserver.storage.Records.EventStatus;
import dev.mxspec.homeserver.storage.Records.GraphRow;
import dev.mxspec.homeserver.storage.Records.Room;
import dev.mxspec.homeserver.storage.Records.StoredEvent;
import dev.mxspec.homeserver.storage.RoomStore;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * What other servers may read of a room's graph: single events, the state before an event with its auth chain,
 * an event's auth chain, backfill and missing events. Each read is for one server, the origin of the request:
 * an event it may not see ({@link ServerVisibility}) is {@code M_FORBIDDEN} when asked for by ID, and comes
 * redacted when it is met on a walk of the graph. Rejected events are never served ({@code M_NOT_FOUND}, and
 * walks pass through them without returning them); outliers are served by ID and in auth chains, but have no
 * state and no place in backfill or missing events. A server the room's server ACL denies ({@link RoomAcls}) reads
 * nothing of it ({@code M_FORBIDDEN}).
 */
public final class FederationReads {

    /** The most events one backfill or missing-events request returns (larger limits are clamped). */
    public static final int MAX_EVENTS = 100;
    /** The limit of missing events when the request gives none, as the spec says. */
    public static final int DEFAULT_MISSING = 10;

    private final RoomStore events;
    private final GraphStore graph;
    private final StateGroups groups;
    private final ServerVisibility visibility;
    private final RoomAcls acls;

    public FederationReads(RoomStore events, GraphStore graph, StateGroups groups, ServerVisibility visibility, RoomAcls acls) {
        this.acls = acls;
        this.events = events;
        this.graph = graph;
        this.groups = groups;
        this.visibility = visibility;
    }

    /** The state before an event and the auth chain of that state, as PDUs and as event IDs. */
    public record StateAt(List<ObjectNode> state, List<ObjectNode> authChain, List<String> stateIds, List<String> authChainIds) {}

    /** An event as a PDU, for a server that may see it. */
    public ObjectNode event(String origin, String eventId) {
        GraphRow row = known(eventId);
        acls.require(row.roomId(), origin);
        requireVisible(origin, row);
        return pdu(row);
    }

    /** The state of the room before an event (not counting the event's own change), with the auth chain of that state. */
    public StateAt stateAt(String origin, String roomId, String eventId) {
        GraphRow row = inRoom(origin, roomId, eventId);
        requireVisible(origin, row);
        long group = row.stateBefore().orElseThrow(() -> new MatrixException(404, ErrorCodes.M_NOT_FOUND,
                "the state at " + eventId + " is not known here"));
        List<String> ids = groups.state(group).values().stream().sorted().toList();
        List<GraphRow> state = rows(ids).stream().sorted(Comparator.comparing(GraphRow::eventId)).toList();
        List<GraphRow> chain = graph.authChain(state);
        return new StateAt(state.stream().map(FederationReads::pdu).toList(), chain.stream().map(FederationReads::pdu).toList(),
                state.stream().map(GraphRow::eventId).toList(), chain.stream().map(GraphRow::eventId).toList());
    }

    /** The auth chain of an event: its auth events and theirs, recursively, oldest first. */
    public List<ObjectNode> eventAuth(String origin, String roomId, String eventId) {
        GraphRow row = inRoom(origin, roomId, eventId);
        requireVisible(origin, row);
        return graph.authChain(List.of(row)).stream().map(FederationReads::pdu).toList();
    }

    /**
     * The events {@code from} and those before them, walking prev events from the deepest first, at most
     * {@code limit} (clamped to 1..{@link #MAX_EVENTS}), deepest first.
     */
    public List<ObjectNode> backfill(String origin, String roomId, List<String> from, long limit) {
        RoomVersion version = version(roomId);
        List<GraphRow> start = anchors(origin, roomId, from);
        int max = clamp(limit, MAX_EVENTS);
        Comparator<GraphRow> deepest = Comparator.comparingLong(GraphRow::depth).reversed()
                .thenComparing(Comparator.comparingLong(GraphRow::streamPos).reversed());
        PriorityQueue<GraphRow> queue = new PriorityQueue<>(deepest);
        Set<String> seen = new HashSet<>();
        start.forEach(r -> {
            if (seen.add(r.eventId())) {
                queue.add(r);
            }
        });
        List<ObjectNode> out = new ArrayList<>();
        while (!queue.isEmpty() && out.size() < max) {
            GraphRow r = queue.poll();
            if (servable(r)) {
                out.add(forServer(origin, r, version));
            }
            rows(r.prevEvents().stream().filter(seen::add).toList()).stream().filter(p -> p.roomId().equals(roomId)).forEach(queue::add);
        }
        return out;
    }

    /**
     * The events before {@code latest} that the asking server lacks: a breadth-first walk of prev events from
     * {@code latest} (not returned), not entering {@code earliest}, skipping events below {@code minDepth}, at most
     * {@code limit} (default {@link #DEFAULT_MISSING}, clamped to {@link #MAX_EVENTS}); returned oldest first.
     */
    public List<ObjectNode> missingEvents(String origin, String roomId, List<String> earliest, List<String> latest, long limit,
            long minDepth) {
        RoomVersion version = version(roomId);
        List<GraphRow> start = anchors(origin, roomId, latest);
        int max = clamp(limit, MAX_EVENTS);
        Set<String> seen = new HashSet<>(earliest);
        start.forEach(r -> seen.add(r.eventId()));
        Deque<GraphRow> queue = new ArrayDeque<>(start);
        List<GraphRow> found = new ArrayList<>();
        while (!queue.isEmpty() && found.size() < max) {
            GraphRow r = queue.poll();
            for (GraphRow p : rows(r.prevEvents().stream().filter(seen::add).toList())) {
                if (!p.roomId().equals(roomId) || p.depth() < minDepth) {
                    continue;
                }
                if (servable(p) && found.size() < max) {
                    found.add(p);
                }
                queue.add(p);
            }
        }
        found.sort(Comparator.comparingLong(GraphRow::depth).thenComparingLong(GraphRow::streamPos));
        return found.stream().map(r -> forServer(origin, r, version)).toList();
    }

    /** The event of the room nearest {@code ts} ({@link EventsByTime}) that {@code origin} may see. */
    public StoredEvent nearest(String origin, String roomId, long ts, String dir) {
        EventsByTime.forward(dir);
        version(roomId);
        acls.require(roomId, origin);
        return new EventsByTime(events).nearest(roomId, ts, dir,
                e -> graph.graphRow(e.eventId()).filter(FederationReads::servable).filter(r -> visibility.maySee(origin, r)).isPresent());
    }

    static int clamp(long limit, int max) {
        return (int) Math.max(1, Math.min(limit, max));
    }

    /** The known events among {@code ids} of the room: none known is {@code M_NOT_FOUND}, none visible {@code M_FORBIDDEN}. */
    private List<GraphRow> anchors(String origin, String roomId, List<String> ids) {
        acls.require(roomId, origin);
        List<GraphRow> known = rows(new ArrayList<>(new LinkedHashSet<>(ids))).stream()
                .filter(r -> r.roomId().equals(roomId) && r.status().filter(s -> s == EventStatus.REJECTED).isEmpty()).toList();
        if (known.isEmpty()) {
            throw new MatrixException(404, ErrorCodes.M_NOT_FOUND, "none of the events given is known in room " + roomId);
        }
        if (known.stream().noneMatch(r -> visibility.maySee(origin, r))) {
            throw MatrixException.forbidden(origin + " may not see the events it named in room " + roomId);
        }
        return known;
    }

    /** Whether a walk of the graph returns an event: not rejected, not an outlier. */
    private static boolean servable(GraphRow r) {
        return r.status().filter(s -> s == EventStatus.REJECTED || s == EventStatus.OUTLIER).isEmpty();
    }

    private ObjectNode forServer(String origin, GraphRow r, RoomVersion version) {
        return visibility.maySee(origin, r) ? pdu(r) : stripped(Redaction.redact(pdu(r), version));
    }

    private static ObjectNode stripped(ObjectNode pdu) {
        pdu.remove("unsigned");
        return pdu;
    }

    /** The auth chain of some events (not the events themselves unless one authorizes another), oldest first. */
    private List<GraphRow> rows(List<String> ids) {
        return ids.isEmpty() ? List.of() : graph.graphRows(ids);
    }

    private GraphRow known(String eventId) {
        return graph.graphRow(eventId).filter(r -> r.status().filter(s -> s == EventStatus.REJECTED).isEmpty())
                .orElseThrow(() -> new MatrixException(404, ErrorCodes.M_NOT_FOUND, "no event " + eventId));
    }

    private GraphRow inRoom(String origin, String roomId, String eventId) {
        version(roomId);
        acls.require(roomId, origin);
        GraphRow row = known(eventId);
        if (!row.roomId().equals(roomId)) {
            throw new MatrixException(404, ErrorCodes.M_NOT_FOUND, "no event " + eventId + " in room " + roomId);
        }
        return row;
    }

    private void requireVisible(String origin, GraphRow row) {
        if (!visibility.maySee(origin, row)) {
            throw MatrixException.forbidden(origin + " may not see " + row.eventId() + ": it has no user in the room at that event");
        }
    }

    private RoomVersion version(String roomId) {
        Room room = events.room(roomId).orElseThrow(() -> new MatrixException(404, ErrorCodes.M_NOT_FOUND, "unknown room " + roomId));
        return RoomVersions.of(room.roomVersion()).orElseThrow(() -> new MatrixException(400, ErrorCodes.M_UNSUPPORTED_ROOM_VERSION,
                "room version " + room.roomVersion() + " is not supported"));
    }

    /** An event as its PDU: the stored JSON without what only this server adds ({@code unsigned}). */
    static ObjectNode pdu(GraphRow row) {
        return stripped((ObjectNode) ClientEvents.parse(row.json()));
    }
}
