package dev.mxspec.homeserver.services;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.crypto.ServerKeys;
import dev.mxspec.homeserver.rooms.EventIds;
import dev.mxspec.homeserver.rooms.MissingEventException;
import dev.mxspec.homeserver.rooms.RoomVersion;
import dev.mxspec.homeserver.rooms.StateKey;
import dev.mxspec.homeserver.storage.Records.EventStatus;
import dev.mxspec.homeserver.storage.Records.GraphRow;
import dev.mxspec.homeserver.storage.Records.Room;
import dev.mxspec.homeserver.storage.Storage;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Events of a room's past taken in through backfill (server-server API, "Backfilling and retrieving missing events"),
 * each checked as every event from another server is ({@link RoomFederation#receive}): a valid event of the room's
 * version, signed by the servers that must sign it (refused otherwise, nothing stored), redacted when its content hash
 * fails, then judged on its auth events and on the state before it; a soft failure against the current state does not
 * apply to history. Accepted events go below every event the server holds (see {@link
 * dev.mxspec.homeserver.storage.GraphStore#storeBackfilled}); rejected ones are kept out of every client's view.
 * Events held as outliers (the state and auth chain a join brought) take their place in the history when backfill
 * reaches them. Nothing here reaches {@code /sync}: the stream does not move and nobody is woken.
 */
public final class BackfilledEvents {

    private final RoomService rooms;
    private final Storage storage;
    private final RoomGraph graph;

    public BackfilledEvents(RoomService rooms) {
        this.rooms = rooms;
        this.storage = rooms.storage;
        this.graph = rooms.graph;
    }

    /** Whether the event is held with its place in the room (not only as an outlier). */
    public boolean placed(String eventId) {
        return storage.graphRow(eventId).filter(r -> !r.status().equals(Optional.of(EventStatus.OUTLIER))).isPresent();
    }

    /**
     * A position for an event of a room's past: below every position given so far. A batch of events is given its
     * positions newest first, then taken in oldest first (each event after the events it follows).
     */
    public long position() {
        return graph.outsidePosition();
    }

    /**
     * Takes in an event of the room's past at {@code position} (from {@link #position}), its prev events held here or (those it lacks) with the state after
     * them as {@code statesAfterMissing} gives it (every event of those states held here already). Taking in an event
     * placed before answers what was made of it.
     *
     * @throws MatrixException {@code M_BAD_JSON} or {@code M_FORBIDDEN} for an invalid or badly signed event
     * @throws MissingEventException when one of its auth events, or a prev event without a given state, is not known here
     */
    public RoomFederation.Received receive(ObjectNode received, ServerKeys keys, Map<String, Map<StateKey, String>> statesAfterMissing,
            long position) {
        String roomId = received.path("room_id").asText("");
        Room room = storage.room(roomId).orElseThrow(() -> new MatrixException(404, ErrorCodes.M_NOT_FOUND, "unknown room " + roomId));
        RoomVersion version = RoomService.version(room);
        String eventId = EventIds.of(received, version)
                .orElseThrow(() -> new MatrixException(400, ErrorCodes.M_BAD_JSON, "the event has no event_id"));
        ReentrantLock lock = rooms.locks.computeIfAbsent(roomId, r -> new ReentrantLock());
        lock.lock();
        try {
            Optional<GraphRow> held = storage.graphRow(eventId);
            if (held.isPresent() && !held.get().status().equals(Optional.of(EventStatus.OUTLIER))) {
                return new RoomFederation.Received(eventId, held.get().status(), "received before");
            }
            // an outlier was checked up to its auth events when it came; it is judged on the state before it now
            ObjectNode pdu = held.isPresent() ? (ObjectNode) ClientEvents.parse(held.get().json())
                    : rooms.federation().checked(room, version, received, keys).pdu();
            RoomGraph.Head head = graph.head(roomId, version);
            RoomGraph.Judged judged = graph.judge(roomId, version, head, pdu, keys, statesAfterMissing);
            RoomGraph.Placement placed = graph.placeBackfilled(roomId, head, judged, pdu, eventId);
            storage.storeBackfilled(RoomService.stored(pdu, eventId, position, Optional.empty()), placed.write());
            graph.groups().stored(placed.write().newGroups());
            return new RoomFederation.Received(eventId, placed.write().status(), judged.verdict().reason());
        } finally {
            lock.unlock();
        }
    }
}
