package dev.mxspec.homeserver.services;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.core.StreamCounter;
import dev.mxspec.homeserver.crypto.ServerKeys;
import dev.mxspec.homeserver.rooms.AuthEvents;
import dev.mxspec.homeserver.rooms.AuthResult;
import dev.mxspec.homeserver.rooms.AuthRules;
import dev.mxspec.homeserver.rooms.AuthState;
import dev.mxspec.homeserver.rooms.MatrixIds;
import dev.mxspec.homeserver.rooms.EventIds;
import dev.mxspec.homeserver.rooms.MissingEventException;
import dev.mxspec.homeserver.rooms.PduView;
import dev.mxspec.homeserver.rooms.RoomVersion;
import dev.mxspec.homeserver.rooms.RoomVersions;
import dev.mxspec.homeserver.services.RoomFederation.Incoming;
import dev.mxspec.homeserver.services.RoomFederation.Received;
import dev.mxspec.homeserver.storage.Records.EventStatus;
import dev.mxspec.homeserver.storage.Records.GraphRow;
import dev.mxspec.homeserver.storage.Records.Room;
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
 * The membership protocols of the server-server API, on both sides, built on {@link RoomFederation}'s checks on
 * receipt: as the room's resident server, the templates of joins, knocks and leaves for users of other servers
 * ({@link #joinTemplate}, {@link #knockTemplate}, {@link #leaveTemplate}) and the events made from them taken in and
 * answered ({@code send_join}, {@code send_knock}, {@code send_leave}: {@link #acceptJoin}, {@link #acceptKnock},
 * {@link #acceptLeave}), and invites of local users from other servers ({@link #acceptInvite}); as the server of a
 * local user, a template made elsewhere signed ({@link #signTemplate}), a leave or knock taken elsewhere kept
 * ({@link #keepRemoteLeave}, {@link #keepRemoteKnock}), and a room joined through another server adopted
 * ({@link #adoptJoinedRoom}).
 */
public final class MembershipProtocols {

    private final RoomService rooms;
    private final RoomFederation federation;
    private final Storage storage;
    private final RoomRules rules;
    private final StreamCounter stream;
    private final String serverName;
    private final LongSupplier clock;
    private final ConcurrentHashMap<String, ReentrantLock> locks;
    private final RoomGraph graph;

    private static final String AUTHORISER = "join_authorised_via_users_server";

    MembershipProtocols(RoomService rooms) {
        this.rooms = rooms;
        this.federation = rooms.federation();
        this.storage = rooms.storage;
        this.rules = rooms.rules;
        this.stream = rooms.stream;
        this.serverName = rooms.serverName;
        this.clock = rooms.clock;
        this.locks = rooms.locks;
        this.graph = rooms.graph;
    }

    /**
     * The template of a join to this room for {@code userId}, a user of the requesting server {@code origin}
     * (server-server API, {@code make_join}): the room's extremities as prev events, the auth events the join
     * needs, this room's version. Refused with {@code M_INCOMPATIBLE_ROOM_VERSION} when the origin does not support
     * the room's version, {@code M_FORBIDDEN} for a user of another server or a join the rules would refuse now
     * (banned, not invited to an invite-only room), {@code M_NOT_FOUND} for a room this server does not hold.
     */
    public ObjectNode joinTemplate(String origin, String roomId, String userId, List<String> versions) {
        Room room = storage.room(roomId).orElseThrow(() -> new MatrixException(404, ErrorCodes.M_NOT_FOUND, "unknown room " + roomId));
        RoomVersion version = RoomService.version(room);
        if (!versions.contains(version.id())) {
            throw new MatrixException(400, ErrorCodes.M_INCOMPATIBLE_ROOM_VERSION, "the room's version " + version.id()
                    + " is not among the versions you support", MatrixJson.mapper().createObjectNode().put("room_version", version.id()));
        }
        return memberTemplate(origin, room, version, userId, "join");
    }

    /**
     * The template of a knock on this room for {@code userId}, a user of {@code origin} ({@code make_knock}): as
     * {@link #joinTemplate}, refused with {@code M_INCOMPATIBLE_ROOM_VERSION} when the origin does not support the
     * room's version or the version has no knocking, {@code M_FORBIDDEN} when the room's join rule is neither
     * {@code knock} nor {@code knock_restricted} or the rules would refuse the knock now (banned, joined).
     */
    public ObjectNode knockTemplate(String origin, String roomId, String userId, List<String> versions) {
        Room room = storage.room(roomId).filter(r -> rooms.holds(roomId))
                .orElseThrow(() -> new MatrixException(404, ErrorCodes.M_NOT_FOUND, "unknown room " + roomId));
        RoomVersion version = RoomService.version(room);
        if (!versions.contains(version.id()) || !version.has(dev.mxspec.homeserver.rooms.RoomFeature.KNOCKING)) {
            throw new MatrixException(400, ErrorCodes.M_INCOMPATIBLE_ROOM_VERSION, "the room's version " + version.id()
                    + (versions.contains(version.id()) ? " has no knocking" : " is not among the versions you support"),
                    MatrixJson.mapper().createObjectNode().put("room_version", version.id()));
        }
        String rule = Optional.ofNullable(rooms.stateJson(roomId).get(List.of("m.room.join_rules", "")))
                .map(e -> e.path("content").path("join_rule").asText()).orElse("invite");
        if (!rule.equals("knock") && !rule.equals("knock_restricted")) {
            throw MatrixException.forbidden("the room's join rule is " + rule + ": it takes no knocks");
        }
        return memberTemplate(origin, room, version, userId, "knock");
    }

    /**
     * The template of a leave of this room for {@code userId}, a user of {@code origin} ({@code make_leave}): as
     * {@link #joinTemplate}, refused with {@code M_FORBIDDEN} when the user could not leave (neither invited nor joined).
     */
    public ObjectNode leaveTemplate(String origin, String roomId, String userId) {
        Room room = storage.room(roomId).filter(r -> rooms.holds(roomId))
                .orElseThrow(() -> new MatrixException(404, ErrorCodes.M_NOT_FOUND, "unknown room " + roomId));
        return memberTemplate(origin, room, RoomService.version(room), userId, "leave");
    }

    private ObjectNode memberTemplate(String origin, Room room, RoomVersion version, String userId, String membership) {
        String roomId = room.roomId();
        if (!MatrixIds.serverOf(userId).equals(Optional.of(origin))) {
            throw MatrixException.forbidden("the " + membership + " is for a user of another server than " + origin);
        }
        ReentrantLock lock = locks.computeIfAbsent(roomId, r -> new ReentrantLock());
        lock.lock();
        try {
            RoomGraph.Head head = graph.head(roomId, version);
            RoomGraph.Position at = graph.position(roomId, version, head);
            ObjectNode pdu = MatrixJson.mapper().createObjectNode();
            pdu.put("room_id", roomId);
            pdu.put("sender", userId);
            pdu.put("type", "m.room.member");
            pdu.put("state_key", userId);
            ObjectNode content = pdu.putObject("content").put("membership", membership);
            if (membership.equals("join")) {
                RestrictedJoins.authoriser(at.state(), RoomService.levels(at.state(), room.creator()), version, userId, rooms::holds,
                        (r, u) -> rooms.membership(r, u).orElse("leave"), u -> MatrixIds.serverOf(u).equals(Optional.of(serverName)))
                        .ifPresent(a -> content.put(AUTHORISER, a));
            }
            pdu.put("origin", origin);
            pdu.put("origin_server_ts", clock.getAsLong());
            pdu.put("depth", at.depth());
            ArrayNode prev = pdu.putArray("prev_events");
            at.prevEvents().forEach(prev::add);
            ArrayNode auth = pdu.putArray("auth_events");
            RoomService.authEvents(RoomService.Draft.state("m.room.member", userId, content), userId, at.state()).forEach(auth::add);
            if (content.has(AUTHORISER)) { // checked as it will be sent: with this server's signature as the authoriser's
                try {
                    rules.authorize(rules.cosign(pdu, version.id()), at.state(), version.id());
                } catch (MatrixException refused) {
                    boolean banned = Optional.ofNullable(at.state().get(List.of("m.room.member", userId)))
                            .filter(m -> m.path("content").path("membership").asText().equals("ban")).isPresent();
                    throw banned ? refused : new MatrixException(400, RestrictedJoins.UNABLE_TO_GRANT, "the join this server would vouch for would be refused: "
                            + refused.error());
                }
            } else if (AuthRules.check(pdu, RoomGraph.authState(pdu, version, at.state(), ServerKeys.none()), version)
                    instanceof AuthResult.Refused refused) {
                throw MatrixException.forbidden("the " + membership + " would be refused: " + refused.reason());
            }
            return MatrixJson.mapper().createObjectNode().put("room_version", version.id()).set("event", pdu);
        } finally {
            lock.unlock();
        }
    }

    /**
     * An event template another server made for a local user ({@code make_join}, {@code make_leave}), hashed and
     * signed by this server, ready to send back. {@code M_FORBIDDEN} for a template whose sender is not local.
     */
    public ObjectNode signTemplate(ObjectNode template, String roomVersion) {
        if (!MatrixIds.serverOf(template.path("sender").asText()).equals(Optional.of(serverName))) {
            throw MatrixException.forbidden("the template is not for a user of this server");
        }
        ObjectNode pdu = template.deepCopy();
        pdu.remove(List.of("hashes", "signatures", "unsigned", "event_id"));
        pdu.put("origin", serverName);
        rules.seal(pdu, roomVersion);
        return pdu;
    }

    /**
     * Takes in the join of a user of {@code origin} made from {@link #joinTemplate} ({@code send_join}): checked
     * like any event from another server, then answered with the room's state before it and that state's auth chain,
     * and the servers in the room. A join that names a user of this server as {@code join_authorised_via_users_server}
     * is signed here first (the auth rules check that user may vouch for it), and answered as {@code event}.
     * With {@code omitMembers} the state leaves out the memberships a client does not need ({@link PartialState}),
     * and says so with {@code members_omitted}. {@code M_FORBIDDEN} when the event is not that user's own join, or
     * the rules reject or soft-fail it; {@code M_BAD_JSON} when it is not the event named.
     */
    public ObjectNode acceptJoin(String origin, String roomId, String eventId, ObjectNode join, ServerKeys keys, boolean omitMembers) {
        Room room = rooms.room(roomId);
        RoomVersion version = RoomService.version(room);
        requireOwnMembership(origin, roomId, eventId, join, "join", version);
        ObjectNode event = join;
        Optional<String> authoriser = new PduView(join).contentText(AUTHORISER);
        if (authoriser.isPresent() && version.has(dev.mxspec.homeserver.rooms.RoomFeature.RESTRICTED_JOINS)
                && MatrixIds.serverOf(authoriser.get()).equals(Optional.of(serverName))) {
            if (!rooms.localUser(authoriser.get())) {
                throw MatrixException.forbidden(authoriser.get() + " is no user of this server to vouch for the join");
            }
            event = rules.cosign(join, version.id());
        }
        Received r = federation.receive(event, keys);
        if (r.status().isPresent()) {
            throw MatrixException.forbidden("the join was " + r.status().get().column() + ": " + r.reason());
        }
        rooms.relay(roomId, eventId, event); // as signed here: other servers check the authoriser's signature
        GraphRow joinRow = storage.graphRow(eventId).orElseThrow();
        long group = joinRow.stateBefore().orElseThrow();
        List<GraphRow> stateRows = storage.graphRows(List.copyOf(graph.groups().state(group).values()));
        List<GraphRow> chainRows = storage.authChain(stateRows);
        if (omitMembers) {
            PartialState.Answer partial = PartialState.of(stateRows, joinRow, new PduView(join).sender(), storage::authChain);
            stateRows = partial.state();
            chainRows = partial.authChain();
        }
        ObjectNode answer = MatrixJson.mapper().createObjectNode();
        answer.put("origin", serverName);
        answer.put("members_omitted", omitMembers);
        ArrayNode state = answer.putArray("state");
        stateRows.forEach(e -> state.add(federationFormat(e)));
        ArrayNode chain = answer.putArray("auth_chain");
        chainRows.forEach(e -> chain.add(federationFormat(e)));
        if (event != join) {
            answer.set("event", event);
        }
        java.util.SortedSet<String> servers = new java.util.TreeSet<>(); // the join is in the room's current memberships now
        rooms.members(roomId).stream().filter(m -> m.membership().equals("join"))
                .forEach(m -> MatrixIds.serverOf(m.userId()).ifPresent(servers::add));
        ArrayNode inRoom = answer.putArray("servers_in_room");
        servers.forEach(inRoom::add);
        return answer;
    }

    /**
     * Takes in the knock of a user of {@code origin} made from {@link #knockTemplate} ({@code send_knock}): checked
     * as {@link #acceptJoin} checks a join, and answered with the stripped state that lets the knocking user know
     * the room ({@code knock_room_state}).
     */
    public List<ObjectNode> acceptKnock(String origin, String roomId, String eventId, ObjectNode knock, ServerKeys keys) {
        Room room = storage.room(roomId).filter(r -> rooms.holds(roomId))
                .orElseThrow(() -> new MatrixException(404, ErrorCodes.M_NOT_FOUND, "unknown room " + roomId));
        requireOwnMembership(origin, roomId, eventId, knock, "knock", RoomService.version(room));
        Received r = federation.receive(knock, keys);
        if (r.status().isPresent()) {
            throw MatrixException.forbidden("the knock was " + r.status().get().column() + ": " + r.reason());
        }
        rooms.relay(roomId, eventId, knock);
        return RoomService.strippedState(rooms.stateJson(roomId), new PduView(knock).sender());
    }

    /** Refuses what is not the own {@code membership} event of a user of {@code origin} in the room, named {@code eventId}. */
    private static void requireOwnMembership(String origin, String roomId, String eventId, ObjectNode event, String membership,
            RoomVersion version) {
        PduView view = new PduView(event);
        if (!view.roomId().equals(roomId) || !view.type().equals("m.room.member")
                || !view.membership().equals(Optional.of(membership)) || !view.stateKey().equals(Optional.of(view.sender()))
                || !MatrixIds.serverOf(view.sender()).equals(Optional.of(origin))) {
            throw MatrixException.forbidden("not the " + membership + " of a user of " + origin + " to " + roomId);
        }
        if (!EventIds.of(event, version).equals(Optional.of(eventId))) {
            throw new MatrixException(400, ErrorCodes.M_BAD_JSON, "the event's ID is not " + eventId);
        }
    }

    /**
     * Takes in the leave of a user of {@code origin} made from {@link #leaveTemplate} ({@code send_leave}): checked
     * like any event from another server. {@code M_FORBIDDEN} when the event is not that user's own leave of the
     * room, or the rules reject or soft-fail it; {@code M_BAD_JSON} when it is not the event named.
     */
    public void acceptLeave(String origin, String roomId, String eventId, ObjectNode leave, ServerKeys keys) {
        PduView view = new PduView(leave);
        if (!view.roomId().equals(roomId) || !view.type().equals("m.room.member")
                || !view.membership().equals(Optional.of("leave")) || !view.stateKey().equals(Optional.of(view.sender()))
                || !MatrixIds.serverOf(view.sender()).equals(Optional.of(origin))) {
            throw MatrixException.forbidden("not the leave of a user of " + origin + " from " + roomId);
        }
        Room room = storage.room(roomId).filter(r -> rooms.holds(roomId))
                .orElseThrow(() -> new MatrixException(404, ErrorCodes.M_NOT_FOUND, "unknown room " + roomId));
        if (!EventIds.of(leave, RoomService.version(room)).equals(Optional.of(eventId))) {
            throw new MatrixException(400, ErrorCodes.M_BAD_JSON, "the event's ID is not " + eventId);
        }
        Received r = federation.receive(leave, keys);
        if (r.status().isPresent()) {
            throw MatrixException.forbidden("the leave was " + r.status().get().column() + ": " + r.reason());
        }
        rooms.relay(roomId, eventId, leave);
    }

    /**
     * Takes in an invite of a local user from another server ({@code invite}), already checked to be one: valid for
     * {@code roomVersion} ({@code M_BAD_JSON}), signed by its sender's server ({@code M_FORBIDDEN}); then co-signed
     * here and kept. To a room this server holds, it is received as any event; else the room is recorded with its
     * version, and the invite kept outside the graph with the user's membership and {@code inviteRoomState}, the
     * stripped state the user sees until he joins. Returns the co-signed invite.
     */
    public ObjectNode acceptInvite(ObjectNode invite, String roomVersion, ArrayNode inviteRoomState, ServerKeys keys) {
        RoomVersion version = RoomVersions.of(roomVersion).orElseThrow(() -> new MatrixException(400,
                ErrorCodes.M_INCOMPATIBLE_ROOM_VERSION, "room version " + roomVersion + " is not supported"));
        String roomId = invite.path("room_id").asText("");
        Optional<Room> known = storage.room(roomId);
        if (known.isPresent() && !known.get().roomVersion().equals(version.id())) {
            throw new MatrixException(400, ErrorCodes.M_BAD_JSON, "the room's version is " + known.get().roomVersion() + ", not " + roomVersion);
        }
        String creator = java.util.stream.StreamSupport.stream(inviteRoomState.spliterator(), false)
                .filter(e -> e.path("type").asText().equals("m.room.create")).map(e -> e.path("sender").asText())
                .filter(c -> !c.isEmpty()).findFirst().orElse(invite.path("sender").asText());
        Room room = known.orElseGet(() -> new Room(roomId, version.id(), creator, false, clock.getAsLong()));
        Incoming in = federation.checked(room, version, invite, keys);
        ObjectNode signed = rules.cosign(in.pdu(), version.id());
        if (rooms.participates(roomId)) {
            Received r = federation.receive(signed, keys);
            if (r.status().isPresent()) {
                throw MatrixException.forbidden("the invite was " + r.status().get().column() + ": " + r.reason());
            }
            return signed;
        }
        if (known.isEmpty()) {
            storage.createRoom(room);
        }
        ObjectNode kept = signed.deepCopy();
        kept.putObject("unsigned").set("invite_room_state", inviteRoomState.deepCopy());
        federation.keepOutside(rooms.room(roomId), version, kept, in.eventId());
        return signed;
    }

    /**
     * Keeps the leave of a local user from a room this server does not hold, taken by a server of the room
     * ({@code send_leave}): the user's membership becomes that leave. Of a room unknown here (a guest's join left
     * again at once) nothing is kept: the user had no membership here to end.
     */
    public void keepRemoteLeave(ObjectNode leave, ServerKeys keys) {
        if (storage.room(leave.path("room_id").asText("")).isEmpty()) {
            return;
        }
        Incoming in = federation.incoming(leave, keys);
        if (in.known().isEmpty()) {
            federation.keepOutside(in.room(), in.version(), in.pdu(), in.eventId());
        }
    }

    /**
     * Keeps the knock of a local user on a room this server does not hold, taken by a server of the room
     * ({@code send_knock}), with the stripped state that server answered, which the user sees until his knock is
     * answered. The room is recorded with its version when it is new here.
     */
    public void keepRemoteKnock(ObjectNode knock, String roomVersion, ArrayNode knockRoomState, ServerKeys keys) {
        RoomVersion version = RoomVersions.of(roomVersion).orElseThrow(() -> new MatrixException(400, ErrorCodes.M_UNSUPPORTED_ROOM_VERSION,
                "room version " + roomVersion + " is not supported"));
        String roomId = knock.path("room_id").asText("");
        if (storage.room(roomId).isEmpty()) {
            String creator = java.util.stream.StreamSupport.stream(knockRoomState.spliterator(), false)
                    .filter(e -> e.path("type").asText().equals("m.room.create")).map(e -> e.path("sender").asText())
                    .filter(c -> !c.isEmpty()).findFirst().orElse(knock.path("sender").asText());
            storage.createRoom(new Room(roomId, version.id(), creator, false, clock.getAsLong()));
        }
        Incoming in = federation.incoming(knock, keys);
        if (in.known().isEmpty()) {
            ObjectNode kept = in.pdu().deepCopy();
            kept.putObject("unsigned").set("knock_room_state", knockRoomState.deepCopy());
            federation.keepOutside(in.room(), in.version(), kept, in.eventId());
        }
    }

    /** A stored event as servers exchange it: the PDU without what this server added for its clients. */
    private static ObjectNode federationFormat(GraphRow e) {
        ObjectNode pdu = (ObjectNode) ClientEvents.parse(e.json()).deepCopy();
        pdu.remove("unsigned");
        return pdu;
    }

    /**
     * Takes in the first event of a room joined through another server, {@code join}, with the state before it and
     * the auth chain of that state as the resident server gave them ({@code send_join}): the room is recorded, the
     * auth chain and the state kept as outliers (each checked on its own auth events), then the join placed with
     * that state before it; it becomes the room's current state and its first timeline event here.
     *
     * @throws MatrixException {@code M_FORBIDDEN} when the join fails the rules on that state, or the state and
     *     auth chain do not hold what the checks need
     */
    public String adoptJoinedRoom(String roomId, String roomVersion, ObjectNode join, List<ObjectNode> state, List<ObjectNode> authChain,
            ServerKeys keys) {
        RoomVersion version = RoomVersions.of(roomVersion).orElseThrow(() -> new MatrixException(400, ErrorCodes.M_UNSUPPORTED_ROOM_VERSION,
                "room version " + roomVersion + " is not supported"));
        ObjectNode create = state.stream()
                .filter(e -> e.path("type").asText().equals("m.room.create") && e.path("state_key").asText("x").isEmpty())
                .findFirst().orElseThrow(() -> MatrixException.forbidden("the room's state has no m.room.create event"));
        if (storage.room(roomId).isEmpty()) {
            storage.createRoom(new Room(roomId, version.id(), create.path("sender").asText(), false, clock.getAsLong()));
        }
        List<ObjectNode> outliers = new ArrayList<>(authChain);
        outliers.addAll(state);
        outliers.sort(Comparator.comparingLong(e -> e.path("depth").asLong()));
        Map<dev.mxspec.homeserver.rooms.StateKey, String> before = new LinkedHashMap<>();
        try {
            for (ObjectNode e : outliers) {
                Received r = federation.receiveOutlier(e, keys);
                if (r.status().equals(Optional.of(EventStatus.REJECTED))) {
                    throw MatrixException.forbidden("the resident server's state holds an event that fails its auth events: "
                            + r.eventId());
                }
            }
            for (ObjectNode e : state) {
                before.put(new dev.mxspec.homeserver.rooms.StateKey(e.path("type").asText(), e.path("state_key").asText()),
                        EventIds.of(e, version).orElseThrow());
            }
        } catch (MissingEventException missing) {
            throw MatrixException.forbidden("the resident server's auth chain lacks " + missing.eventId());
        }
        Room room = rooms.room(roomId);
        Incoming in = federation.incoming(join, keys);
        ObjectNode pdu = in.pdu();
        ReentrantLock lock = locks.computeIfAbsent(roomId, r -> new ReentrantLock());
        lock.lock();
        try {
            if (graph.checkAuthEvents(roomId, version, pdu, keys).isPresent()) {
                throw MatrixException.forbidden("the join fails the rules on its auth events");
            }
            List<ObjectNode> read = new ArrayList<>();
            AuthEvents.selection(pdu, version).stream().map(before::get).filter(java.util.Objects::nonNull)
                    .forEach(id -> storage.event(id).ifPresent(e -> read.add((ObjectNode) ClientEvents.parse(e.json()))));
            if (AuthRules.check(pdu, AuthState.of(read, keys), version) instanceof AuthResult.Refused refused) {
                throw MatrixException.forbidden("the join fails the rules on the state before it: " + refused.reason());
            }
            RoomGraph.Head head = graph.head(roomId, version);
            PduView view = new PduView(pdu);
            long pos = stream.next(RoomService.changes(roomId, view.type(), view.stateKey(), view.content(), false));
            try {
                RoomGraph.Placement placed = graph.placeWithState(roomId, head, pdu, in.eventId(), before, pos);
                rooms.persist(room, RoomService.stored(pdu, in.eventId(), pos, Optional.empty()), pdu, placed,
                        new Notifications.Outcome(List.of(), List.of()), Optional.empty());
            } finally {
                stream.done(pos);
            }
            rooms.wake(roomId, view.type(), view.stateKey());
            return in.eventId();
        } finally {
            lock.unlock();
        }
    }
}
