package dev.mxspec.homeserver.api;

import static dev.mxspec.homeserver.api.Handlers.caller;
import static dev.mxspec.homeserver.api.Handlers.empty;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.core.Caller;
import dev.mxspec.homeserver.core.Ids;
import dev.mxspec.homeserver.services.Aliases;
import dev.mxspec.homeserver.services.ClientEvents;
import dev.mxspec.homeserver.services.RateLimiter;
import dev.mxspec.homeserver.services.RoomReads;
import dev.mxspec.homeserver.services.RoomService;
import dev.mxspec.homeserver.services.RoomService.Draft;
import dev.mxspec.homeserver.storage.Records.Membership;
import dev.mxspec.homeserver.storage.Records.StoredEvent;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.runtime.server.RequestContext;
import dev.mxspec.spec.v1_7.clientserver.ClientEvent;
import dev.mxspec.spec.v1_7.clientserver.CreateRoomRequest;
import dev.mxspec.spec.v1_7.clientserver.CreateRoomRequestInitialState;
import dev.mxspec.spec.v1_7.clientserver.CreateRoomResponse;
import dev.mxspec.spec.v1_7.clientserver.GetJoinedMembersByRoomResponse;
import dev.mxspec.spec.v1_7.clientserver.GetJoinedRoomsResponse;
import dev.mxspec.spec.v1_7.clientserver.GetMembersByRoomResponse;
import dev.mxspec.spec.v1_7.clientserver.GetRoomEventsResponse;
import dev.mxspec.spec.v1_7.clientserver.JoinRoomByIdResponse;
import dev.mxspec.spec.v1_7.clientserver.JoinRoomResponse;
import dev.mxspec.spec.v1_7.clientserver.RedactEventResponse;
import dev.mxspec.spec.v1_7.clientserver.RoomMember;
import dev.mxspec.spec.v1_7.clientserver.SendMessageResponse;
import dev.mxspec.spec.v1_7.clientserver.SetRoomStateWithKeyResponse;
import dev.mxspec.spec.v1_7.clientserver.endpoints.Ban;
import dev.mxspec.spec.v1_7.clientserver.endpoints.CreateRoom;
import dev.mxspec.spec.v1_7.clientserver.endpoints.ForgetRoom;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetJoinedMembersByRoom;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetJoinedRooms;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetMembersByRoom;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetOneRoomEvent;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetRoomEvents;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetRoomState;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetRoomStateWithKey;
import dev.mxspec.spec.v1_7.clientserver.endpoints.InviteUser;
import dev.mxspec.spec.v1_7.clientserver.endpoints.JoinRoom;
import dev.mxspec.spec.v1_7.clientserver.endpoints.JoinRoomById;
import dev.mxspec.spec.v1_7.clientserver.endpoints.Kick;
import dev.mxspec.spec.v1_7.clientserver.endpoints.LeaveRoom;
import dev.mxspec.spec.v1_7.clientserver.endpoints.RedactEvent;
import dev.mxspec.spec.v1_7.clientserver.endpoints.SendMessage;
import dev.mxspec.spec.v1_7.clientserver.endpoints.SetRoomStateWithKey;
import dev.mxspec.spec.v1_7.clientserver.endpoints.Unban;
import dev.mxspec.spec.v1_7.clientserver.server.BanningHandler;
import dev.mxspec.spec.v1_7.clientserver.server.CreateRoomHandler;
import dev.mxspec.spec.v1_7.clientserver.server.InvitingHandler;
import dev.mxspec.spec.v1_7.clientserver.server.JoiningHandler;
import dev.mxspec.spec.v1_7.clientserver.server.KickingHandler;
import dev.mxspec.spec.v1_7.clientserver.server.LeavingHandler;
import dev.mxspec.spec.v1_7.clientserver.server.ListJoinedRoomsHandler;
import dev.mxspec.spec.v1_7.clientserver.server.MessagePaginationHandler;
import dev.mxspec.spec.v1_7.clientserver.server.RedactionHandler;
import dev.mxspec.spec.v1_7.clientserver.server.RoomSendHandler;
import dev.mxspec.spec.v1_7.clientserver.server.RoomStateHandler;
import dev.mxspec.spec.v1_7.clientserver.server.RoomsHandler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/** Rooms: creating, sending, state, history, membership, redaction. */
public final class RoomHandlers implements CreateRoomHandler, RoomSendHandler, RoomStateHandler, RoomsHandler, MessagePaginationHandler,
        JoiningHandler, InvitingHandler, LeavingHandler, KickingHandler, BanningHandler, ListJoinedRoomsHandler, RedactionHandler {

    private final RoomService rooms;
    private final RoomReads reads;
    private final Aliases aliases;
    private final RateLimiter sends;
    private final LongSupplier clock;

    public RoomHandlers(RoomService rooms, RoomReads reads, Aliases aliases, RateLimiter sends, LongSupplier clock) {
        this.rooms = rooms;
        this.reads = reads;
        this.aliases = aliases;
        this.sends = sends;
        this.clock = clock;
    }


    private static ObjectNode object(JsonNode node, String what) {
        if (!(node instanceof ObjectNode o)) {
            throw MatrixException.badJson(what + " must be a JSON object");
        }
        return o;
    }

    private ClientEvent client(StoredEvent e, Caller caller) {
        return ClientEvents.typed(e, caller.userId(), caller.transactionScope(), clock.getAsLong());
    }

    @Override
    public CreateRoomResponse createRoom(RequestContext context, CreateRoom.Request request) {
        Caller caller = caller(context);
        CreateRoomRequest body = request.body();
        String version = body.roomVersion().orElse(rooms.rules().defaultVersion());
        body.invite().orElse(List.of()).forEach(u -> Ids.requireUserId(u, "invite"));
        String preset = body.preset().map(p -> p.value())
                .orElse(body.visibility().map(v -> v.value()).orElse("private").equals("public") ? "public_chat" : "private_chat");
        List<Draft> events = new ArrayList<>();
        ObjectNode create = body.creationContent().map(c -> object(c, "creation_content").deepCopy()).orElseGet(MatrixJson.mapper()::createObjectNode);
        create.put("creator", caller.userId());
        create.put("room_version", version);
        events.add(Draft.state("m.room.create", "", create));
        events.add(Draft.state("m.room.member", caller.userId(), rooms.memberContent(caller.userId(), "join")));
        ObjectNode power = MatrixJson.mapper().createObjectNode();
        power.putObject("users").put(caller.userId(), 100);
        if (preset.equals("trusted_private_chat")) {
            body.invite().orElse(List.of()).forEach(u -> power.withObjectProperty("users").put(u, 100));
        }
        power.put("users_default", 0).put("events_default", 0).put("state_default", 50).put("ban", 50).put("kick", 50)
                .put("redact", 50).put("invite", preset.equals("public_chat") ? 0 : 0);
        ObjectNode eventLevels = power.putObject("events");
        eventLevels.put("m.room.name", 50).put("m.room.power_levels", 100).put("m.room.history_visibility", 100)
                .put("m.room.canonical_alias", 50).put("m.room.avatar", 50).put("m.room.tombstone", 100).put("m.room.server_acl", 100)
                .put("m.room.encryption", 100);
        body.powerLevelContentOverride().ifPresent(o -> power.setAll(object(o, "power_level_content_override")));
        events.add(Draft.state("m.room.power_levels", "", power));
        Optional<String> alias = body.roomAliasName().map(a -> "#" + a + ":" + caller.userId().substring(caller.userId().indexOf(':') + 1));
        alias.ifPresent(a -> events.add(Draft.state("m.room.canonical_alias", "", MatrixJson.mapper().createObjectNode().put("alias", a))));
        events.add(Draft.state("m.room.join_rules", "", MatrixJson.mapper().createObjectNode()
                .put("join_rule", preset.equals("public_chat") ? "public" : "invite")));
        events.add(Draft.state("m.room.history_visibility", "", MatrixJson.mapper().createObjectNode().put("history_visibility", "shared")));
        if (!preset.equals("public_chat")) {
            events.add(Draft.state("m.room.guest_access", "", MatrixJson.mapper().createObjectNode().put("guest_access", "can_join")));
        }
        for (CreateRoomRequestInitialState s : body.initialState().orElse(List.of())) {
            events.add(Draft.state(s.type(), s.stateKey().orElse(""), object(s.content(), "initial_state content")));
        }
        body.name().ifPresent(n -> events.add(Draft.state("m.room.name", "", MatrixJson.mapper().createObjectNode().put("name", n))));
        body.topic().ifPresent(t -> events.add(Draft.state("m.room.topic", "", MatrixJson.mapper().createObjectNode().put("topic", t))));
        for (String invitee : body.invite().orElse(List.of())) {
            ObjectNode content = rooms.memberContent(invitee, "invite");
            if (body.isDirect().orElse(false)) {
                content.put("is_direct", true);
            }
            events.add(Draft.state("m.room.member", invitee, content));
        }
        boolean published = body.visibility().map(v -> v.value().equals("public")).orElse(false);
        alias.ifPresent(aliases::requireFree);
        alias.ifPresent(a -> aliases.requireNotHeld(a, caller));
        String roomId = rooms.create(caller.userId(), version, events, published);
        alias.ifPresent(a -> aliases.create(a, roomId, caller.userId()));
        return new CreateRoomResponse(roomId, Map.of());
    }

    @Override
    public SendMessageResponse sendMessage(RequestContext context, SendMessage.Request request) {
        Caller caller = caller(context);
        if (caller.rateLimited()) {
            sends.take("send:" + caller.userId());
        }
        // no membership check here: the auth rules refuse non-members, after a repeated transaction ID is answered
        String eventId = rooms.send(caller.userId(), Optional.of(caller.transactionScope()), request.roomId(),
                Draft.message(request.eventType(), object(request.body(), "event content")).at(timestamp(context, caller)),
                Optional.of(request.txnId()));
        return new SendMessageResponse(eventId, Map.of());
    }

    @Override
    public SetRoomStateWithKeyResponse setRoomStateWithKey(RequestContext context, SetRoomStateWithKey.Request request) {
        Caller caller = caller(context);
        ObjectNode content = object(request.body(), "state content");
        if (request.eventType().equals("m.room.member")) {
            return new SetRoomStateWithKeyResponse(memberState(caller, request.roomId(), request.stateKey(), content,
                    timestamp(context, caller)), Map.of());
        }
        rooms.requireMember(request.roomId(), caller.userId());
        if (request.eventType().equals("m.room.canonical_alias")) {
            aliases.checkCanonicalAlias(request.roomId(), content);
        }
        String eventId = rooms.send(caller.userId(), Optional.of(caller.transactionScope()), request.roomId(),
                Draft.state(request.eventType(), request.stateKey(), content).at(timestamp(context, caller)), Optional.empty());
        return new SetRoomStateWithKeyResponse(eventId, Map.of());
    }

    /**
     * {@code PUT /state/m.room.member/{userId}}: a membership event with the client's own content
     * (a per-room display name or avatar, say), judged by the auth rules like any other.
     */
    private String memberState(Caller caller, String roomId, String target, ObjectNode content, Optional<Long> timestamp) {
        Ids.requireUserId(target, "stateKey");
        String membership = content.path("membership").asText("");
        if (!List.of("join", "invite", "leave", "ban", "knock").contains(membership)) {
            throw MatrixException.badJson("membership must be one of join, invite, leave, ban, knock");
        }
        if (membership.equals("leave") && !target.equals(caller.userId())) {
            requireKickable(roomId, target);
        }
        rooms.room(roomId);
        return rooms.send(caller.userId(), Optional.of(caller.transactionScope()), roomId,
                Draft.state("m.room.member", target, content).at(timestamp), Optional.empty());
    }

    /**
     * The {@code ts} an application service gives an event ("Timestamp massaging"): a whole number of milliseconds that
     * fits {@code origin_server_ts} (0 to 2^53 - 1), else {@code 400 M_INVALID_PARAM}; ignored on other callers' requests,
     * as Synapse ignores it.
     */
    static Optional<Long> timestamp(RequestContext context, Caller caller) {
        Optional<String> ts = context.request().queryValue("ts");
        if (ts.isEmpty() || !caller.isAppService()) {
            return Optional.empty();
        }
        try {
            long value = Long.parseLong(ts.get());
            if (value >= 0 && value <= (1L << 53) - 1) {
                return Optional.of(value);
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw MatrixException.invalidParam("ts", "expected a timestamp in milliseconds, from 0 to 2^53 - 1");
    }

    @Override
    public JsonNode getRoomStateWithKey(RequestContext context, GetRoomStateWithKey.Request request) {
        RoomReads.View view = reads.view(caller(context).userId(), request.roomId());
        StoredEvent event = reads.state(view).stream()
                .filter(e -> e.type().equals(request.eventType()) && e.stateKey().orElse("").equals(request.stateKey())).findFirst()
                .orElseThrow(() -> new MatrixException(404, ErrorCodes.M_NOT_FOUND, "no " + request.eventType() + " state with that key"));
        ObjectNode json = ClientEvents.of(event, caller(context).userId(), caller(context).transactionScope(), clock.getAsLong(), true);
        // format=event (later spec versions, and what clients ask for) gives the whole event
        return context.request().queryValue("format").filter("event"::equals).isPresent() ? json : json.get("content");
    }

    @Override
    public List<ClientEvent> getRoomState(RequestContext context, GetRoomState.Request request) {
        Caller caller = caller(context);
        return reads.state(reads.view(caller.userId(), request.roomId())).stream().map(e -> client(e, caller)).toList();
    }

    @Override
    public ClientEvent getOneRoomEvent(RequestContext context, GetOneRoomEvent.Request request) {
        Caller caller = caller(context);
        RoomReads.View view;
        try {
            view = reads.view(caller.userId(), request.roomId());
        } catch (MatrixException refused) { // the spec hides an event the caller may not see with 404, room or no room
            throw new MatrixException(404, ErrorCodes.M_NOT_FOUND, "no such event");
        }
        return reads.clientEvents(view, caller.transactionScope(), List.of(reads.event(view, request.eventId())), clock.getAsLong()).getFirst();
    }

    @Override
    public GetMembersByRoomResponse getMembersByRoom(RequestContext context, GetMembersByRoom.Request request) {
        Caller caller = caller(context);
        RoomReads.View view = reads.view(caller.userId(), request.roomId());
        List<StoredEvent> state = request.at().isPresent() ? reads.stateAt(view, Tokens.pagination(request.at().get())) : reads.state(view);
        List<ClientEvent> chunk = new ArrayList<>();
        for (StoredEvent e : state) {
            if (e.type().equals("m.room.member")) {
                String membership = ClientEvents.of(e, caller.userId(), caller.transactionScope(), 0, true).path("content").path("membership").asText();
                if (request.membership().map(m -> m.value().equals(membership)).orElse(true)
                        && request.notMembership().map(m -> !m.value().equals(membership)).orElse(true)) {
                    chunk.add(client(e, caller));
                }
            }
        }
        return new GetMembersByRoomResponse(Optional.of(chunk), Map.of());
    }

    @Override
    public GetJoinedMembersByRoomResponse getJoinedMembersByRoom(RequestContext context, GetJoinedMembersByRoom.Request request) {
        Caller caller = caller(context);
        Map<String, RoomMember> joined = new LinkedHashMap<>();
        for (StoredEvent e : reads.state(reads.view(caller.userId(), request.roomId()))) {
            JsonNode content = ClientEvents.of(e, caller.userId(), caller.transactionScope(), 0, false).path("content");
            if (e.type().equals("m.room.member") && content.path("membership").asText().equals("join")) {
                joined.put(e.stateKey().orElse(""), new RoomMember(Optional.ofNullable(content.path("displayname").textValue()),
                        Optional.ofNullable(content.path("avatar_url").textValue()), Map.of()));
            }
        }
        return new GetJoinedMembersByRoomResponse(Optional.of(joined), Map.of());
    }

    @Override
    public GetRoomEventsResponse getRoomEvents(RequestContext context, GetRoomEvents.Request request) {
        Caller caller = caller(context);
        RoomReads.View view = reads.view(caller.userId(), request.roomId());
        boolean backwards = request.dir().value().equals("b");
        long from = request.from().map(Tokens::pagination).orElse(backwards ? rooms.streamPosition() : 0L);
        int limit = (int) Math.max(1, Math.min(1000, request.limit().orElse(10L)));
        Optional<Long> to = request.to().map(Tokens::pagination);
        RoomReads.Page page = backwards
                ? to.isPresent() ? reads.history(view, to.get(), from, limit, true) : reads.historyBefore(view, from, limit)
                : reads.history(view, from, to.orElse(Long.MAX_VALUE), limit, false);
        List<ClientEvent> chunk = reads.clientEvents(view, caller.transactionScope(), page.events(), clock.getAsLong());
        return new GetRoomEventsResponse(Tokens.token(from), page.next().map(Tokens::token), chunk, Optional.empty(), Map.of());
    }

    @Override
    public JoinRoomResponse joinRoom(RequestContext context, JoinRoom.Request request) {
        String target = request.roomIdOrAlias();
        List<String> servers = new java.util.ArrayList<>(request.serverName());
        String roomId;
        if (target.startsWith("#")) {
            Aliases.Resolved resolved = aliases.resolveWithServers(target);
            roomId = resolved.roomId();
            servers.addAll(resolved.servers());
        } else {
            roomId = Ids.requireRoomId(target, "roomIdOrAlias");
        }
        rooms.join(caller(context), roomId, servers, request.body().reason(), request.body().additionalProperties());
        return new JoinRoomResponse(roomId, Map.of());
    }

    @Override
    public JoinRoomByIdResponse joinRoomById(RequestContext context, JoinRoomById.Request request) {
        rooms.join(caller(context), request.roomId(), List.of(), request.body().reason(), request.body().additionalProperties());
        return new JoinRoomByIdResponse(request.roomId(), Map.of());
    }

    @Override
    public JsonNode inviteUser(RequestContext context, InviteUser.Request request) {
        Ids.requireUserId(request.body().userId(), "user_id");
        rooms.requireMember(request.roomId(), caller(context).userId());
        rooms.setMembership(caller(context), request.roomId(), request.body().userId(), "invite", request.body().reason());
        return MatrixJson.mapper().createObjectNode();
    }

    @Override
    public JsonNode leaveRoom(RequestContext context, LeaveRoom.Request request) {
        rooms.setMembership(caller(context), request.roomId(), caller(context).userId(), "leave", request.body().reason());
        return MatrixJson.mapper().createObjectNode();
    }

    @Override
    public JsonNode forgetRoom(RequestContext context, ForgetRoom.Request request) {
        Optional<String> membership = rooms.membership(request.roomId(), caller(context).userId());
        if (membership.map(m -> m.equals("join") || m.equals("invite") || m.equals("knock")).orElse(false)) {
            throw new MatrixException(400, ErrorCodes.M_UNKNOWN, "leave the room before forgetting it");
        }
        return MatrixJson.mapper().createObjectNode();
    }

    @Override
    public JsonNode kick(RequestContext context, Kick.Request request) {
        Ids.requireUserId(request.body().userId(), "user_id");
        rooms.requireMember(request.roomId(), caller(context).userId());
        requireKickable(request.roomId(), request.body().userId());
        rooms.setMembership(caller(context), request.roomId(), request.body().userId(), "leave", request.body().reason());
        return MatrixJson.mapper().createObjectNode();
    }

    /** Only users in the room (joined, invited or knocking) can be kicked: one who left or was banned cannot. */
    private void requireKickable(String roomId, String target) {
        String membership = rooms.membership(roomId, target).orElse("leave");
        if (!membership.equals("join") && !membership.equals("invite") && !membership.equals("knock")) {
            throw MatrixException.forbidden(target + " is not in the room");
        }
    }

    @Override
    public JsonNode ban(RequestContext context, Ban.Request request) {
        Ids.requireUserId(request.body().userId(), "user_id");
        rooms.requireMember(request.roomId(), caller(context).userId());
        rooms.setMembership(caller(context), request.roomId(), request.body().userId(), "ban", request.body().reason());
        return MatrixJson.mapper().createObjectNode();
    }

    @Override
    public JsonNode unban(RequestContext context, Unban.Request request) {
        Ids.requireUserId(request.body().userId(), "user_id");
        rooms.requireMember(request.roomId(), caller(context).userId());
        if (!rooms.membership(request.roomId(), request.body().userId()).orElse("leave").equals("ban")) {
            throw MatrixException.forbidden(request.body().userId() + " is not banned");
        }
        rooms.setMembership(caller(context), request.roomId(), request.body().userId(), "leave", request.body().reason());
        return MatrixJson.mapper().createObjectNode();
    }

    @Override
    public GetJoinedRoomsResponse getJoinedRooms(RequestContext context, GetJoinedRooms.Request request) {
        return new GetJoinedRoomsResponse(rooms.membershipsOf(caller(context).userId()).stream()
                .filter(m -> m.membership().equals("join")).map(Membership::roomId).toList(), Map.of());
    }

    @Override
    public RedactEventResponse redactEvent(RequestContext context, RedactEvent.Request request) {
        Ids.requireEventId(request.eventId(), "eventId");
        String eventId = rooms.redact(caller(context), request.roomId(), request.eventId(), request.body().reason(), request.txnId());
        return new RedactEventResponse(Optional.of(eventId), Map.of());
    }
}
