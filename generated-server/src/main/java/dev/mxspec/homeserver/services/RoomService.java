package dev.mxspec.homeserver.services;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.core.Caller;
import dev.mxspec.homeserver.core.Ids;
import dev.mxspec.homeserver.core.Changes;
import dev.mxspec.homeserver.core.StreamCache;
import dev.mxspec.homeserver.core.StreamCounter;
import dev.mxspec.homeserver.crypto.ServerKeys;
import dev.mxspec.homeserver.crypto.Verification;
import dev.mxspec.homeserver.rooms.AuthEvents;
import dev.mxspec.homeserver.rooms.AuthResult;
import dev.mxspec.homeserver.rooms.AuthRules;
import dev.mxspec.homeserver.rooms.AuthState;
import dev.mxspec.homeserver.rooms.EventHashes;
import dev.mxspec.homeserver.rooms.MatrixIds;
import dev.mxspec.homeserver.rooms.EventIds;
import dev.mxspec.homeserver.rooms.EventSigning;
import dev.mxspec.homeserver.rooms.MissingEventException;
import dev.mxspec.homeserver.rooms.PduFormat;
import dev.mxspec.homeserver.rooms.PduView;
import dev.mxspec.homeserver.rooms.PowerLevels;
import dev.mxspec.homeserver.rooms.Redaction;
import dev.mxspec.homeserver.rooms.RedactionApproval;
import dev.mxspec.homeserver.rooms.RoomVersion;
import dev.mxspec.homeserver.rooms.RoomVersions;
import dev.mxspec.homeserver.rooms.StrictJson;
import dev.mxspec.homeserver.storage.Records;
import dev.mxspec.homeserver.storage.Records.EventStatus;
import dev.mxspec.homeserver.storage.Records.Membership;
import dev.mxspec.homeserver.storage.Records.Relation;
import dev.mxspec.homeserver.storage.Records.Room;
import dev.mxspec.homeserver.storage.Records.StoredEvent;
import dev.mxspec.homeserver.storage.Records.Txn;
import dev.mxspec.homeserver.storage.Storage;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.json.MatrixJson;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Rooms and their events: creating rooms, sending message and state events, membership changes,
 * redactions, reading history. Every new event is built as a PDU of the room's version, checked
 * against the authorization rules with the current state, sealed (hashes, signature, event ID),
 * persisted with the state it sets, and announced to the members' waiting syncs.
 */
public final class RoomService {

    /**
     * A new event to send.
     *
     * @param originServerTs the event's timestamp when the sender chose it (an application service's {@code ts}); now otherwise
     */
    public record Draft(String type, Optional<String> stateKey, ObjectNode content, Optional<String> redacts, Optional<Long> originServerTs) {

        public Draft(String type, Optional<String> stateKey, ObjectNode content, Optional<String> redacts) {
            this(type, stateKey, content, redacts, Optional.empty());
        }

        /** This event with the timestamp an application service gave it ({@code ts}), when it gave one. */
        public Draft at(Optional<Long> timestamp) {
            return new Draft(type, stateKey, content, redacts, timestamp);
        }

        public static Draft message(String type, ObjectNode content) {
            return new Draft(type, Optional.empty(), content, Optional.empty());
        }

        public static Draft state(String type, String stateKey, ObjectNode content) {
            return new Draft(type, Optional.of(stateKey), content, Optional.empty());
        }
    }

    final Storage storage;
    final RoomRules rules;
    final StreamCounter stream;
    private final Memberships memberships;
    private final RecentEvents recent = new RecentEvents(64, 512);
    /** Whether rooms without a head (no send since start) are encrypted, until their next event. */
    private final StreamCache<Boolean> encryption;
    /** Rooms read once: all but their directory visibility ({@link #published}) never change. */
    private final Map<String, Room> roomsById = new java.util.concurrent.ConcurrentHashMap<>();
    final Notifier notifier;
    private final Relations relations;
    final Notifications notifications;
    final String serverName;
    final LongSupplier clock;
    final ConcurrentHashMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();

    /** Per room, the stream position of its latest timeline event, for the recent events. */
    private final ConcurrentHashMap<String, Long> lastPositions = new ConcurrentHashMap<>();
    final RoomGraph graph;
    private final RoomFederation federation;
    private final MembershipProtocols membershipProtocols;
    private final List<LocalEvents> localEvents = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Told of each new event of this server once it is stored, under the room's lock: in each room's order. */
    @FunctionalInterface
    public interface LocalEvents {
        void stored(String roomId, String eventId, ObjectNode pdu);
    }

    private volatile Optional<GuestRooms> guestRooms = Optional.empty();

    /** Sets the rules of the rooms guests may be in (guests join only where guest access is {@code can_join}, and leave when it closes). */
    public void guestRooms(GuestRooms rules) {
        this.guestRooms = Optional.of(rules);
    }

    /** The rules of the rooms guests may be in, once set. */
    Optional<GuestRooms> guestRooms() {
        return guestRooms;
    }

    /** Adds a listener of this server's new events (the federation sender). */
    public void onLocalEvent(LocalEvents listener) {
        localEvents.add(listener);
    }

    private final List<Runnable> newEvents = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * Adds a listener told after each new event of the room stream is stored and its position done: this server's or
     * another's, in a room's timeline or a membership kept outside it (the application service transactions).
     */
    public void onNewEvent(Runnable listener) {
        newEvents.add(listener);
    }

    void newEventStored() {
        newEvents.forEach(Runnable::run);
    }

    /**
     * Passes on an event of another server that came here through {@code send_join}, {@code send_leave} or
     * {@code send_knock}: as the resident server, this server gives it to the room's other servers (the listeners
     * leave out its origin, which has it).
     */
    public void relay(String roomId, String eventId, ObjectNode pdu) {
        localEvents.forEach(l -> l.stored(roomId, eventId, pdu));
    }

    public RoomService(Storage storage, RoomRules rules, StreamCounter stream, Memberships memberships, Notifier notifier,
            Notifications notifications, String serverName, LongSupplier clock) {
        this.relations = new Relations(storage, storage, stream);
        this.graph = new RoomGraph(storage, storage, new StateGroups(storage));
        this.notifications = notifications;
        this.storage = storage;
        this.memberships = memberships;
        this.encryption = new StreamCache<>(stream);
        this.rules = rules;
        this.stream = stream;
        this.notifier = notifier;
        this.serverName = serverName;
        this.clock = clock;
        this.federation = new RoomFederation(this); // last: it takes the fields above
        this.membershipProtocols = new MembershipProtocols(this); // after the federation, which it builds on
    }

    /** The rooms' states as state groups (one instance: it also numbers new groups). */
    public StateGroups stateGroups() {
        return graph.groups();
    }

    /** Events of other servers, taken in with every check on receipt. */
    public RoomFederation federation() {
        return federation;
    }

    /** The membership protocols of the server-server API: joins, knocks, leaves and invites across servers. */
    public MembershipProtocols membershipProtocols() {
        return membershipProtocols;
    }

    public Relations relations() {
        return relations;
    }

    public RoomRules rules() {
        return rules;
    }

    public Room room(String roomId) {
        Room known = roomsById.get(roomId);
        if (known != null) {
            return known;
        }
        Room stored = storage.room(roomId).orElseThrow(() -> new MatrixException(404, ErrorCodes.M_NOT_FOUND, "unknown room " + roomId));
        roomsById.put(roomId, stored);
        return stored;
    }

    /** Creates a room with its initial events, sent by {@code creator} in order. */
    public String create(String creator, String version, List<Draft> initial, boolean published) {
        if (!rules.supportedVersions().contains(version)) {
            throw new MatrixException(400, ErrorCodes.M_UNSUPPORTED_ROOM_VERSION, "room version " + version + " is not supported");
        }
        String roomId = Ids.roomId(serverName);
        storage.createRoom(new Room(roomId, version, creator, published, clock.getAsLong()));
        for (Draft d : initial) {
            send(creator, Optional.empty(), roomId, d, Optional.empty());
        }
        return roomId;
    }

    /**
     * Sends an event as {@code sender}: checked against the auth rules, idempotent per device and
     * transaction ID. Returns the event ID.
     */
    public String send(String sender, Optional<String> deviceId, String roomId, Draft draft, Optional<String> txnId) {
        String eventId = sendLocked(sender, deviceId, roomId, draft, txnId);
        guestRooms.ifPresent(g -> g.sent(roomId, draft));
        return eventId;
    }

    private String sendLocked(String sender, Optional<String> deviceId, String roomId, Draft draft, Optional<String> txnId) {
        Room room = room(roomId);
        RoomVersion version = version(room);
        ReentrantLock lock = locks.computeIfAbsent(roomId, r -> new ReentrantLock());
        lock.lock();
        try {
            RoomGraph.Head head = graph.head(roomId, version);
            if (draft.stateKey().isPresent() && txnId.isEmpty()) { // the same state again by the same sender: no new event
                ObjectNode old = head.state().get(List.of(draft.type(), draft.stateKey().get()));
                if (old != null && old.path("sender").asText().equals(sender) && old.path("content").equals(draft.content())) {
                    return old.path("event_id").asText();
                }
            }
            RoomGraph.Position at = graph.position(roomId, version, head);
            Map<List<String>, ObjectNode> state = at.state();
            ObjectNode pdu = MatrixJson.mapper().createObjectNode();
            pdu.put("room_id", roomId);
            pdu.put("sender", sender);
            pdu.put("type", draft.type());
            draft.stateKey().ifPresent(k -> pdu.put("state_key", k));
            pdu.set("content", draft.content());
            draft.redacts().ifPresent(r -> pdu.put("redacts", r));
            pdu.put("origin_server_ts", draft.originServerTs().orElseGet(clock::getAsLong));
            pdu.put("origin", serverName);
            pdu.put("depth", at.depth());
            ArrayNode prev = pdu.putArray("prev_events");
            at.prevEvents().forEach(prev::add);
            ArrayNode auth = pdu.putArray("auth_events");
            authEvents(draft, sender, state).forEach(auth::add);
            draft.stateKey().ifPresent(k -> {
                ObjectNode old = state.get(List.of(draft.type(), k));
                if (old != null) {
                    pdu.putObject("unsigned").set("prev_content", old.get("content"));
                    pdu.withObjectProperty("unsigned").put("replaces_state", old.path("event_id").asText());
                }
            });
            try {
                relations.check(roomId, sender, draft.type(), draft.content());
            } catch (MatrixException refused) { // a repeated transaction ID (a client's retry) is answered with its event
                return earlier(sender, deviceId, txnId).orElseThrow(() -> refused);
            }
            // sealed first: the rules of versions 8+ check the signature of a restricted join's authorising server
            String eventId = rules.seal(pdu, room.roomVersion());
            try {
                rules.authorize(pdu, state, room.roomVersion());
            } catch (MatrixException refused) { // a repeated transaction is answered with its event, whatever changed since
                return earlier(sender, deviceId, txnId).orElseThrow(() -> refused);
            }
            if (remoteInvite(draft)) { // the invited user's server co-signs the invite before it is stored here
                ObjectNode cosigned = remoteInviter.orElseThrow().invite(pdu, room.roomVersion(), strippedState(state, sender));
                pdu.set("signatures", cosigned.get("signatures"));
            }
            long pos = stream.next(changes(roomId, draft.type(), draft.stateKey(), draft.content(), draft.redacts().isPresent()));
            Notifications.Outcome notified;
            try {
                RoomGraph.Placement placed = graph.placeLocal(roomId, version, head, at, pdu, eventId, pos);
                notified = notifications.evaluate(pdu, eventId, pos, state, room.creator());
                StoredEvent stored = stored(pdu, eventId, pos, txnId.flatMap(t -> deviceId.map(d -> new Txn(d, t))));
                if (!persist(room, stored, pdu, placed, notified, Optional.empty())) {
                    return earlier(sender, deviceId, txnId).orElseThrow(); // the transaction ID was used: its event
                }
                notifications.hold(notified); // before the position is done: a sync that sees the event counts it
            } finally {
                stream.done(pos);
            }
            notifications.stored(notified);
            wake(roomId, draft.type(), draft.stateKey());
            localEvents.forEach(l -> l.stored(roomId, eventId, pdu));
            return eventId;
        } finally {
            lock.unlock();
        }
    }

    static RoomVersion version(Room room) {
        return RoomVersions.of(room.roomVersion()).orElseThrow(() -> new MatrixException(400, ErrorCodes.M_UNSUPPORTED_ROOM_VERSION,
                "room version " + room.roomVersion() + " is not supported"));
    }

    /** Wakes the syncs of the room's members (and of the target of a membership event). */
    void wake(String roomId, String type, Optional<String> stateKey) {
        List<String> audience = new ArrayList<>(memberships.ofRoom(roomId).stream()
                .filter(m -> m.membership().equals("join") || m.membership().equals("invite") || m.membership().equals("knock"))
                .map(Membership::userId).toList());
        if (type.equals("m.room.member")) {
            stateKey.ifPresent(audience::add);
        }
        notifier.wake(audience);
        newEventStored();
    }

    /** What a new event changes, for readers to skip what it does not. */
    static String[] changes(String roomId, String type, Optional<String> stateKey, JsonNode content, boolean redacts) {
        List<String> keys = new ArrayList<>(List.of(Changes.room(roomId)));
        if (type.equals("m.room.member") && stateKey.isPresent()) {
            keys.addAll(List.of(Changes.members(roomId), Changes.memberships(stateKey.get()), Changes.visibility(roomId)));
        } else if (type.equals("m.room.history_visibility") && stateKey.isPresent()) {
            keys.add(Changes.visibility(roomId));
        }
        if (redacts || content.has("m.relates_to")) {
            keys.add(Changes.relations(roomId));
        }
        return keys.toArray(String[]::new);
    }

    private Optional<String> earlier(String sender, Optional<String> deviceId, Optional<String> txnId) {
        return txnId.isPresent() && deviceId.isPresent() ? storage.txnEvent(sender, deviceId.get(), txnId.get()) : Optional.empty();
    }

    static StoredEvent stored(ObjectNode pdu, String eventId, long pos, Optional<Txn> txn) {
        PduView view = new PduView(pdu);
        return new StoredEvent(pos, eventId, view.roomId(), view.type(), view.stateKey(), view.sender(),
                pdu.path("origin_server_ts").asLong(),
                pdu.path("depth").asLong(), MatrixJson.write(pdu), Optional.empty(), txn);
    }

    /**
     * Stores a new event with its place in the graph; false, storing nothing, when its transaction ID was used
     * before. An event of the timeline is added to the recent events, and a redaction applied.
     */
    boolean persist(Room room, StoredEvent stored, ObjectNode pdu, RoomGraph.Placement placed, Notifications.Outcome notified,
            Optional<PowerLevels> approval) {
        String roomId = room.roomId();
        boolean timeline = placed.write().status().isEmpty();
        Optional<Relation> relation = timeline
                ? Relation.of(stored.eventId(), roomId, stored.sender(), stored.type(), pdu.path("content"), stored.streamPos())
                : Optional.empty();
        if (!storage.persistEvent(stored, placed.write(), relation, notified.actions(), notified.reads())) {
            return false;
        }
        graph.advance(roomId, placed);
        if (!timeline) {
            return true;
        }
        long previousPos = lastPositions.computeIfAbsent(roomId, r -> storage.roomEvents(r, 0, stored.streamPos() - 1, 1, true).stream()
                .findFirst().map(StoredEvent::streamPos).orElse(0L));
        recent.added(stored, previousPos);
        lastPositions.put(roomId, stored.streamPos());
        Optional<String> redacts = new PduView(pdu).redacts();
        // a local redaction was checked before it was sent; another server's is applied only if the spec approves it
        if (redacts.isPresent() && (approval.isEmpty() || storage.event(redacts.get()).filter(t -> t.roomId().equals(roomId))
                .filter(t -> RedactionApproval.applies(pdu, (ObjectNode) ClientEvents.parse(t.json()), approval.get(), version(room)))
                .isPresent())) {
            applyRedaction(redacts.get(), stored.eventId(), pdu, room.roomVersion());
            graph.forget(roomId); // the redacted event may be part of the current state
            recent.forget(roomId); // and of the recent events
        }
        return true;
    }

    private void applyRedaction(String targetId, String redactionId, ObjectNode redaction, String version) {
        storage.event(targetId).filter(t -> t.redactedBy().isEmpty()).ifPresent(target -> {
            ObjectNode json = (ObjectNode) ClientEvents.parse(target.json());
            ObjectNode redacted = rules.redact(json, version);
            ObjectNode because = redaction.deepCopy();
            because.put("event_id", redactionId);
            because.remove(List.of("hashes", "signatures", "auth_events", "prev_events", "depth", "origin"));
            redacted.withObjectProperty("unsigned").set("redacted_because", because);
            storage.markRedacted(targetId, redactionId, MatrixJson.write(redacted));
            notifications.redacted(target.roomId());
        });
    }

    /** The auth events of a new event, as the server-server API selects them. */
    static List<String> authEvents(Draft draft, String sender, Map<List<String>, ObjectNode> state) {
        List<String> ids = new ArrayList<>();
        if (draft.type().equals("m.room.create")) {
            return ids;
        }
        List<List<String>> keys = new ArrayList<>(List.of(List.of("m.room.create", ""), List.of("m.room.power_levels", ""),
                List.of("m.room.member", sender)));
        if (draft.type().equals("m.room.member")) {
            draft.stateKey().ifPresent(k -> keys.add(List.of("m.room.member", k)));
            String membership = draft.content().path("membership").asText();
            if (membership.equals("join") || membership.equals("invite") || membership.equals("knock")) {
                keys.add(List.of("m.room.join_rules", ""));
            }
            JsonNode token = draft.content().path("third_party_invite").path("signed").get("token");
            if (membership.equals("invite") && token != null && token.isTextual()) {
                keys.add(List.of("m.room.third_party_invite", token.asText()));
            }
            JsonNode authorised = draft.content().get("join_authorised_via_users_server");
            if (authorised != null && authorised.isTextual()) {
                keys.add(List.of("m.room.member", authorised.asText()));
            }
        }
        for (List<String> key : keys) {
            ObjectNode e = state.get(key);
            if (e != null && !ids.contains(e.path("event_id").asText())) {
                ids.add(e.path("event_id").asText());
            }
        }
        return ids;
    }

    /** The current state as (type, state_key) to the PDU, each with its {@code event_id}. */
    public Map<List<String>, ObjectNode> stateJson(String roomId) {
        Map<List<String>, String> ids = storage.currentState(roomId);
        Map<String, StoredEvent> events = new LinkedHashMap<>();
        storage.events(List.copyOf(ids.values())).forEach(e -> events.put(e.eventId(), e));
        Map<List<String>, ObjectNode> state = new LinkedHashMap<>();
        ids.forEach((key, id) -> {
            StoredEvent e = events.get(id);
            if (e != null) {
                ObjectNode json = (ObjectNode) ClientEvents.parse(e.json());
                json.put("event_id", e.eventId());
                state.put(key, json);
            }
        });
        return state;
    }

    /** The current state event ({@code type}, {@code stateKey}) of a room, if it has one (none when the room is unknown). */
    public Optional<StoredEvent> stateEvent(String roomId, String type, String stateKey) {
        return storage.currentStateEvent(roomId, type, stateKey).flatMap(storage::event); // one row, not the room's whole state
    }

    /** The room this one replaced in an upgrade: the {@code predecessor.room_id} its create event names, if any. */
    public Optional<String> predecessor(String roomId) {
        return stateEvent(roomId, "m.room.create", "").map(e -> ClientEvents.parse(e.json()).path("content").path("predecessor").path("room_id"))
                .filter(JsonNode::isTextual).map(JsonNode::asText);
    }

    public List<StoredEvent> stateEvents(String roomId) {
        return storage.events(List.copyOf(storage.currentState(roomId).values()));
    }

    public Optional<String> membership(String roomId, String userId) {
        return memberships.of(roomId, userId).map(Membership::membership);
    }

    /** Requires the caller to be in the room (or, for {@code allowLeft}, to have been). */
    public Membership requireMember(String roomId, String userId) {
        room(roomId);
        return memberships.of(roomId, userId).filter(m -> m.membership().equals("join"))
                .orElseThrow(() -> MatrixException.forbidden(userId + " is not in the room"));
    }

    /**
     * Sends the user's new display name and avatar into every room he is joined to, as an update of
     * his {@code m.room.member} event (the rest of its content kept), as the spec requires.
     */
    public void profileChanged(Caller caller) {
        var user = storage.user(caller.userId()).orElseThrow();
        for (Membership m : memberships.ofUser(caller.userId())) {
            if (!m.membership().equals("join")) {
                continue;
            }
            // the member event the membership record names: one row, not the room's whole state
            ObjectNode content = storage.event(m.eventId()).map(e -> (ObjectNode) ClientEvents.parse(e.json()).path("content").deepCopy())
                    .orElseGet(() -> memberContent(caller.userId(), "join"));
            content.remove(List.of("displayname", "avatar_url", "join_authorised_via_users_server"));
            user.displayname().ifPresent(n -> content.put("displayname", n));
            user.avatarUrl().ifPresent(a -> content.put("avatar_url", a));
            try {
                send(caller.userId(), Optional.of(caller.transactionScope()), m.roomId(), Draft.state("m.room.member", caller.userId(), content),
                        Optional.empty());
            } catch (MatrixException refused) {
                // a room whose rules refuse the update keeps the old profile; the others are updated
            }
        }
    }

    /** The room's current power levels (the defaults of a room without them: its creator at 100). */
    public PowerLevels powerLevels(String roomId) {
        return levels(stateJson(roomId), room(roomId).creator());
    }

    /** The power levels of a state (as {@link #stateJson} gives it); without an event, the creator's defaults. */
    static PowerLevels levels(Map<List<String>, ObjectNode> state, String creator) {
        ObjectNode levels = state.get(List.of("m.room.power_levels", ""));
        return levels != null ? PowerLevels.fromContent(levels.path("content"))
                : PowerLevels.withoutEvent(Optional.ofNullable(state.get(List.of("m.room.create", "")))
                        .map(c -> c.path("sender").asText()).orElse(creator));
    }

    /** The state of the room as it was at a stream position (after the event there). */
    public List<StoredEvent> stateEventsAt(String roomId, long position) {
        return storage.stateGroupAt(roomId, position)
                .map(g -> storage.events(graph.groups().state(g).values().stream().toList()))
                .orElse(List.of());
    }

    /** Whether a user is an administrator of this server. */
    public boolean serverAdmin(String userId) {
        return storage.user(userId).map(u -> u.admin() && !u.deactivated()).orElse(false);
    }

    /**
     * Redacts an event of the room. Only the event's sender, a member at the room's {@code redact}
     * level, or a server administrator may: {@code M_FORBIDDEN} otherwise; the event must be one of
     * this room ({@code M_INVALID_PARAM}) and known ({@code M_NOT_FOUND}). Nothing is stored when refused.
     */
    public String redact(Caller caller, String roomId, String targetId, Optional<String> reason, String txnId) {
        requireMember(roomId, caller.userId());
        StoredEvent target = storage.event(targetId)
                .orElseThrow(() -> new MatrixException(404, ErrorCodes.M_NOT_FOUND, "no event " + targetId));
        if (!target.roomId().equals(roomId)) {
            throw new MatrixException(400, ErrorCodes.M_INVALID_PARAM, "event " + targetId + " is not in room " + roomId);
        }
        if (!target.sender().equals(caller.userId()) && !mayRedactOthers(roomId, caller.userId()) && !serverAdmin(caller.userId())) {
            throw MatrixException.forbidden("only the sender of an event or a member at the room's redact level may redact it");
        }
        ObjectNode content = MatrixJson.mapper().createObjectNode();
        reason.ifPresent(r -> content.put("reason", r));
        content.put("redacts", targetId);
        return send(caller.userId(), Optional.of(caller.transactionScope()), roomId,
                new Draft("m.room.redaction", Optional.empty(), content, Optional.of(targetId)), Optional.of(REDACTION_TXN + txnId));
    }

    private boolean mayRedactOthers(String roomId, String userId) {
        PowerLevels levels = powerLevels(roomId);
        return levels.userLevel(userId) >= levels.redact();
    }

    /** Transaction IDs of redactions are kept apart from those of sends by this prefix (not shown to clients). */
    public static final String REDACTION_TXN = "redact:";

    /** Joins a local user to a room this server does not hold, through the servers of the room (federation). */
    @FunctionalInterface
    public interface RemoteJoiner {
        /** The join's event ID; {@code M_NOT_FOUND} when no server of the room lets the user join. */
        String join(String userId, String roomId, List<String> servers);
    }

    private volatile Optional<RemoteJoiner> remoteJoiner = Optional.empty();

    /** Lets joins reach rooms of other servers (set when federation runs). */
    public void remoteJoins(RemoteJoiner joiner) {
        this.remoteJoiner = Optional.of(joiner);
    }

    /** Has the server of a user of another server co-sign an invite of that user (federation). */
    @FunctionalInterface
    public interface RemoteInviter {
        /**
         * The invite {@code pdu} signed by the invited user's server too; a Matrix error when that server refuses it.
         *
         * @param inviteRoomState the stripped state events the invited user sees before joining
         */
        ObjectNode invite(ObjectNode pdu, String roomVersion, List<ObjectNode> inviteRoomState);
    }

    /** Leaves a room this server does not hold (an invite rejected) through a server of the room (federation). */
    @FunctionalInterface
    public interface RemoteLeaver {
        /** The leave's event ID; a Matrix error when no server of the room takes it. */
        String leave(String userId, String roomId, List<String> servers);
    }

    /** Knocks on a room this server does not hold, through the servers of the room (federation). */
    @FunctionalInterface
    public interface RemoteKnocker {
        /** The knock's event ID; a Matrix error when no server of the room takes it. */
        String knock(String userId, String roomId, List<String> servers, Optional<String> reason);
    }

    private volatile Optional<RemoteKnocker> remoteKnocker = Optional.empty();

    /** Lets knocks reach rooms of other servers (set when federation runs). */
    public void remoteKnocks(RemoteKnocker knocker) {
        this.remoteKnocker = Optional.of(knocker);
    }

    private volatile Optional<RemoteInviter> remoteInviter = Optional.empty();
    private volatile Optional<RemoteLeaver> remoteLeaver = Optional.empty();

    /** Sends invites of other servers' users to their servers first (set when federation runs). */
    public void remoteInvites(RemoteInviter inviter) {
        this.remoteInviter = Optional.of(inviter);
    }

    /** Lets invites to rooms of other servers be rejected (set when federation runs). */
    public void remoteLeaves(RemoteLeaver leaver) {
        this.remoteLeaver = Optional.of(leaver);
    }

    /** The state types an invited user sees of the room (client-server API, "stripped state"). */
    public static final java.util.Set<String> INVITE_STATE = java.util.Set.of("m.room.create", "m.room.join_rules", "m.room.name",
            "m.room.avatar", "m.room.canonical_alias", "m.room.encryption", "m.room.topic");

    /** Whether this server holds the room's state (a room known only by an invite from another server does not). */
    public boolean holds(String roomId) {
        return !storage.currentState(roomId).isEmpty();
    }

    /**
     * Whether a local user is joined to the room: when none is, this server hears nothing of the room and its state
     * here may be stale (everyone left), so a new invite or knock from another server is kept outside it.
     */
    public boolean participates(String roomId) {
        return holds(roomId) && memberships.ofRoom(roomId).stream()
                .anyMatch(m -> m.membership().equals("join") && MatrixIds.serverOf(m.userId()).equals(Optional.of(serverName)));
    }

    /** Whether {@code userId} names a registered user of this server. */
    public boolean localUser(String userId) {
        return MatrixIds.serverOf(userId).equals(Optional.of(serverName)) && storage.user(userId).isPresent();
    }

    private boolean remoteInvite(Draft draft) {
        return remoteInviter.isPresent() && draft.type().equals("m.room.member") && draft.stateKey().isPresent()
                && draft.content().path("membership").asText().equals("invite")
                && !MatrixIds.serverOf(draft.stateKey().get()).equals(Optional.of(serverName));
    }

    /** The stripped state of {@link #INVITE_STATE} and the inviter's membership, from a room state. */
    static List<ObjectNode> strippedState(Map<List<String>, ObjectNode> state, String inviter) {
        List<ObjectNode> out = new ArrayList<>();
        state.forEach((key, e) -> {
            if (INVITE_STATE.contains(key.get(0)) || key.equals(List.of("m.room.member", inviter))) {
                ObjectNode stripped = MatrixJson.mapper().createObjectNode();
                stripped.put("type", key.get(0));
                stripped.put("state_key", key.get(1));
                stripped.put("sender", e.path("sender").asText());
                stripped.set("content", e.path("content"));
                out.add(stripped);
            }
        });
        return out;
    }

    /**
     * The servers of the room that a local user's invite or knock names, while it is his membership: the server of
     * whoever invited him; for a knock, those of the senders of the stripped state the knock was answered with.
     */
    private List<String> outsideServers(String roomId, String userId) {
        return memberships.of(roomId, userId).filter(m -> m.membership().equals("invite") || m.membership().equals("knock"))
                .flatMap(m -> storage.event(m.eventId())).stream().flatMap(e -> {
                    List<String> senders = new ArrayList<>(List.of(e.sender()));
                    ClientEvents.parse(e.json()).path("unsigned").path("knock_room_state").forEach(st -> senders.add(st.path("sender").asText()));
                    return senders.stream();
                }).flatMap(u -> MatrixIds.serverOf(u).stream()).filter(s -> !s.equals(serverName)).distinct().toList();
    }

    /**
     * What an invited user sees of a room this server does not hold: the stripped state the inviting server sent
     * with the invite, and the invite itself; empty for an event that is no such invite.
     */
    public List<ObjectNode> outsideInviteState(String eventId) {
        return storage.event(eventId).map(e -> {
            List<ObjectNode> out = new ArrayList<>();
            JsonNode unsigned = ClientEvents.parse(e.json()).path("unsigned");
            unsigned.path(unsigned.has("knock_room_state") ? "knock_room_state" : "invite_room_state").forEach(s -> {
                if (s instanceof ObjectNode o) {
                    out.add(o);
                }
            });
            out.add(ClientEvents.stripped(e));
            return out;
        }).orElse(List.of());
    }

    /**
     * A join by the user himself: to a room this server holds as any membership change, else through
     * {@code servers} of the room when federation runs ({@code M_NOT_FOUND} when it does not). A guest joins only where
     * guest access is {@code can_join}: here by the current state, elsewhere by the state the room's server answers.
     */
    public String join(Caller caller, String roomId, List<String> servers, Optional<String> reason, Map<String, JsonNode> extra) {
        if (!holds(roomId) || (!participates(roomId) && !outsideServers(roomId, caller.userId()).isEmpty())) {
            List<String> candidates = new ArrayList<>(servers);
            candidates.addAll(outsideServers(roomId, caller.userId()));
            return remoteJoiner.orElseThrow(() -> new MatrixException(404, ErrorCodes.M_NOT_FOUND, "unknown room " + roomId))
                    .join(caller.userId(), roomId, candidates);
        }
        guestRooms.ifPresent(g -> g.checkJoin(caller.userId(), roomId));
        return setMembership(caller, roomId, caller.userId(), "join", reason, extra);
    }

    /**
     * A knock by the user himself: on a room this server holds as any membership change, else through
     * {@code servers} of the room when federation runs ({@code M_NOT_FOUND} when it does not).
     */
    public String knock(Caller caller, String roomId, List<String> servers, Optional<String> reason) {
        if (!holds(roomId)) {
            return remoteKnocker.orElseThrow(() -> new MatrixException(404, ErrorCodes.M_NOT_FOUND, "unknown room " + roomId))
                    .knock(caller.userId(), roomId, servers, reason);
        }
        return setMembership(caller, roomId, caller.userId(), "knock", reason);
    }

    /** Changes a user's membership: join, invite, leave (also kick), ban, knock. */
    public String setMembership(Caller caller, String roomId, String target, String membership, Optional<String> reason) {
        return setMembership(caller, roomId, target, membership, reason, Map.of());
    }

    /**
     * Changes a user's membership with extra content from the client (a join body's own fields are
     * kept in the member event, as other servers do; {@code membership} and the authorising server
     * are the server's to set).
     */
    public String setMembership(Caller caller, String roomId, String target, String membership, Optional<String> reason,
            Map<String, JsonNode> extra) {
        if (membership.equals("leave") && target.equals(caller.userId()) && storage.room(roomId).isPresent()
                && (!holds(roomId) || (!participates(roomId) && !outsideServers(roomId, target).isEmpty()))) {
            // an invite to a room of another server, rejected through the inviting server
            List<String> servers = outsideServers(roomId, target);
            return remoteLeaver.orElseThrow(() -> new MatrixException(404, ErrorCodes.M_NOT_FOUND, "unknown room " + roomId))
                    .leave(target, roomId, servers);
        }
        ObjectNode content = memberContent(target, membership);
        extra.forEach((key, value) -> {
            if (!key.equals("membership") && !key.equals("join_authorised_via_users_server") && !key.equals("third_party_signed")) {
                content.set(key, value);
            }
        });
        reason.ifPresent(r -> content.put("reason", r));
        if (membership.equals("join") && target.equals(caller.userId())) {
            restrictedJoinAuthoriser(roomId, target).ifPresent(a -> content.put("join_authorised_via_users_server", a));
        }
        return send(caller.userId(), Optional.of(caller.transactionScope()), roomId, Draft.state("m.room.member", target, content), Optional.empty());
    }

    /**
     * For a join to a room whose join rule is {@code restricted} or {@code knock_restricted}, by a
     * user who is not invited or joined already: a local member who may invite, to vouch for the
     * join as {@code join_authorised_via_users_server}, when the user is joined to one of the rooms
     * of the rule's {@code allow} list. Refused with {@code M_FORBIDDEN} when the user is in none.
     */
    private Optional<String> restrictedJoinAuthoriser(String roomId, String userId) {
        // the join rule alone first: most joins are to rooms that are not restricted
        Map<List<String>, String> ids = storage.currentState(roomId);
        JsonNode rules = Optional.ofNullable(ids.get(List.of("m.room.join_rules", ""))).flatMap(storage::event)
                .map(e -> ClientEvents.parse(e.json()).path("content")).orElse(MatrixJson.mapper().createObjectNode());
        String rule = rules.path("join_rule").asText();
        if (!rule.equals("restricted") && !rule.equals("knock_restricted")) {
            return Optional.empty();
        }
        Map<List<String>, ObjectNode> state = stateJson(roomId);
        String current = Optional.ofNullable(state.get(List.of("m.room.member", userId)))
                .map(e -> e.path("content").path("membership").asText()).orElse("leave");
        if (current.equals("invite") || current.equals("join")) {
            return Optional.empty();
        }
        boolean allowed = false;
        for (JsonNode condition : rules.path("allow")) {
            if (condition.path("type").asText().equals("m.room_membership") && condition.path("room_id").isTextual()
                    && memberships.of(condition.path("room_id").asText(), userId).map(Membership::membership)
                            .filter("join"::equals).isPresent()) {
                allowed = true;
                break;
            }
        }
        if (!allowed) {
            throw new MatrixException(403, ErrorCodes.M_FORBIDDEN, rule.equals("knock_restricted")
                    ? "you are not in any room that gives access to this room: knock to ask for an invite"
                    : "you are not in any room that gives access to this room");
        }
        PowerLevels levels = levels(state, room(roomId).creator());
        return state.entrySet().stream()
                .filter(e -> e.getKey().getFirst().equals("m.room.member"))
                .filter(e -> e.getValue().path("content").path("membership").asText().equals("join"))
                .map(e -> e.getKey().get(1))
                .filter(u -> u.endsWith(":" + serverName) && levels.userLevel(u) >= levels.invite())
                .max(Comparator.comparingLong(levels::userLevel).thenComparing(Comparator.reverseOrder()))
                .map(Optional::of)
                .orElseThrow(() -> new MatrixException(403, ErrorCodes.M_FORBIDDEN,
                        "no member of this room who may invite can vouch for the join"));
    }

    /** The content of a membership event; joins, invites and knocks carry the target's profile, as clients show it. */
    public ObjectNode memberContent(String target, String membership) {
        ObjectNode content = MatrixJson.mapper().createObjectNode().put("membership", membership);
        if (membership.equals("join") || membership.equals("invite") || membership.equals("knock")) {
            storage.user(target).ifPresent(u -> {
                u.displayname().ifPresent(n -> content.put("displayname", n));
                u.avatarUrl().ifPresent(a -> content.put("avatar_url", a));
            });
        }
        return content;
    }

    public List<Room> publishedRooms() {
        return storage.publishedRooms();
    }

    /** Whether a room is listed in the public room directory (read from storage: {@link #room} may hold an older flag). */
    public boolean published(String roomId) {
        return storage.room(roomId).orElseThrow(() -> new MatrixException(404, ErrorCodes.M_NOT_FOUND, "unknown room " + roomId))
                .published();
    }

    public void publish(String roomId, boolean published) {
        room(roomId);
        storage.setPublished(roomId, published);
    }

    /** A room as the public room directory lists it. */
    public ObjectNode publicRoomChunk(Room room) {
        Map<List<String>, ObjectNode> state = stateJson(room.roomId());
        ObjectNode chunk = MatrixJson.mapper().createObjectNode();
        chunk.put("room_id", room.roomId());
        java.util.function.BiConsumer<String, List<String>> copy = (field, key) -> {
            ObjectNode e = state.get(List.of(key.get(0), ""));
            if (e != null && e.path("content").path(key.get(1)).isTextual()) {
                chunk.put(field, e.path("content").path(key.get(1)).asText());
            }
        };
        copy.accept("name", List.of("m.room.name", "name"));
        copy.accept("topic", List.of("m.room.topic", "topic"));
        copy.accept("avatar_url", List.of("m.room.avatar", "url"));
        copy.accept("canonical_alias", List.of("m.room.canonical_alias", "alias"));
        copy.accept("join_rule", List.of("m.room.join_rules", "join_rule"));
        copy.accept("room_type", List.of("m.room.create", "type"));
        long joined = state.entrySet().stream().filter(e -> e.getKey().getFirst().equals("m.room.member"))
                .filter(e -> e.getValue().path("content").path("membership").asText().equals("join")).count();
        chunk.put("num_joined_members", joined);
        ObjectNode visibility = state.get(List.of("m.room.history_visibility", ""));
        chunk.put("world_readable", visibility != null && visibility.path("content").path("history_visibility").asText().equals("world_readable"));
        ObjectNode guests = state.get(List.of("m.room.guest_access", ""));
        chunk.put("guest_can_join", guests != null && GuestRooms.canJoin(guests.path("content")));
        return chunk;
    }

    public List<StoredEvent> history(String roomId, long after, long upTo, int limit, boolean backwards) {
        if (backwards) {
            Optional<List<StoredEvent>> cached = recent.newestFirst(roomId, after, upTo, limit);
            if (cached.isPresent()) {
                return cached.get();
            }
        }
        return storage.roomEvents(roomId, after, upTo, limit, backwards);
    }

    /**
     * An event of a room's timeline (backfilled history included), or of its current state (where state resolution may have placed an event kept
     * out of the timeline); never a rejected event, nor an outlier or soft-failed one outside the current state.
     */
    public Optional<StoredEvent> event(String eventId) {
        return storage.event(eventId).filter(e -> e.streamPos() > 0 || e.stateKey().isPresent()
                && eventId.equals(storage.currentState(e.roomId()).get(List.of(e.type(), e.stateKey().get())))
                || storage.graphRow(eventId).filter(r -> r.status().isEmpty()).isPresent()); // backfilled: accepted, below 0
    }

    public List<Membership> membershipsOf(String userId) {
        return memberships.ofUser(userId);
    }

    public List<Membership> members(String roomId) {
        return memberships.ofRoom(roomId);
    }

    /** Whether a room's current state has an {@code m.room.encryption} event. */
    public boolean encrypted(String roomId) {
        Optional<RoomGraph.Head> head = graph.cachedHead(roomId); // loaded only under the room's lock, by a send
        List<String> key = List.of("m.room.encryption", "");
        return head.isPresent() ? head.get().state().containsKey(key)
                : encryption.get(Changes.room(roomId), () -> storage.currentState(roomId).containsKey(key));
    }

    /** Whether a room has a new event after a position. */
    public boolean changedSince(String roomId, long position) {
        return stream.changedSince(Changes.room(roomId), position);
    }

    public long streamPosition() {
        return stream.current();
    }
}
