package dev.mxspec.homeserver.services;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.core.StreamCounter;
import dev.mxspec.homeserver.crypto.ServerKeys;
import dev.mxspec.homeserver.crypto.Verification;
import dev.mxspec.homeserver.rooms.EventHashes;
import dev.mxspec.homeserver.rooms.EventIds;
import dev.mxspec.homeserver.rooms.EventSigning;
import dev.mxspec.homeserver.rooms.MissingEventException;
import dev.mxspec.homeserver.rooms.PduFormat;
import dev.mxspec.homeserver.rooms.PduView;
import dev.mxspec.homeserver.rooms.Redaction;
import dev.mxspec.homeserver.rooms.RoomVersion;
import dev.mxspec.homeserver.rooms.StrictJson;
import dev.mxspec.homeserver.storage.Records;
import dev.mxspec.homeserver.storage.Records.EventStatus;
import dev.mxspec.homeserver.storage.Records.GraphRow;
import dev.mxspec.homeserver.storage.Records.Membership;
import dev.mxspec.homeserver.storage.Records.Room;
import dev.mxspec.homeserver.storage.Storage;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The room core's side that takes in events other servers made, beside {@link RoomService} (which keeps the local
 * operations and the lock, persistence and wake-up both sides share): every check on receipt ({@link #receive},
 * {@link #receiveOutlier}), the checks before the auth rules that every event of another server passes first
 * ({@link #incoming}, {@link #checked}), and the membership of a local user kept outside a room this server does not
 * hold ({@link #keepOutside}). The membership protocols of the server-server API built on these are
 * {@link MembershipProtocols}.
 */
public final class RoomFederation {

    private final RoomService rooms;
    private final Storage storage;
    private final StreamCounter stream;
    private final Notifications notifications;
    private final ConcurrentHashMap<String, ReentrantLock> locks;
    private final RoomGraph graph;

    RoomFederation(RoomService rooms) {
        this.rooms = rooms;
        this.storage = rooms.storage;
        this.stream = rooms.stream;
        this.notifications = rooms.notifications;
        this.locks = rooms.locks;
        this.graph = rooms.graph;
    }

    /** What receiving an event from another server made of it. */
    public record Received(String eventId, Optional<EventStatus> status, String reason) {}

    /**
     * Takes in an event another server made, checked as the server-server API orders it: a valid event of the room's
     * version ({@code M_BAD_JSON} otherwise, nothing stored), signed by the servers that must sign it
     * ({@code M_FORBIDDEN} otherwise, nothing stored), redacted when its content hash fails, then judged on its auth
     * events, the state before it and the current state ({@link RoomGraph#judge}). Rejected and soft-failed events
     * are kept out of the timeline and the current state; accepted ones reach the room's local members as local
     * events do. Receiving an event again answers what was made of it the first time.
     *
     * @throws MissingEventException when one of its auth or prev events (or the state after it) is not known here
     */
    public Received receive(ObjectNode received, ServerKeys keys) {
        return receive(received, keys, Map.of());
    }

    /**
     * {@link #receive} of an event some of whose prev events this server lacks, with the state after each of those
     * as another server gave it ({@code statesAfterMissing}, prev event ID to (type, state_key) to event ID). Every
     * event of those states must be held here already (as an outlier at least), in this room, not rejected, under
     * its own (type, state_key) ({@code M_FORBIDDEN} otherwise, nothing stored). The event is checked as any other,
     * against the resolution of those states with the states after the prev events held here, and against the
     * current state; accepted, it becomes a forward extremity beside the others, the current state the resolution
     * of them all, and the prev events it lacks backward extremities.
     *
     * @throws MissingEventException when one of its auth events, or a prev event without a given state, is not known here
     */
    public Received receive(ObjectNode received, ServerKeys keys, Map<String, Map<dev.mxspec.homeserver.rooms.StateKey, String>> statesAfterMissing) {
        Received r = receiveLocked(received, keys, statesAfterMissing);
        if (received.path("type").asText("").equals("m.room.guest_access") && received.path("state_key").asText("-").isEmpty()) {
            String roomId = received.path("room_id").asText("");
            rooms.guestRooms().ifPresent(g -> g.changedElsewhere(roomId)); // another server closed it: local guests leave
        }
        return r;
    }

    private Received receiveLocked(ObjectNode received, ServerKeys keys,
            Map<String, Map<dev.mxspec.homeserver.rooms.StateKey, String>> statesAfterMissing) {
        // an event held as an outlier takes its place in the timeline now, in a room this server is in (not an invite or
        // knock kept outside a room it does not hold)
        boolean promote = rooms.participates(received.path("room_id").asText(""));
        Incoming in = incoming(received, keys, !promote);
        if (in.known().isPresent()) {
            return in.known().get();
        }
        if (endsOutsideMembership(in)) {
            keepOutside(in.room(), in.version(), in.pdu(), in.eventId());
            return new Received(in.eventId(), Optional.of(EventStatus.OUTLIER), "kept as the membership of a local user of a room not held here");
        }
        Room room = in.room();
        RoomVersion version = in.version();
        String roomId = room.roomId();
        String eventId = in.eventId();
        ObjectNode pdu = in.pdu();
        PduView view = new PduView(pdu);
        ReentrantLock lock = locks.computeIfAbsent(roomId, r -> new ReentrantLock());
        lock.lock();
        try {
            Optional<GraphRow> before = storage.graphRow(eventId).filter(r -> !promote || !r.status().equals(Optional.of(EventStatus.OUTLIER)));
            if (before.isPresent()) {
                return new Received(eventId, before.get().status(), "received before");
            }
            requireHeldState(roomId, statesAfterMissing);
            RoomGraph.Head head = graph.head(roomId, version);
            RoomGraph.Judged judged = graph.judge(roomId, version, head, pdu, keys, statesAfterMissing);
            if (!judged.accepted()) {
                long pos = graph.outsidePosition();
                RoomGraph.Placement placed = graph.placeReceived(roomId, version, head, judged, pdu, eventId, pos);
                rooms.persist(room, RoomService.stored(pdu, eventId, pos, Optional.empty()), pdu, placed, new Notifications.Outcome(List.of(), List.of()),
                        Optional.empty());
                return new Received(eventId, judged.verdict().status(), judged.verdict().reason());
            }
            long pos = stream.next(RoomService.changes(roomId, view.type(), view.stateKey(), view.content(), view.redacts().isPresent()));
            Notifications.Outcome notified;
            try {
                RoomGraph.Placement placed = graph.placeReceived(roomId, version, head, judged, pdu, eventId, pos);
                notified = notifications.evaluate(pdu, eventId, pos, head.state(), room.creator());
                rooms.persist(room, RoomService.stored(pdu, eventId, pos, Optional.empty()), pdu, placed, notified,
                        Optional.of(RoomService.levels(head.state(), room.creator())));
                notifications.hold(notified);
            } finally {
                stream.done(pos);
            }
            notifications.stored(notified);
            rooms.wake(roomId, view.type(), view.stateKey());
            return new Received(eventId, Optional.empty(), judged.verdict().reason());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether an event ends the invite or knock of a local user in a room this server does not hold (the knock
     * refused, the invite withdrawn: a leave or ban of that user): this server cannot check it against the room's
     * state, it takes it as the user's membership, as it took the invite or knock.
     */
    private boolean endsOutsideMembership(Incoming in) {
        PduView view = new PduView(in.pdu());
        Optional<String> target = view.stateKey().filter(t -> view.type().equals("m.room.member"));
        return target.isPresent() && rooms.localUser(target.get()) && !rooms.participates(in.room().roomId())
                && view.membership().filter(m -> m.equals("leave") || m.equals("ban")).isPresent()
                && rooms.membership(in.room().roomId(), target.get()).filter(m -> m.equals("invite") || m.equals("knock")).isPresent();
    }

    /** Refuses a given state whose events are not all held here, of this room, accepted or outliers, under their own keys. */
    private void requireHeldState(String roomId, Map<String, Map<dev.mxspec.homeserver.rooms.StateKey, String>> states) {
        for (Map<dev.mxspec.homeserver.rooms.StateKey, String> state : states.values()) {
            Map<String, dev.mxspec.homeserver.storage.Records.GraphRow> rows = new java.util.HashMap<>();
            storage.graphRows(List.copyOf(state.values())).forEach(r -> rows.put(r.eventId(), r));
            state.forEach((key, id) -> {
                var row = rows.get(id);
                if (row == null || !row.roomId().equals(roomId) || row.status().equals(Optional.of(EventStatus.REJECTED))) {
                    throw MatrixException.forbidden("the state given for a missing prev event holds " + id
                            + ", which is not an event of this room held here");
                }
                JsonNode e = ClientEvents.parse(row.json());
                if (!e.path("type").asText().equals(key.type()) || !e.path("state_key").isTextual()
                        || !e.path("state_key").asText().equals(key.stateKey())) {
                    throw MatrixException.forbidden("the state given for a missing prev event holds " + id + " under another key");
                }
            });
        }
    }

    /** The room's forward extremities, deepest first (what a request for missing events names as the earliest). */
    public List<String> forwardExtremities(String roomId) {
        Room room = rooms.room(roomId);
        return graph.head(roomId, RoomService.version(room)).extremities().stream().map(RoomGraph.Extremity::eventId).toList();
    }

    /**
     * Takes in an event of another server as an outlier: part of an auth chain or of a state this server is given,
     * without its place in the timeline. Checked as {@link #receive} checks an event, up to its auth events only
     * (stored as rejected when they refuse it); it changes neither the room's state nor its timeline.
     *
     * @throws MissingEventException when one of its auth events is not known here
     */
    public Received receiveOutlier(ObjectNode received, ServerKeys keys) {
        Incoming in = incoming(received, keys);
        if (in.known().isPresent()) {
            return in.known().get();
        }
        String roomId = in.room().roomId();
        ReentrantLock lock = locks.computeIfAbsent(roomId, r -> new ReentrantLock());
        lock.lock();
        try {
            Optional<Received> known = storage.graphRow(in.eventId()).map(r -> new Received(in.eventId(), r.status(), "received before"));
            if (known.isPresent()) {
                return known.get();
            }
            Optional<String> refused = graph.checkAuthEvents(roomId, in.version(), in.pdu(), keys);
            EventStatus status = refused.isPresent() ? EventStatus.REJECTED : EventStatus.OUTLIER;
            RoomGraph.Placement placed = graph.placeOutlier(graph.head(roomId, in.version()), in.pdu(), status);
            rooms.persist(in.room(), RoomService.stored(in.pdu(), in.eventId(), graph.outsidePosition(), Optional.empty()), in.pdu(), placed,
                    new Notifications.Outcome(List.of(), List.of()), Optional.empty());
            return new Received(in.eventId(), Optional.of(status), refused.map(r -> "on its auth events: " + r).orElse("outlier"));
        } finally {
            lock.unlock();
        }
    }

    /** Stores a membership event outside the room's graph (an outlier) and makes it its target's membership here. */
    void keepOutside(Room room, RoomVersion version, ObjectNode pdu, String eventId) {
        String roomId = room.roomId();
        PduView view = new PduView(pdu);
        String target = view.stateKey().orElseThrow();
        ReentrantLock lock = locks.computeIfAbsent(roomId, r -> new ReentrantLock());
        lock.lock();
        try {
            if (storage.graphRow(eventId).isPresent()) {
                return;
            }
            long pos = stream.next(RoomService.changes(roomId, view.type(), view.stateKey(), view.content(), false));
            try {
                RoomGraph.Placement outlier = graph.placeOutlier(graph.head(roomId, version), pdu, EventStatus.OUTLIER);
                Records.GraphWrite w = outlier.write();
                Records.GraphWrite withMembership = new Records.GraphWrite(w.prevEvents(), w.authEvents(), w.status(), w.stateBefore(),
                        w.stateAfter(), w.newGroups(), w.extremityRowsDeleted(), w.extremityRowsInserted(), w.backwardAdded(),
                        w.backwardRemoved(), w.currentState(),
                        List.of(new Membership(roomId, target, view.membership().orElseThrow(), eventId, pos)));
                rooms.persist(room, RoomService.stored(pdu, eventId, graph.outsidePosition(), Optional.empty()), pdu,
                        new RoomGraph.Placement(withMembership, outlier.after()), new Notifications.Outcome(List.of(), List.of()),
                        Optional.empty());
            } finally {
                stream.done(pos);
            }
            rooms.notifier.wake(List.of(target));
            rooms.newEventStored();
        } finally {
            lock.unlock();
        }
    }

    /** An event of another server that passed the checks before the auth rules, or what was made of it before. */
    record Incoming(Room room, RoomVersion version, String eventId, ObjectNode pdu, Optional<Received> known) {}

    /**
     * The checks on receipt up to the auth rules: a valid event of the room's version ({@code M_BAD_JSON}), signed
     * by the servers that must sign it ({@code M_FORBIDDEN}), redacted when its content hash fails.
     */
    Incoming incoming(ObjectNode received, ServerKeys keys) {
        return incoming(received, keys, true);
    }

    /** As {@link #incoming(ObjectNode, ServerKeys)}; an outlier held here counts as known only with {@code outliersKnown}. */
    private Incoming incoming(ObjectNode received, ServerKeys keys, boolean outliersKnown) {
        String roomId = received.path("room_id").asText("");
        Room room = storage.room(roomId).orElseThrow(() -> new MatrixException(404, ErrorCodes.M_NOT_FOUND, "unknown room " + roomId));
        return checked(room, RoomService.version(room), received, keys, outliersKnown);
    }

    Incoming checked(Room room, RoomVersion version, ObjectNode received, ServerKeys keys) {
        return checked(room, version, received, keys, true);
    }

    private Incoming checked(Room room, RoomVersion version, ObjectNode received, ServerKeys keys, boolean outliersKnown) {
        Optional<String> invalid = PduFormat.violation(received, version).or(() -> StrictJson.violation(received, version));
        if (invalid.isPresent()) {
            throw new MatrixException(400, ErrorCodes.M_BAD_JSON,
                    "not a valid event of room version " + version.id() + ": " + invalid.get());
        }
        String eventId = EventIds.of(received, version)
                .orElseThrow(() -> new MatrixException(400, ErrorCodes.M_BAD_JSON, "the event has no event_id"));
        Optional<Received> known = storage.graphRow(eventId).filter(r -> outliersKnown || !r.status().equals(Optional.of(EventStatus.OUTLIER)))
                .map(r -> new Received(eventId, r.status(), "received before"));
        if (known.isPresent()) {
            return new Incoming(room, version, eventId, received, known);
        }
        if (EventSigning.verify(received, keys, version) instanceof Verification.Failed failed) {
            throw new MatrixException(403, ErrorCodes.M_FORBIDDEN, "signature check failed: " + failed.reason());
        }
        ObjectNode pdu = EventHashes.hasValidContentHash(received) ? received.deepCopy() : Redaction.redact(received, version);
        pdu.remove("unsigned");
        return new Incoming(room, version, eventId, pdu, Optional.empty());
    }
}
