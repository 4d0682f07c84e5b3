package dev.mxspec.homeserver.api;

import static dev.mxspec.homeserver.api.Handlers.caller;
import static dev.mxspec.homeserver.api.Handlers.empty;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.core.Caller;
import dev.mxspec.homeserver.services.ClientEvents;
import dev.mxspec.homeserver.services.RateLimiter;
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
    private final RateLimiter sends;
    private final LongSupplier clock;

    public RoomHandlers(RoomService rooms, RateLimiter sends, LongSupplier clock) {
        this.rooms = rooms;
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
        return ClientEvents.typed(e, caller.userId(), caller.deviceId(), clock.getAsLong());
    }

    @Override
    public CreateRoomResponse createRoom(RequestContext context, CreateRoom.Request request) {
        Caller caller = caller(context);
        CreateRoomRequest body = request.body();
        String version = body.roomVersion().orElse(rooms.rules().defaultVersion());
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
        alias.ifPresent(a -> rooms.resolveAliasFree(a));
        String roomId = rooms.create(caller.userId(), version, events, published);
        alias.ifPresent(a -> rooms.createAlias(a, roomId, caller.userId()));
        return new CreateRoomResponse(roomId, Map.of());
    }

    @Override
    public SendMessageResponse sendMessage(RequestContext context, SendMessage.Request request) {
        Caller caller = caller(context);
        sends.take("send:" + caller.userId());
        // no membership check here: the auth rules refuse non-members, after a repeated transaction ID is answered
        String eventId = rooms.send(caller.userId(), Optional.of(caller.deviceId()), request.roomId(),
                Draft.message(request.eventType(), object(request.body(), "event content")), Optional.of(request.txnId()));
        return new SendMessageResponse(eventId, Map.of());
    }

    @Override
    public SetRoomStateWithKeyResponse setRoomStateWithKey(RequestContext context, SetRoomStateWithKey.Request request) {
        Caller caller = caller(context);
        if (request.eventType().equals("m.room.member")) {
            throw MatrixException.forbidden("membership changes go through /join, /invite, /leave, /kick and /ban");
        }
        rooms.requireMember(request.roomId(), caller.userId());
        String eventId = rooms.send(caller.userId(), Optional.of(caller.deviceId()), request.roomId(),
                Draft.state(request.eventType(), request.stateKey(), object(request.body(), "state content")), Optional.empty());
        return new SetRoomStateWithKeyResponse(eventId, Map.of());
    }

    @Override
    public JsonNode getRoomStateWithKey(RequestContext context, GetRoomStateWithKey.Request request) {
        rooms.requireMember(request.roomId(), caller(context).userId());
        ObjectNode event = rooms.stateJson(request.roomId()).get(List.of(request.eventType(), request.stateKey()));
        if (event == null) {
            throw new MatrixException(404, ErrorCodes.M_NOT_FOUND, "no " + request.eventType() + " state with that key");
        }
        return event.get("content");
    }

    @Override
    public List<ClientEvent> getRoomState(RequestContext context, GetRoomState.Request request) {
        Caller caller = caller(context);
        rooms.requireMember(request.roomId(), caller.userId());
        return rooms.stateEvents(request.roomId()).stream().map(e -> client(e, caller)).toList();
    }

    @Override
    public ClientEvent getOneRoomEvent(RequestContext context, GetOneRoomEvent.Request request) {
        Caller caller = caller(context);
        rooms.requireMember(request.roomId(), caller.userId());
        return rooms.event(request.eventId()).filter(e -> e.roomId().equals(request.roomId())).map(e -> client(e, caller))
                .orElseThrow(() -> new MatrixException(404, ErrorCodes.M_NOT_FOUND, "no such event"));
    }

    @Override
    public GetMembersByRoomResponse getMembersByRoom(RequestContext context, GetMembersByRoom.Request request) {
        Caller caller = caller(context);
        rooms.requireMember(request.roomId(), caller.userId());
        List<ClientEvent> chunk = new ArrayList<>();
        for (StoredEvent e : rooms.stateEvents(request.roomId())) {
            if (e.type().equals("m.room.member")) {
                String membership = ClientEvents.of(e, caller.userId(), caller.deviceId(), 0, true).path("content").path("membership").asText();
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
        rooms.requireMember(request.roomId(), caller(context).userId());
        Map<String, RoomMember> joined = new LinkedHashMap<>();
        for (Map.Entry<List<String>, ObjectNode> s : rooms.stateJson(request.roomId()).entrySet()) {
            JsonNode content = s.getValue().path("content");
            if (s.getKey().getFirst().equals("m.room.member") && content.path("membership").asText().equals("join")) {
                joined.put(s.getKey().get(1), new RoomMember(Optional.ofNullable(content.path("displayname").textValue()),
                        Optional.ofNullable(content.path("avatar_url").textValue()), Map.of()));
            }
        }
        return new GetJoinedMembersByRoomResponse(Optional.of(joined), Map.of());
    }

    @Override
    public GetRoomEventsResponse getRoomEvents(RequestContext context, GetRoomEvents.Request request) {
        Caller caller = caller(context);
        rooms.requireMember(request.roomId(), caller.userId());
        boolean backwards = request.dir().value().equals("b");
        long from = request.from().map(Tokens::position).orElse(backwards ? rooms.streamPosition() : 0L);
        int limit = (int) Math.max(1, Math.min(1000, request.limit().orElse(10L)));
        List<StoredEvent> events = backwards
                ? rooms.history(request.roomId(), request.to().map(Tokens::position).orElse(0L), from, limit, true)
                : rooms.history(request.roomId(), from, request.to().map(Tokens::position).orElse(Long.MAX_VALUE), limit, false);
        List<ClientEvent> chunk = events.stream().map(e -> client(e, caller)).toList();
        Optional<String> end = events.size() < limit ? Optional.empty()
                : Optional.of(Tokens.token(backwards ? events.getLast().streamPos() - 1 : events.getLast().streamPos()));
        return new GetRoomEventsResponse(Tokens.token(from), end, chunk, Optional.empty(), Map.of());
    }

    @Override
    public JoinRoomResponse joinRoom(RequestContext context, JoinRoom.Request request) {
        String target = request.roomIdOrAlias();
        String roomId = target.startsWith("#") ? rooms.resolveAlias(target) : target;
        rooms.setMembership(caller(context), roomId, caller(context).userId(), "join", request.body().reason());
        return new JoinRoomResponse(roomId, Map.of());
    }

    @Override
    public JoinRoomByIdResponse joinRoomById(RequestContext context, JoinRoomById.Request request) {
        rooms.setMembership(caller(context), request.roomId(), caller(context).userId(), "join", request.body().reason());
        return new JoinRoomByIdResponse(request.roomId(), Map.of());
    }

    @Override
    public JsonNode inviteUser(RequestContext context, InviteUser.Request request) {
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
        rooms.setMembership(caller(context), request.roomId(), request.body().userId(), "leave", request.body().reason());
        return MatrixJson.mapper().createObjectNode();
    }

    @Override
    public JsonNode ban(RequestContext context, Ban.Request request) {
        rooms.setMembership(caller(context), request.roomId(), request.body().userId(), "ban", request.body().reason());
        return MatrixJson.mapper().createObjectNode();
    }

    @Override
    public JsonNode unban(RequestContext context, Unban.Request request) {
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
        Caller caller = caller(context);
        rooms.requireMember(request.roomId(), caller.userId());
        ObjectNode content = MatrixJson.mapper().createObjectNode();
        request.body().reason().ifPresent(r -> content.put("reason", r));
        content.put("redacts", request.eventId());
        String eventId = rooms.send(caller.userId(), Optional.of(caller.deviceId()), request.roomId(),
                new Draft("m.room.redaction", Optional.empty(), content, Optional.of(request.eventId())), Optional.of("redact:" + request.txnId()));
        return new RedactEventResponse(Optional.of(eventId), Map.of());
    }
}
