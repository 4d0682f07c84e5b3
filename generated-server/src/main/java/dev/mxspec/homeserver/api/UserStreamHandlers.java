package dev.mxspec.homeserver.api;

import static dev.mxspec.homeserver.api.Handlers.caller;
import static dev.mxspec.homeserver.api.Handlers.empty;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.core.Caller;
import dev.mxspec.homeserver.core.Ids;
import dev.mxspec.homeserver.services.Notifications;
import dev.mxspec.homeserver.services.RoomService;
import dev.mxspec.homeserver.services.UserStreams;
import dev.mxspec.homeserver.storage.Records.Presence;
import dev.mxspec.homeserver.storage.Records.StoredEvent;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.runtime.server.PathGrammar;
import dev.mxspec.runtime.server.RequestContext;
import dev.mxspec.spec.v1_7.clientserver.GetPresenceResponse;
import dev.mxspec.spec.v1_7.clientserver.GetPresenceResponsePresence;
import dev.mxspec.spec.v1_7.clientserver.GetRoomTagsResponse;
import dev.mxspec.spec.v1_7.clientserver.Tag;
import dev.mxspec.spec.v1_7.clientserver.endpoints.DeleteRoomTag;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetAccountData;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetAccountDataPerRoom;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetPresence;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetRoomTags;
import dev.mxspec.spec.v1_7.clientserver.endpoints.PostReceipt;
import dev.mxspec.spec.v1_7.clientserver.endpoints.SendToDevice;
import dev.mxspec.spec.v1_7.clientserver.endpoints.SetAccountData;
import dev.mxspec.spec.v1_7.clientserver.endpoints.SetAccountDataPerRoom;
import dev.mxspec.spec.v1_7.clientserver.endpoints.SetPresence;
import dev.mxspec.spec.v1_7.clientserver.endpoints.SetReadMarker;
import dev.mxspec.spec.v1_7.clientserver.endpoints.SetRoomTag;
import dev.mxspec.spec.v1_7.clientserver.endpoints.SetTyping;
import dev.mxspec.spec.v1_7.clientserver.server.AccountDataHandler;
import dev.mxspec.spec.v1_7.clientserver.server.PresenceHandler;
import dev.mxspec.spec.v1_7.clientserver.server.ReadMarkersHandler;
import dev.mxspec.spec.v1_7.clientserver.server.ReceiptsHandler;
import dev.mxspec.spec.v1_7.clientserver.server.TagsHandler;
import dev.mxspec.spec.v1_7.clientserver.server.ToDeviceHandler;
import dev.mxspec.spec.v1_7.clientserver.server.TypingHandler;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import dev.mxspec.runtime.json.Nullable;
import java.util.Optional;
import java.util.function.LongSupplier;

/** Typing, receipts, read markers, account data, tags, presence and to-device messages. */
public final class UserStreamHandlers implements TypingHandler, ReceiptsHandler, ReadMarkersHandler, AccountDataHandler, TagsHandler,
        PresenceHandler, ToDeviceHandler {

    private final UserStreams streams;
    private final RoomService rooms;
    private final Notifications notifications;
    private final LongSupplier clock;

    public UserStreamHandlers(UserStreams streams, RoomService rooms, Notifications notifications, LongSupplier clock) {
        this.streams = streams;
        this.rooms = rooms;
        this.notifications = notifications;
        this.clock = clock;
    }


    private static Caller own(RequestContext context, String userId) {
        Caller caller = caller(context);
        if (!caller.userId().equals(userId)) {
            throw MatrixException.forbidden("this belongs to " + userId);
        }
        return caller;
    }


    private static ObjectNode object(JsonNode node) {
        if (!(node instanceof ObjectNode o)) {
            throw MatrixException.badJson("content must be a JSON object");
        }
        return o;
    }

    @Override
    public JsonNode setTyping(RequestContext context, SetTyping.Request request) {
        Caller caller = own(context, request.userId());
        rooms.requireMember(request.roomId(), caller.userId());
        streams.typing(request.roomId(), caller.userId(), request.body().typing(), request.body().timeout().orElse(30_000L));
        return empty();
    }

    @Override
    public JsonNode postReceipt(RequestContext context, PostReceipt.Request request) {
        Caller caller = caller(context);
        rooms.requireMember(request.roomId(), caller.userId());
        String type = request.receiptType().value();
        Optional<String> thread = request.body().threadId();
        thread.filter(t -> !t.equals(Notifications.MAIN)).ifPresent(t -> Ids.requireEventId(t, "thread_id"));
        if (type.equals("m.fully_read")) {
            if (thread.isPresent()) {
                throw new MatrixException(400, ErrorCodes.M_INVALID_PARAM, "m.fully_read is not threaded: it takes no thread_id");
            }
            eventInRoom(request.roomId(), request.eventId());
            streams.setAccountData(caller.userId(), request.roomId(), "m.fully_read",
                    MatrixJson.mapper().createObjectNode().put("event_id", request.eventId()));
            return empty();
        }
        if (!type.equals("m.read") && !type.equals("m.read.private")) {
            throw new MatrixException(400, ErrorCodes.M_INVALID_PARAM, "unknown receipt type " + type);
        }
        StoredEvent event = eventInRoom(request.roomId(), request.eventId());
        if (thread.isPresent() && !notifications.inThread(event, thread.get())) {
            throw new MatrixException(400, ErrorCodes.M_INVALID_PARAM, "event " + request.eventId() + " is not in thread " + thread.get());
        }
        // the read mark moves first: the receipt wakes the user's syncs, which must count with the mark moved
        notifications.read(caller.userId(), request.roomId(), request.eventId(), thread);
        streams.receipt(request.roomId(), caller.userId(), type, request.eventId(), thread);
        return empty();
    }

    private StoredEvent eventInRoom(String roomId, String eventId) {
        return rooms.event(eventId).filter(e -> e.roomId().equals(roomId))
                .orElseThrow(() -> new MatrixException(404, ErrorCodes.M_NOT_FOUND, "no such event in the room"));
    }

    @Override
    public JsonNode setReadMarker(RequestContext context, SetReadMarker.Request request) {
        Caller caller = caller(context);
        rooms.requireMember(request.roomId(), caller.userId());
        var body = request.body();
        java.util.stream.Stream.of(body.mFullyRead(), body.mRead(), body.mReadPrivate()).flatMap(Optional::stream)
                .forEach(e -> eventInRoom(request.roomId(), e)); // all checked before any is set
        body.mFullyRead().ifPresent(e -> streams.setAccountData(caller.userId(), request.roomId(), "m.fully_read",
                MatrixJson.mapper().createObjectNode().put("event_id", e)));
        for (String type : List.of("m.read", "m.read.private")) {
            (type.equals("m.read") ? body.mRead() : body.mReadPrivate()).ifPresent(e -> {
                notifications.read(caller.userId(), request.roomId(), e, Optional.empty()); // before the receipt wakes syncs
                streams.receipt(request.roomId(), caller.userId(), type, e, Optional.empty());
            });
        }
        return empty();
    }

    /** {@code m.fully_read} and {@code m.push_rules} are set through their own endpoints (405 as the spec says). */
    private static void clientControlled(String type) {
        if (type.equals("m.fully_read") || type.equals("m.push_rules")) {
            throw new MatrixException(405, ErrorCodes.M_BAD_JSON, "cannot set " + type + " through this API");
        }
    }

    @Override
    public JsonNode getAccountData(RequestContext context, GetAccountData.Request request) {
        own(context, request.userId());
        return streams.accountData(request.userId(), "", request.type())
                .orElseThrow(() -> new MatrixException(404, ErrorCodes.M_NOT_FOUND, "no account data of type " + request.type()));
    }

    @Override
    public JsonNode setAccountData(RequestContext context, SetAccountData.Request request) {
        own(context, request.userId());
        clientControlled(request.type());
        streams.setAccountData(request.userId(), "", request.type(), object(request.body()));
        return empty();
    }

    @Override
    public JsonNode getAccountDataPerRoom(RequestContext context, GetAccountDataPerRoom.Request request) {
        own(context, request.userId());
        return streams.accountData(request.userId(), request.roomId(), request.type())
                .orElseThrow(() -> new MatrixException(404, ErrorCodes.M_NOT_FOUND, "no account data of type " + request.type()));
    }

    @Override
    public JsonNode setAccountDataPerRoom(RequestContext context, SetAccountDataPerRoom.Request request) {
        own(context, request.userId());
        clientControlled(request.type());
        rooms.room(request.roomId());
        streams.setAccountData(request.userId(), request.roomId(), request.type(), object(request.body()));
        return empty();
    }

    private ObjectNode tags(String userId, String roomId) {
        return streams.accountData(userId, roomId, "m.tag").map(j -> ((ObjectNode) j).deepCopy())
                .orElseGet(() -> {
                    ObjectNode t = MatrixJson.mapper().createObjectNode();
                    t.putObject("tags");
                    return t;
                });
    }

    @Override
    public GetRoomTagsResponse getRoomTags(RequestContext context, GetRoomTags.Request request) {
        own(context, request.userId());
        Map<String, Tag> tags = new LinkedHashMap<>();
        tags(request.userId(), request.roomId()).path("tags").properties().forEach(e -> {
            try {
                tags.put(e.getKey(), MatrixJson.convert(e.getValue(), Tag.class));
            } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
                throw new IllegalStateException(ex);
            }
        });
        return new GetRoomTagsResponse(Optional.of(tags), Map.of());
    }

    @Override
    public JsonNode setRoomTag(RequestContext context, SetRoomTag.Request request) {
        own(context, request.userId());
        ObjectNode content = tags(request.userId(), request.roomId());
        content.withObjectProperty("tags").set(request.tag(), MatrixJson.tree(request.body()));
        streams.setAccountData(request.userId(), request.roomId(), "m.tag", content);
        return empty();
    }

    @Override
    public JsonNode deleteRoomTag(RequestContext context, DeleteRoomTag.Request request) {
        own(context, request.userId());
        ObjectNode content = tags(request.userId(), request.roomId());
        content.withObjectProperty("tags").remove(request.tag());
        streams.setAccountData(request.userId(), request.roomId(), "m.tag", content);
        return empty();
    }

    @Override
    public GetPresenceResponse getPresence(RequestContext context, GetPresence.Request request) {
        Optional<Presence> p = streams.presence(request.userId());
        return new GetPresenceResponse(GetPresenceResponsePresence.of(p.map(Presence::presence).orElse("offline")),
                p.map(x -> clock.getAsLong() - x.lastActiveTs()), p.flatMap(Presence::statusMsg).map(Nullable::of),
                p.map(x -> x.presence().equals("online")), Map.of());
    }

    @Override
    public JsonNode setPresence(RequestContext context, SetPresence.Request request) {
        own(context, request.userId());
        streams.setPresence(request.userId(), request.body().presence().value(), request.body().statusMsg());
        return empty();
    }

    @Override
    public JsonNode sendToDevice(RequestContext context, SendToDevice.Request request) {
        Caller caller = caller(context);
        JsonNode messages = MatrixJson.tree(request.body()).path("messages");
        messages.properties().forEach(user -> PathGrammar.problem("userId", user.getKey()).ifPresent(problem -> {
            // refused whole, as Synapse does: a key that is no user ID would otherwise be taken for a server to send to
            throw new MatrixException(400, ErrorCodes.M_INVALID_PARAM, "messages: " + user.getKey() + " is not a user ID (" + problem + ")");
        }));
        streams.sendToDeviceOnce(caller.userId(), caller.transactionScope(), request.txnId(), request.eventType(), messages);
        return empty();
    }
}
