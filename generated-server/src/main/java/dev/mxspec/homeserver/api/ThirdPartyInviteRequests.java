package dev.mxspec.homeserver.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.core.Caller;
import dev.mxspec.homeserver.core.Ids;
import dev.mxspec.homeserver.rooms.PowerLevels;
import dev.mxspec.homeserver.services.IdentityServers;
import dev.mxspec.homeserver.services.RoomService;
import dev.mxspec.homeserver.services.ThirdPartyIds;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.runtime.server.RequestContext;
import dev.mxspec.spec.v1_7.clientserver.InviteBy3PIDRequest;
import dev.mxspec.spec.v1_7.clientserver.endpoints.InviteBy3PID;
import dev.mxspec.spec.v1_7.clientserver.server.ThirdPartyMembershipHandler;
import dev.mxspec.spec.v1_7.identity.PublicKey;
import dev.mxspec.spec.v1_7.identity.StoreInviteV2Request;
import dev.mxspec.spec.v1_7.identity.StoreInviteV2Response;
import java.util.Map;
import java.util.Optional;

/**
 * Invites by third-party identifier ({@code POST /rooms/{roomId}/invite} with {@code id_server}, {@code medium},
 * {@code address}; client-server API, "Third-party invites"). The address is looked up on the identity server: when it is
 * bound to a user, that user is invited as by user ID; otherwise the identity server stores the invite
 * ({@code store-invite}) and an {@code m.room.third_party_invite} with its token as state key, the display name and
 * public keys it gave, goes into the room. The identity server calls {@code 3pid/onbind} once someone binds the
 * address, and the invite that fulfils it is made there
 * ({@link dev.mxspec.homeserver.federation.membership.ThirdPartyInviteHandlers}).
 *
 * <p>The inviter must be joined and have the room's invite level (the auth rule of {@code m.room.third_party_invite}),
 * checked before the identity server is asked anything.
 */
public final class ThirdPartyInviteRequests implements ThirdPartyMembershipHandler {

    private static final String INVITE_EVENT = "m.room.third_party_invite";

    private final RoomService rooms;
    private final IdentityServers identityServers;
    private final java.util.function.Function<String, String> identityBaseUrl;

    /** @param identityBaseUrl the base URL of an identity server by its name, for the {@code key_validity_url} of its keys */
    public ThirdPartyInviteRequests(RoomService rooms, IdentityServers identityServers, java.util.function.Function<String, String> identityBaseUrl) {
        this.rooms = rooms;
        this.identityServers = identityServers;
        this.identityBaseUrl = identityBaseUrl;
    }

    @Override
    public JsonNode inviteBy3PID(RequestContext context, InviteBy3PID.Request request) {
        Caller caller = Handlers.caller(context);
        String roomId = Ids.requireRoomId(request.roomId(), "roomId");
        InviteBy3PIDRequest body = request.body();
        String idServer = IdentityServers.requireName(body.idServer());
        String medium = body.medium();
        String address = switch (medium) {
            case "email" -> ThirdPartyIds.normaliseEmail(body.address());
            case "msisdn" -> {
                if (!body.address().matches("[0-9]{1,20}")) {
                    throw new MatrixException(400, ErrorCodes.M_INVALID_PARAM, "an msisdn is a phone number's digits");
                }
                yield body.address();
            }
            default -> throw new MatrixException(400, ErrorCodes.M_INVALID_PARAM, "medium must be email or msisdn");
        };
        if (body.idAccessToken().isEmpty()) {
            throw new MatrixException(400, ErrorCodes.M_INVALID_PARAM, "id_access_token must not be empty");
        }
        rooms.requireMember(roomId, caller.userId());
        if (!rooms.membership(roomId, caller.userId()).orElse("").equals("join")) {
            throw MatrixException.forbidden("only members of " + roomId + " may invite to it");
        }
        PowerLevels levels = rooms.powerLevels(roomId);
        if (levels.userLevel(caller.userId()) < levels.invite()) {
            throw MatrixException.forbidden("inviting to " + roomId + " needs power level " + levels.invite());
        }
        Optional<String> bound = identityServers.lookup(idServer, body.idAccessToken(), medium, address);
        if (bound.isPresent()) {
            String userId = Ids.requireUserId(bound.get(), "the identity server's mxid");
            rooms.setMembership(caller, roomId, userId, "invite", Optional.empty());
            return MatrixJson.mapper().createObjectNode();
        }
        Map<java.util.List<String>, ObjectNode> state = rooms.stateJson(roomId);
        StoreInviteV2Response stored = identityServers.storeInvite(idServer, body.idAccessToken(), new StoreInviteV2Request(medium, address, roomId,
                caller.userId(), text(state, "m.room.canonical_alias", "", "alias"), text(state, "m.room.avatar", "", "url"),
                text(state, "m.room.join_rules", "", "join_rule"), text(state, "m.room.name", "", "name"),
                text(state, "m.room.member", caller.userId(), "displayname"), text(state, "m.room.member", caller.userId(), "avatar_url"),
                text(state, "m.room.create", "", "type"), Map.of()));
        ObjectNode content = MatrixJson.mapper().createObjectNode();
        content.put("display_name", stored.displayName());
        PublicKey first = stored.publicKeys().getFirst();
        String fallbackValidity = identityBaseUrl.apply(idServer) + "/_matrix/identity/v2/pubkey/isvalid";
        content.put("key_validity_url", first.keyValidityUrl() == null || first.keyValidityUrl().isEmpty() ? fallbackValidity : first.keyValidityUrl());
        content.put("public_key", first.publicKey());
        var keys = content.putArray("public_keys");
        for (PublicKey key : stored.publicKeys()) {
            keys.addObject().put("public_key", key.publicKey()).put("key_validity_url",
                    key.keyValidityUrl() == null || key.keyValidityUrl().isEmpty() ? fallbackValidity : key.keyValidityUrl());
        }
        rooms.send(caller.userId(), Optional.of(caller.deviceId()), roomId, RoomService.Draft.state(INVITE_EVENT, stored.token(), content),
                Optional.empty());
        return MatrixJson.mapper().createObjectNode();
    }

    private static Optional<String> text(Map<java.util.List<String>, ObjectNode> state, String type, String stateKey, String key) {
        ObjectNode event = state.get(java.util.List.of(type, stateKey));
        JsonNode value = event == null ? null : event.path("content").get(key);
        return value != null && value.isTextual() ? Optional.of(value.asText()) : Optional.empty();
    }

}
