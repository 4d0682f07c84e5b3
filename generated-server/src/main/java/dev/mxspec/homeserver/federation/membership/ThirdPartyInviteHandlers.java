package dev.mxspec.homeserver.federation.membership;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.federation.FederationClient;
import dev.mxspec.homeserver.federation.rooms.RoomAcls;
import dev.mxspec.homeserver.rooms.MatrixIds;
import dev.mxspec.homeserver.services.ClientEvents;
import dev.mxspec.homeserver.services.RoomService;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.runtime.server.RequestContext;
import dev.mxspec.spec.v1_7.serverserver.endpoints.ExchangeThirdPartyInvite;
import dev.mxspec.spec.v1_7.serverserver.endpoints.OnBindThirdPartyIdentifier;
import dev.mxspec.spec.v1_7.serverserver.server.ThirdPartyInviteHandler;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Invites made from third-party invites (server-server API, "Third-party invites"). {@code 3pid/onbind}: an identity
 * server tells this server that one of its users bound a third-party identifier with pending invites; for each, an
 * {@code m.room.member} invite carrying the identity server's {@code signed} object is made here when the inviter is a
 * local member of a room held here, else asked of the inviter's server, then of the room's
 * ({@code exchange_third_party_invite}). {@code exchange_third_party_invite}: the other side, for a room of this
 * server whose {@code m.room.third_party_invite} a local user sent: the invite is checked against that event (the
 * auth rules verify the {@code signed} object against its public keys), sent, and so goes to the invited user's
 * server as any invite does. A server the room's server ACL denies gets {@code M_FORBIDDEN} ({@link RoomAcls}).
 */
public final class ThirdPartyInviteHandlers implements ThirdPartyInviteHandler {

    private static final String INVITE_EVENT = "m.room.third_party_invite";

    private final RoomService rooms;
    private final Optional<FederationClient> client;
    private final String serverName;
    private final RoomAcls acls;

    /** With no client (federation off), onbind makes only the invites of rooms held here. */
    public ThirdPartyInviteHandlers(RoomService rooms, Optional<FederationClient> client, String serverName) {
        this.rooms = rooms;
        this.client = client;
        this.serverName = serverName;
        this.acls = new RoomAcls(rooms);
    }

    @Override
    public JsonNode exchangeThirdPartyInvite(RequestContext context, ExchangeThirdPartyInvite.Request request) {
        String origin = RequestBodies.origin(context);
        String roomId = request.roomId();
        acls.require(roomId, origin);
        ObjectNode event = RequestBodies.object(context, "a partial m.room.member invite event");
        if (!event.path("room_id").asText("").equals(roomId) || !event.path("type").asText("").equals("m.room.member")
                || !event.path("content").path("membership").asText("").equals("invite")) {
            throw new MatrixException(400, ErrorCodes.M_INVALID_PARAM, "not an m.room.member invite to " + roomId);
        }
        String sender = text(event, "sender");
        String target = text(event, "state_key");
        ObjectNode signed = signed(event.path("content").path("third_party_invite"));
        if (!text(signed, "mxid").equals(target)) {
            throw new MatrixException(400, ErrorCodes.M_INVALID_PARAM, "the signed mxid is not the invited user " + target);
        }
        if (!MatrixIds.serverOf(target).equals(Optional.of(origin))) {
            throw MatrixException.forbidden("the invite is for " + target + ", not a user of " + origin);
        }
        if (!rooms.holds(roomId)) {
            throw new MatrixException(404, ErrorCodes.M_NOT_FOUND, "unknown room " + roomId);
        }
        if (!rooms.localUser(sender)) {
            throw MatrixException.forbidden("the invite's sender " + sender + " is not a user of this server");
        }
        return invite(sender, roomId, target, signed);
    }

    /** Sends the invite of {@code target} as {@code sender}, a local member; {@code {}} when it was sent. */
    private JsonNode invite(String sender, String roomId, String target, ObjectNode signed) {
        String token = text(signed, "token");
        JsonNode thirdPartyInvite = rooms.stateEvent(roomId, INVITE_EVENT, token).map(e -> ClientEvents.parse(e.json()))
                .orElseThrow(() -> MatrixException.forbidden("no " + INVITE_EVENT + " with that token in " + roomId));
        if (!thirdPartyInvite.path("sender").asText().equals(sender)) {
            throw MatrixException.forbidden("the " + INVITE_EVENT + " of that token was not sent by " + sender);
        }
        ObjectNode content = MatrixJson.mapper().createObjectNode().put("membership", "invite");
        ObjectNode made = content.putObject("third_party_invite");
        made.put("display_name", thirdPartyInvite.path("content").path("display_name").asText(""));
        made.set("signed", signed);
        rooms.send(sender, Optional.empty(), roomId, RoomService.Draft.state("m.room.member", target, content), Optional.empty());
        return MatrixJson.mapper().createObjectNode();
    }

    @Override
    public JsonNode onBindThirdPartyIdentifier(RequestContext context, OnBindThirdPartyIdentifier.Request request) {
        ObjectNode body = RequestBodies.object(context, "the binding and its pending invites");
        String mxid = text(body, "mxid");
        if (!rooms.localUser(mxid)) {
            throw new MatrixException(404, ErrorCodes.M_NOT_FOUND, "no user " + mxid + " on this server");
        }
        if (!body.path("invites").isArray()) {
            throw new MatrixException(400, ErrorCodes.M_BAD_JSON, "invites must be an array");
        }
        List<ObjectNode> invites = new ArrayList<>();
        for (JsonNode invite : body.path("invites")) {
            if (!(invite instanceof ObjectNode o)) {
                throw new MatrixException(400, ErrorCodes.M_BAD_JSON, "each invite must be an object");
            }
            text(o, "room_id");
            text(o, "sender");
            if (!text(o, "mxid").equals(mxid) || !text(signed(o), "mxid").equals(mxid)) {
                throw new MatrixException(400, ErrorCodes.M_INVALID_PARAM, "an invite is for another user than " + mxid
                        + ": this server cannot make it");
            }
            text(signed(o), "token");
            invites.add(o);
        }
        List<String> failed = new ArrayList<>();
        for (ObjectNode invite : invites) {
            try {
                bind(mxid, invite);
            } catch (MatrixException e) {
                failed.add(invite.path("room_id").asText() + ": " + e.errcode() + " " + e.error());
            }
        }
        if (!failed.isEmpty()) {
            throw MatrixException.forbidden(failed.size() + " of " + invites.size() + " invites could not be made: " + String.join("; ", failed));
        }
        return MatrixJson.mapper().createObjectNode();
    }

    /** Makes one pending invite of {@code mxid}: here when its sender is a local member, else at the room's servers. */
    private void bind(String mxid, ObjectNode invite) {
        String roomId = invite.path("room_id").asText();
        String sender = invite.path("sender").asText();
        ObjectNode signed = (ObjectNode) invite.get("signed");
        if (rooms.localUser(sender) && rooms.holds(roomId)) {
            invite(sender, roomId, mxid, signed);
            return;
        }
        ObjectNode event = MatrixJson.mapper().createObjectNode();
        event.put("type", "m.room.member");
        event.put("room_id", roomId);
        event.put("sender", sender);
        event.put("state_key", mxid);
        ObjectNode made = event.putObject("content").put("membership", "invite").putObject("third_party_invite");
        made.put("display_name", invite.path("address").asText(""));
        made.set("signed", signed);
        Set<String> servers = new LinkedHashSet<>();
        MatrixIds.serverOf(sender).ifPresent(servers::add);
        MatrixIds.serverOf(roomId).ifPresent(servers::add);
        servers.remove(serverName);
        List<String> refusals = new ArrayList<>();
        for (String server : servers) {
            try {
                FederationClient.Response r = client.orElseThrow(() -> MatrixException.forbidden("federation is off"))
                        .send(server, "PUT", ExchangeThirdPartyInvite.ENDPOINT.expand(Map.of("roomId", roomId)), Optional.of(event));
                if (r.status() == 200) {
                    return;
                }
                refusals.add(server + " answered " + r.status() + " " + r.body().path("errcode").asText(""));
            } catch (IOException e) {
                refusals.add(server + ": " + e.getMessage());
            }
        }
        throw MatrixException.forbidden(refusals.isEmpty() ? "no server to ask" : String.join("; ", refusals));
    }

    private static ObjectNode signed(JsonNode holder) {
        if (!(holder.get("signed") instanceof ObjectNode signed) || !signed.path("signatures").isObject()) {
            throw new MatrixException(400, ErrorCodes.M_BAD_JSON, "signed must be an object with mxid, token and signatures");
        }
        return signed;
    }

    private static String text(JsonNode holder, String key) {
        JsonNode value = holder.get(key);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw new MatrixException(400, ErrorCodes.M_BAD_JSON, key + " must be a non-empty string");
        }
        return value.asText();
    }
}
