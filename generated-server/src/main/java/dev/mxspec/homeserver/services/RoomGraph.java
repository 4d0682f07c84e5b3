package dev.mxspec.homeserver.services;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.crypto.ServerKeys;
import dev.mxspec.homeserver.rooms.AuthEvents;
import dev.mxspec.homeserver.rooms.AuthResult;
import dev.mxspec.homeserver.rooms.AuthRules;
import dev.mxspec.homeserver.rooms.AuthState;
import dev.mxspec.homeserver.rooms.EventGraph;
import dev.mxspec.homeserver.rooms.GraphEvent;
import dev.mxspec.homeserver.rooms.MissingEventException;
import dev.mxspec.homeserver.rooms.PduView;
import dev.mxspec.homeserver.rooms.RoomVersion;
import dev.mxspec.homeserver.rooms.StateKey;
import dev.mxspec.homeserver.rooms.StateResolver;
import dev.mxspec.homeserver.storage.GraphStore;
import dev.mxspec.homeserver.storage.Records.EventStatus;
import dev.mxspec.homeserver.storage.Records.GraphRow;
import dev.mxspec.homeserver.storage.Records.GraphWrite;
import dev.mxspec.homeserver.storage.Records.Membership;
import dev.mxspec.homeserver.storage.Records.StateGroup;
import dev.mxspec.homeserver.storage.Records.StoredEvent;
import dev.mxspec.homeserver.storage.RoomStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The room graph: each room's forward extremities and its current state (the resolution of the states after its
 * extremities), the place of every new event in the graph (prev events, depth, the state groups before and after
 * it), and the checks on receipt of an event another server made (server-server API, "Checks performed on receipt
 * of a PDU"): against its auth events and the state before it (rejection), then against the current state (soft
 * failure). Callers hold the room's lock ({@link RoomService}) from {@link #head} to {@link #advance}.
 */
public final class RoomGraph {

    /** The most prev events a new local event names (Synapse and Dendrite keep to the same bound). */
    public static final int MAX_PREV_EVENTS = 10;

    /** A forward extremity: an event no accepted event follows yet. */
    public record Extremity(String eventId, long depth, long stateAfter) {}

    /**
     * A room as it stands: its forward extremities, the state group of its current state (empty before the create
     * event), that state as (type, state_key) to the event's JSON with its {@code event_id}, and its latest
     * timeline event.
     */
    public record Head(List<Extremity> extremities, Optional<Long> group, Map<List<String>, ObjectNode> state, Optional<String> latest) {

        /** The depth a new event following every extremity has. */
        public long nextDepth() {
            return extremities.stream().mapToLong(Extremity::depth).max().orElse(0) + 1;
        }
    }

    /** Where a new local event goes: the prev events it names, its depth, and the state before it. */
    public record Position(List<String> prevEvents, long depth, Optional<Long> group, Map<List<String>, ObjectNode> state) {}

    /** What storing an event does to the graph, and the room's head once it is stored. */
    public record Placement(GraphWrite write, Head after) {}

    /** What the checks on receipt made of an event. */
    public record Verdict(Optional<EventStatus> status, String reason) {}

    private final RoomStore events;
    private final GraphStore graph;
    private final StateGroups groups;
    private final ConcurrentHashMap<String, Head> heads = new ConcurrentHashMap<>();
    private final AtomicLong outside;

    public RoomGraph(RoomStore events, GraphStore graph, StateGroups groups) {
        this.events = events;
        this.graph = graph;
        this.groups = groups;
        this.outside = new AtomicLong(graph.minStreamPos());
    }

    public StateGroups groups() {
        return groups;
    }

    /** A stream position for an event kept outside the timeline: negative, below every other. */
    public long outsidePosition() {
        return outside.decrementAndGet();
    }

    /** The room's head, read from storage the first time. */
    public Head head(String roomId, RoomVersion version) {
        return heads.computeIfAbsent(roomId, r -> load(r, version));
    }

    /** The room's head if it was read since the start. */
    public Optional<Head> cachedHead(String roomId) {
        return Optional.ofNullable(heads.get(roomId));
    }

    /** Replaces the room's head once an event is stored; the groups it made are kept at hand. */
    public void advance(String roomId, Placement placement) {
        groups.stored(placement.write().newGroups());
        heads.put(roomId, placement.after());
    }

    /** Forgets the room's head (an event of its state was redacted): the next {@link #head} reads it again. */
    public void forget(String roomId) {
        heads.remove(roomId);
    }

    private Head load(String roomId, RoomVersion version) {
        List<GraphRow> rows = graph.graphRows(graph.forwardExtremities(roomId));
        List<Extremity> extremities = rows.stream().filter(r -> r.stateAfter().isPresent())
                .map(r -> new Extremity(r.eventId(), r.depth(), r.stateAfter().get()))
                .sorted(Comparator.comparingLong(Extremity::depth).reversed().thenComparing(Extremity::eventId)).toList();
        Optional<String> latest = graph.latestTimelineEvent(roomId);
        if (extremities.isEmpty()) {
            return new Head(List.of(), Optional.empty(), Map.of(), latest);
        }
        Resolved current = resolve(roomId, version, extremities, Map.of());
        if (!current.made().isEmpty()) {
            graph.saveStateGroups(current.made());
            groups.stored(current.made());
        }
        return new Head(extremities, Optional.of(current.group()), json(current.state(), Map.of()), latest);
    }

    /** A resolved state: its group (made here when no input holds it), and the state. */
    private record Resolved(long group, Map<StateKey, String> state, List<StateGroup> made) {}

    /**
     * The resolution of the states after {@code extremities}: the one state when they agree, else a group made for
     * it (returned in {@code made}, for the caller to store).
     */
    private Resolved resolve(String roomId, RoomVersion version, List<Extremity> extremities, Map<String, GraphEvent> pending) {
        return resolve(roomId, version, extremities, pending, Map.of());
    }

    /** {@link #resolve(String, RoomVersion, List, Map)} with state groups made but not stored yet. */
    private Resolved resolve(String roomId, RoomVersion version, List<Extremity> extremities, Map<String, GraphEvent> pending,
            Map<Long, StateGroup> pendingGroups) {
        Map<Long, Map<StateKey, String>> byGroup = new LinkedHashMap<>();
        for (Extremity e : extremities) {
            byGroup.computeIfAbsent(e.stateAfter(), g -> groups.state(g, pendingGroups));
        }
        if (byGroup.size() == 1) {
            Map.Entry<Long, Map<StateKey, String>> only = byGroup.entrySet().iterator().next();
            return new Resolved(only.getKey(), only.getValue(), List.of());
        }
        List<Map<StateKey, String>> sets = new ArrayList<>(byGroup.values());
        Map<StateKey, String> resolved = StateResolver.resolve(version, sets, eventGraph(pending), ServerKeys.none());
        for (Map.Entry<Long, Map<StateKey, String>> input : byGroup.entrySet()) {
            if (input.getValue().equals(resolved)) {
                return new Resolved(input.getKey(), resolved, List.of());
            }
        }
        long parent = byGroup.keySet().iterator().next();
        StateGroup made = groups.deriveTo(roomId, parent, resolved, pendingGroups);
        return new Resolved(made.groupId(), resolved, List.of(made));
    }

    /** State groups made for an event, by ID, for what reads them before they are stored. */
    private static Map<Long, StateGroup> byId(List<StateGroup> made) {
        Map<Long, StateGroup> out = new HashMap<>();
        made.forEach(g -> out.put(g.groupId(), g));
        return out;
    }

    /** An event about to be stored, for a resolution that needs it before it is. */
    private static Map<String, GraphEvent> pending(String eventId, ObjectNode pdu) {
        return Map.of(eventId, GraphEvent.accepted(eventId, pdu));
    }

    /** The room's events as state resolution reads them, rejected ones marked; {@code pending} ones not stored yet. */
    private EventGraph eventGraph(Map<String, GraphEvent> pending) {
        Map<String, Optional<GraphEvent>> read = new HashMap<>();
        pending.forEach((id, e) -> read.put(id, Optional.of(e)));
        return id -> read.computeIfAbsent(id, i -> graph.graphRow(i).map(r -> new GraphEvent(r.eventId(),
                (ObjectNode) ClientEvents.parse(r.json()), r.status().equals(Optional.of(EventStatus.REJECTED)))));
    }

    /** The state as JSON by (type, state_key), events already in {@code known} taken from there. */
    private Map<List<String>, ObjectNode> json(Map<StateKey, String> state, Map<List<String>, ObjectNode> known) {
        Map<List<String>, ObjectNode> out = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        state.forEach((key, id) -> {
            ObjectNode have = known.get(List.of(key.type(), key.stateKey()));
            if (have != null && have.path("event_id").asText().equals(id)) {
                out.put(List.of(key.type(), key.stateKey()), have);
            } else {
                missing.add(id);
            }
        });
        for (StoredEvent e : events.events(missing)) {
            ObjectNode parsed = (ObjectNode) ClientEvents.parse(e.json());
            parsed.put("event_id", e.eventId());
            out.put(List.of(e.type(), e.stateKey().orElseThrow()), parsed);
        }
        return out;
    }

    /**
     * Where a new local event goes: after every forward extremity (the {@value #MAX_PREV_EVENTS} deepest when there
     * are more), with the room's current state before it (the resolution of the extremities it follows).
     */
    public Position position(String roomId, RoomVersion version, Head head) {
        if (head.extremities().size() <= MAX_PREV_EVENTS) {
            return new Position(head.extremities().stream().map(Extremity::eventId).toList(), head.nextDepth(), head.group(),
                    head.state());
        }
        List<Extremity> followed = head.extremities().subList(0, MAX_PREV_EVENTS);
        Resolved before = resolve(roomId, version, followed, Map.of());
        if (!before.made().isEmpty()) {
            graph.saveStateGroups(before.made());
            groups.stored(before.made());
        }
        long depth = followed.stream().mapToLong(Extremity::depth).max().orElse(0) + 1;
        return new Position(followed.stream().map(Extremity::eventId).toList(), depth, Optional.of(before.group()),
                json(before.state(), head.state()));
    }

    /**
     * The place of an accepted local event: the state after it, the extremities it replaces, and the room's new
     * current state (the state after it, resolved with the extremities it does not follow).
     */
    public Placement placeLocal(String roomId, RoomVersion version, Head head, Position at, ObjectNode pdu, String eventId, long pos) {
        PduView view = new PduView(pdu);
        List<StateGroup> made = new ArrayList<>();
        Optional<Long> after = at.group();
        Map<List<String>, ObjectNode> stateAfter = at.state();
        if (view.stateKey().isPresent()) {
            StateKey key = new StateKey(view.type(), view.stateKey().get());
            StateGroup g = groups.derive(roomId, at.group(), Map.of(key, Optional.of(eventId)));
            made.add(g);
            after = Optional.of(g.groupId());
            stateAfter = new LinkedHashMap<>(at.state());
            ObjectNode withId = pdu.deepCopy();
            withId.put("event_id", eventId);
            stateAfter.put(List.of(key.type(), key.stateKey()), withId);
        }
        Extremity self = new Extremity(eventId, view.json().path("depth").asLong(), after.orElseThrow());
        List<Extremity> remaining = head.extremities().stream().filter(e -> !at.prevEvents().contains(e.eventId())).toList();
        List<Extremity> extremities = new ArrayList<>(List.of(self));
        extremities.addAll(remaining);
        Head next;
        Map<List<String>, Optional<String>> changes;
        if (remaining.isEmpty()) { // the usual case: the event follows every extremity, and its state is the room's
            next = new Head(extremities, after, stateAfter, Optional.of(eventId));
            changes = view.stateKey().isPresent() ? Map.of(List.of(view.type(), view.stateKey().get()), Optional.of(eventId)) : Map.of();
        } else {
            Resolved current = resolve(roomId, version, extremities, pending(eventId, pdu), byId(made));
            made.addAll(current.made());
            next = new Head(extremities, Optional.of(current.group()), json(current.state(), stateAfter), Optional.of(eventId));
            changes = diff(head.state(), next.state());
        }
        List<List<String>> rows = extremityRows(head, next);
        GraphWrite write = new GraphWrite(at.prevEvents(), view.authEventIds(), Optional.empty(), at.group(), after, made,
                rows.get(0), rows.get(1), List.of(), List.of(), changes, List.of());
        return new Placement(withMemberships(write, roomId, next.state(), pos), next);
    }

    /**
     * The rows of {@code forward_extremities} to delete and to insert between two heads: the latest timeline event
     * is kept as the row {@link GraphStore#LATEST}, so an event that follows a line changes no row.
     */
    private static List<List<String>> extremityRows(Head before, Head after) {
        java.util.SortedSet<String> was = rows(before);
        java.util.SortedSet<String> is = rows(after);
        return List.of(was.stream().filter(r -> !is.contains(r)).toList(), is.stream().filter(r -> !was.contains(r)).toList());
    }

    private static java.util.SortedSet<String> rows(Head head) {
        java.util.SortedSet<String> rows = new java.util.TreeSet<>();
        head.extremities().forEach(e -> rows.add(head.latest().equals(Optional.of(e.eventId())) ? GraphStore.LATEST : e.eventId()));
        return rows;
    }

    /**
     * The place of the first event this server holds of a room joined through another server (its join): its state
     * before is the state the resident server gave (stored as outliers already), which becomes a state group of its
     * own; the event becomes the room's one extremity and its state after the current state.
     */
    public Placement placeWithState(String roomId, Head head, ObjectNode pdu, String eventId, Map<StateKey, String> stateBefore,
            long pos) {
        PduView view = new PduView(pdu);
        Map<StateKey, Optional<String>> whole = new LinkedHashMap<>();
        stateBefore.forEach((k, v) -> whole.put(k, Optional.of(v)));
        StateGroup before = groups.derive(roomId, Optional.empty(), whole);
        List<StateGroup> made = new ArrayList<>(List.of(before));
        long after = before.groupId();
        Map<StateKey, String> stateAfter = new HashMap<>(stateBefore);
        if (view.stateKey().isPresent()) {
            StateGroup g = groups.derive(roomId, Optional.of(before.groupId()),
                    Map.of(new StateKey(view.type(), view.stateKey().get()), Optional.of(eventId)), byId(made));
            made.add(g);
            after = g.groupId();
            stateAfter.put(new StateKey(view.type(), view.stateKey().get()), eventId);
        }
        Map<List<String>, ObjectNode> known = new HashMap<>(head.state());
        if (view.stateKey().isPresent()) {
            ObjectNode withId = pdu.deepCopy();
            withId.put("event_id", eventId);
            known.put(List.of(view.type(), view.stateKey().get()), withId);
        }
        Head next = new Head(List.of(new Extremity(eventId, view.json().path("depth").asLong(), after)), Optional.of(after),
                json(stateAfter, known), Optional.of(eventId));
        List<List<String>> rows = extremityRows(head, next);
        java.util.Set<String> held = new java.util.HashSet<>();
        graph.graphRows(view.prevEventIds()).forEach(r -> held.add(r.eventId()));
        List<String> lacking = view.prevEventIds().stream().filter(id -> !held.contains(id)).toList(); // for backfill to fetch
        GraphWrite write = new GraphWrite(view.prevEventIds(), view.authEventIds(), Optional.empty(), Optional.of(before.groupId()),
                Optional.of(after), made, rows.get(0), rows.get(1), lacking, List.of(), diff(head.state(), next.state()), List.of());
        return new Placement(withMemberships(write, roomId, next.state(), pos), next);
    }

    /** The changes from one current state to the next, (type, state_key) to event ID, empty where a key went. */
    private static Map<List<String>, Optional<String>> diff(Map<List<String>, ObjectNode> from, Map<List<String>, ObjectNode> to) {
        Map<List<String>, Optional<String>> changes = new LinkedHashMap<>();
        to.forEach((key, e) -> {
            ObjectNode was = from.get(key);
            String id = e.path("event_id").asText();
            if (was == null || !was.path("event_id").asText().equals(id)) {
                changes.put(key, Optional.of(id));
            }
        });
        from.keySet().stream().filter(key -> !to.containsKey(key)).forEach(key -> changes.put(key, Optional.empty()));
        return changes;
    }

    /** The write with the memberships its current-state changes set. */
    private static GraphWrite withMemberships(GraphWrite w, String roomId, Map<List<String>, ObjectNode> state, long pos) {
        List<Membership> memberships = new ArrayList<>();
        w.currentState().forEach((key, id) -> {
            if (key.get(0).equals("m.room.member") && id.isPresent()) {
                ObjectNode e = state.get(key);
                memberships.add(new Membership(roomId, key.get(1), e.path("content").path("membership").asText(), id.get(), pos));
            }
        });
        return new GraphWrite(w.prevEvents(), w.authEvents(), w.status(), w.stateBefore(), w.stateAfter(), w.newGroups(),
                w.extremityRowsDeleted(), w.extremityRowsInserted(), w.backwardAdded(), w.backwardRemoved(), w.currentState(),
                List.copyOf(memberships));
    }

    /**
     * The checks on receipt of an event from another server, in the spec's order (the caller has checked its
     * format, signatures and hashes): against its auth events, then the state before it, then the room's current
     * state. Returns the outcome and the state before the event (for {@link #placeReceived}).
     *
     * @throws MissingEventException when an auth event or a prev event (or its state) is not known here
     */
    public Judged judge(String roomId, RoomVersion version, Head head, ObjectNode pdu, ServerKeys keys) {
        return judge(roomId, version, head, pdu, keys, Map.of());
    }

    /**
     * {@link #judge} for an event some of whose prev events this server lacks: {@code statesAfterMissing} gives the
     * state after each of those (as another server told it; its events stored here already, as outliers), which is
     * resolved with the states after the prev events this server holds into the state before the event. The checks
     * are the same: its auth events, that state before it, the current state.
     *
     * @throws MissingEventException when an auth event, or a prev event that has no given state, is not known here
     */
    public Judged judge(String roomId, RoomVersion version, Head head, ObjectNode pdu, ServerKeys keys,
            Map<String, Map<StateKey, String>> statesAfterMissing) {
        PduView view = new PduView(pdu);
        Optional<String> refusedByAuthEvents = checkAuthEvents(roomId, version, pdu, keys);
        if (refusedByAuthEvents.isPresent()) { // rejected: its state is the state before it, where its prev events give one
            Verdict rejected = new Verdict(Optional.of(EventStatus.REJECTED), "on its auth events: " + refusedByAuthEvents.get());
            List<GraphRow> prevs = graph.graphRows(view.prevEventIds());
            boolean allKnown = prevs.size() == new java.util.HashSet<>(view.prevEventIds()).size();
            if (!allKnown || prevs.stream().anyMatch(r -> r.stateAfter().isEmpty() || !r.roomId().equals(roomId))) {
                return new Judged(rejected, Optional.empty(), List.of());
            }
            Optional<Resolved> before = stateBefore(roomId, version, prevs);
            return new Judged(rejected, before.map(Resolved::group), before.map(Resolved::made).orElse(List.of()));
        }
        Map<String, GraphRow> prevRows = rows(view.prevEventIds().stream().filter(id -> !statesAfterMissing.containsKey(id)).toList(), true);
        Optional<GraphRow> elsewhere = prevRows.values().stream().filter(r -> !r.roomId().equals(roomId)).findFirst();
        if (elsewhere.isPresent()) {
            return new Judged(new Verdict(Optional.of(EventStatus.REJECTED), "prev event " + elsewhere.get().eventId()
                    + " is in another room"), Optional.empty(), List.of());
        }
        Optional<Resolved> before = statesAfterMissing.isEmpty() ? stateBefore(roomId, version, prevRows.values())
                : Optional.of(stateBefore(roomId, version, head, prevRows.values(), statesAfterMissing.values()));
        Optional<Long> beforeGroup = before.map(Resolved::group);
        List<StateGroup> made = before.map(Resolved::made).orElse(List.of());
        AuthState atEvent = authState(before.map(Resolved::state).orElse(Map.of()), pdu, version, keys, head.state());
        if (AuthRules.check(pdu, atEvent, version) instanceof AuthResult.Refused refused) {
            return new Judged(new Verdict(Optional.of(EventStatus.REJECTED), "on the state before it: " + refused.reason()), beforeGroup,
                    made);
        }
        AuthState current = authState(pdu, version, head.state(), keys);
        if (AuthRules.check(pdu, current, version) instanceof AuthResult.Refused refused) {
            return new Judged(new Verdict(Optional.of(EventStatus.SOFT_FAILED), "on the current state: " + refused.reason()), beforeGroup,
                    made);
        }
        return new Judged(new Verdict(Optional.empty(), "accepted"), beforeGroup, made);
    }

    /** The state before an event: the resolution of the states after its prev events; none for a create event. */
    private Optional<Resolved> stateBefore(String roomId, RoomVersion version, java.util.Collection<GraphRow> prevs) {
        if (prevs.isEmpty()) {
            return Optional.empty();
        }
        List<Extremity> states = prevs.stream().map(r -> new Extremity(r.eventId(), r.depth(), r.stateAfter().orElseThrow())).toList();
        return Optional.of(resolve(roomId, version, states, Map.of()));
    }

    /**
     * The state before an event with prev events this server lacks: the states after the prev events it holds and
     * the states given for the others, resolved; stored as a group derived from the room's current state.
     */
    private Resolved stateBefore(String roomId, RoomVersion version, Head head, java.util.Collection<GraphRow> prevs,
            java.util.Collection<Map<StateKey, String>> given) {
        List<Map<StateKey, String>> sets = new ArrayList<>();
        prevs.forEach(r -> sets.add(groups.state(r.stateAfter().orElseThrow())));
        given.forEach(g -> {
            if (!sets.contains(g)) {
                sets.add(g);
            }
        });
        Map<StateKey, String> resolved = sets.size() == 1 ? sets.get(0)
                : StateResolver.resolve(version, sets, eventGraph(Map.of()), ServerKeys.none());
        StateGroup made = head.group().isPresent() ? groups.deriveTo(roomId, head.group().get(), resolved, Map.of())
                : groups.derive(roomId, Optional.empty(), whole(resolved));
        return new Resolved(made.groupId(), resolved, List.of(made));
    }

    private static Map<StateKey, Optional<String>> whole(Map<StateKey, String> state) {
        Map<StateKey, Optional<String>> out = new LinkedHashMap<>();
        state.forEach((k, v) -> out.put(k, Optional.of(v)));
        return out;
    }

    /**
     * The auth state of {@code pdu} in a state given as event JSON by (type, state_key): only the events of the auth
     * events selection, the state the rules read (a room of thousands of members is not copied per check).
     */
    static AuthState authState(ObjectNode pdu, RoomVersion version, Map<List<String>, ObjectNode> state, ServerKeys keys) {
        return AuthState.of(AuthEvents.selection(pdu, version).stream().map(k -> state.get(List.of(k.type(), k.stateKey())))
                .filter(java.util.Objects::nonNull).toList(), keys);
    }

    /** The outcome of the checks, with the state before the event (empty when its auth events refused it). */
    public record Judged(Verdict verdict, Optional<Long> beforeGroup, List<StateGroup> made) {
        public boolean accepted() {
            return verdict.status().isEmpty();
        }
    }

    /**
     * The first check on receipt: the event against its own auth events (each known here, none rejected, all of
     * this room, the ones the selection allows). Empty when it passes, else the reason.
     *
     * @throws MissingEventException when an auth event is not known here
     */
    public Optional<String> checkAuthEvents(String roomId, RoomVersion version, ObjectNode pdu, ServerKeys keys) {
        Map<String, GraphRow> auth = rows(new PduView(pdu).authEventIds(), false);
        List<ObjectNode> authEvents = new ArrayList<>();
        for (GraphRow r : auth.values()) {
            if (r.status().equals(Optional.of(EventStatus.REJECTED))) {
                return Optional.of("auth event " + r.eventId() + " was rejected");
            }
            if (!r.roomId().equals(roomId)) {
                return Optional.of("auth event " + r.eventId() + " is in another room");
            }
            authEvents.add((ObjectNode) ClientEvents.parse(r.json()));
        }
        if (AuthEvents.check(pdu, authEvents, version) instanceof AuthResult.Refused refused) {
            return Optional.of(refused.reason());
        }
        if (AuthRules.check(pdu, AuthState.of(authEvents, keys), version) instanceof AuthResult.Refused refused) {
            return Optional.of(refused.reason());
        }
        return Optional.empty();
    }

    /** The place of an outlier (or of an event rejected as one): its edges only, no state, no change to the room. */
    public Placement placeOutlier(Head head, ObjectNode pdu, EventStatus status) {
        PduView view = new PduView(pdu);
        return new Placement(new GraphWrite(view.prevEventIds(), view.authEventIds(), Optional.of(status), Optional.empty(),
                Optional.empty(), List.of(), List.of(), List.of(), List.of(), List.of(), Map.of(), List.of()), head);
    }

    /** How far {@link #ancestorsThroughUnaccepted} walks. */
    private static final int UNACCEPTED_WALK = 200;

    /**
     * The prev events of a new event, and the prev events of those among them that were rejected or soft-failed
     * (never extremities themselves, they left the events they follow as extremities), and so on: every event
     * the new one follows that may still stand as an extremity. Bounded to {@value #UNACCEPTED_WALK} events.
     */
    private java.util.Set<String> ancestorsThroughUnaccepted(List<String> prevs) {
        java.util.Set<String> seen = new java.util.LinkedHashSet<>(prevs);
        List<String> frontier = List.copyOf(prevs);
        while (!frontier.isEmpty() && seen.size() < UNACCEPTED_WALK) {
            List<String> next = new ArrayList<>();
            for (GraphRow r : graph.graphRows(frontier)) {
                if (r.status().isPresent()) {
                    r.prevEvents().stream().filter(seen::add).forEach(next::add);
                }
            }
            frontier = next;
        }
        return seen;
    }

    /** The stored events among {@code ids} by ID; a missing one (or, for {@code withState}, one without state) is asked for. */
    private Map<String, GraphRow> rows(List<String> ids, boolean withState) {
        Map<String, GraphRow> found = new LinkedHashMap<>();
        for (GraphRow r : graph.graphRows(ids)) {
            found.put(r.eventId(), r);
        }
        for (String id : ids) {
            GraphRow r = found.get(id);
            if (r == null || (withState && r.stateAfter().isEmpty())) {
                throw new MissingEventException(id);
            }
        }
        return found;
    }

    /** The auth state of {@code pdu} drawn from a state map: only the keys the auth rules read, their events loaded. */
    private AuthState authState(Map<StateKey, String> state, ObjectNode pdu, RoomVersion version, ServerKeys keys,
            Map<List<String>, ObjectNode> known) {
        List<String> ids = new ArrayList<>();
        List<ObjectNode> out = new ArrayList<>();
        for (StateKey key : AuthEvents.selection(pdu, version)) {
            String id = state.get(key);
            if (id == null) {
                continue;
            }
            ObjectNode have = known.get(List.of(key.type(), key.stateKey()));
            if (have != null && have.path("event_id").asText().equals(id)) {
                out.add(have);
            } else {
                ids.add(id);
            }
        }
        events.events(ids).forEach(e -> out.add((ObjectNode) ClientEvents.parse(e.json())));
        return AuthState.of(out, keys);
    }

    /**
     * The place of an event taken in through backfill, as {@link #judge} found it (a soft failure does not apply to
     * history): its state before and after as for any received event, the prev events it names that this server lacks
     * (with state) as backward extremities, itself no longer one; neither the forward extremities nor the current state
     * change.
     */
    public Placement placeBackfilled(String roomId, Head head, Judged judged, ObjectNode pdu, String eventId) {
        PduView view = new PduView(pdu);
        List<StateGroup> made = new ArrayList<>(judged.made());
        Optional<Long> after = judged.beforeGroup();
        Optional<EventStatus> status = judged.verdict().status().filter(s -> s == EventStatus.REJECTED);
        if (view.stateKey().isPresent() && status.isEmpty()) {
            StateGroup g = groups.derive(roomId, judged.beforeGroup(),
                    Map.of(new StateKey(view.type(), view.stateKey().get()), Optional.of(eventId)), byId(made));
            made.add(g);
            after = Optional.of(g.groupId());
        }
        java.util.Set<String> held = new java.util.HashSet<>();
        graph.graphRows(view.prevEventIds()).stream().filter(r -> r.stateAfter().isPresent()).forEach(r -> held.add(r.eventId()));
        List<String> lacking = view.prevEventIds().stream().filter(id -> !held.contains(id)).distinct().toList();
        GraphWrite write = new GraphWrite(view.prevEventIds(), view.authEventIds(), status, judged.beforeGroup(), after, made, List.of(),
                List.of(), lacking, List.of(eventId), Map.of(), List.of());
        return new Placement(write, head);
    }

    /**
     * The place of an event from another server, as {@link #judge} found it: an accepted event follows its prev events
     * and the current state becomes the resolution of the new extremities; a soft-failed one keeps its place in the
     * graph but changes neither; a rejected one changes no state (its state after is the state before it).
     */
    public Placement placeReceived(String roomId, RoomVersion version, Head head, Judged judged, ObjectNode pdu, String eventId, long pos) {
        PduView view = new PduView(pdu);
        List<StateGroup> made = new ArrayList<>(judged.made());
        Optional<Long> after = judged.beforeGroup();
        boolean rejected = judged.verdict().status().equals(Optional.of(EventStatus.REJECTED));
        if (view.stateKey().isPresent() && !rejected) {
            StateGroup g = groups.derive(roomId, judged.beforeGroup(),
                    Map.of(new StateKey(view.type(), view.stateKey().get()), Optional.of(eventId)), byId(made));
            made.add(g);
            after = Optional.of(g.groupId());
        }
        if (!judged.accepted()) {
            GraphWrite write = new GraphWrite(view.prevEventIds(), view.authEventIds(), judged.verdict().status(), judged.beforeGroup(),
                    after, made, List.of(), List.of(), List.of(), List.of(), Map.of(), List.of());
            return new Placement(write, head);
        }
        boolean followed = graph.backwardExtremity(roomId, eventId);
        java.util.Set<String> ancestors = ancestorsThroughUnaccepted(view.prevEventIds());
        List<Extremity> extremities = new ArrayList<>(head.extremities().stream()
                .filter(e -> !ancestors.contains(e.eventId())).toList());
        if (!followed) {
            extremities.add(new Extremity(eventId, view.json().path("depth").asLong(), after.orElseThrow()));
        }
        extremities.sort(Comparator.comparingLong(Extremity::depth).reversed().thenComparing(Extremity::eventId));
        Map<List<String>, ObjectNode> known = new HashMap<>(head.state());
        if (view.stateKey().isPresent()) {
            ObjectNode withId = pdu.deepCopy();
            withId.put("event_id", eventId);
            known.put(List.of(view.type(), view.stateKey().get()), withId);
        }
        Head next;
        if (extremities.isEmpty()) {
            next = new Head(List.of(), head.group(), head.state(), Optional.of(eventId));
        } else {
            Resolved current = resolve(roomId, version, extremities, pending(eventId, pdu), byId(made));
            made.addAll(current.made());
            next = new Head(List.copyOf(extremities), Optional.of(current.group()), json(current.state(), known), Optional.of(eventId));
        }
        List<List<String>> rows = extremityRows(head, next);
        java.util.Set<String> held = new java.util.HashSet<>();
        graph.graphRows(view.prevEventIds()).stream().filter(r -> r.stateAfter().isPresent()).forEach(r -> held.add(r.eventId()));
        List<String> lacking = view.prevEventIds().stream().filter(id -> !held.contains(id)).distinct().toList(); // taken with given state
        GraphWrite write = new GraphWrite(view.prevEventIds(), view.authEventIds(), Optional.empty(), judged.beforeGroup(), after, made,
                rows.get(0), rows.get(1), lacking, followed ? List.of(eventId) : List.of(), diff(head.state(), next.state()), List.of());
        return new Placement(withMemberships(write, roomId, next.state(), pos), next);
    }
}
