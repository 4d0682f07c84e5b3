package dev.mxspec.homeserver.federation.membership;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.crypto.ServerKeys;
import dev.mxspec.homeserver.federation.FederationClient;
import dev.mxspec.homeserver.rooms.EventIds;
import dev.mxspec.homeserver.rooms.EventSigning;
import dev.mxspec.homeserver.rooms.MatrixIds;
import dev.mxspec.homeserver.rooms.RoomVersion;
import dev.mxspec.homeserver.rooms.RoomVersions;
import dev.mxspec.homeserver.services.RoomService;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.spec.v1_7.serverserver.endpoints.SendInviteV2;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A local member invites a user of another server (server-server API, "Inviting to a room"): the invite, built and
 * signed here, goes to the invited user's server ({@code invite}, v2, with the room's version and stripped state);
 * its answer must be the same event signed by it too, which is what this server then stores and sends on. Any other
 * answer refuses the invite: {@code M_FORBIDDEN} when that server refused it, 502 {@code M_UNKNOWN} when it could
 * not be reached or answered something else.
 */
public final class RemoteInvites implements RoomService.RemoteInviter {

    private final FederationClient client;
    private final ServerKeys keys;

    public RemoteInvites(FederationClient client, ServerKeys keys) {
        this.client = client;
        this.keys = keys;
    }

    @Override
    public ObjectNode invite(ObjectNode pdu, String roomVersion, List<ObjectNode> inviteRoomState) {
        RoomVersion version = RoomVersions.of(roomVersion).orElseThrow();
        String target = pdu.path("state_key").asText();
        String server = MatrixIds.serverOf(target).orElseThrow();
        String eventId = EventIds.of(pdu, version).orElseThrow();
        ObjectNode body = MatrixJson.mapper().createObjectNode();
        body.set("event", pdu);
        body.put("room_version", version.id());
        inviteRoomState.forEach(body.putArray("invite_room_state")::add);
        FederationClient.Response answer;
        try {
            answer = client.send(server, "PUT", SendInviteV2.ENDPOINT.expand(Map.of("roomId", pdu.path("room_id").asText(),
                    "eventId", eventId)), Optional.of(body));
        } catch (IOException e) {
            throw new MatrixException(502, ErrorCodes.M_UNKNOWN, server + " could not be reached to invite " + target + ": " + e.getMessage());
        }
        if (answer.status() != 200) {
            throw MatrixException.forbidden(server + " refused the invite of " + target + ": " + answer.status() + " "
                    + answer.body().path("errcode").asText("") + " " + answer.body().path("error").asText(""));
        }
        if (!(answer.body().path("event") instanceof ObjectNode returned) || !unsigned(returned).equals(unsigned(pdu))) {
            throw new MatrixException(502, ErrorCodes.M_UNKNOWN, server + " answered the invite of " + target + " with another event");
        }
        if (!EventSigning.verifySignedBy(returned, server, keys, version).isVerified()) {
            throw new MatrixException(502, ErrorCodes.M_UNKNOWN, server + " did not sign the invite of " + target);
        }
        ObjectNode cosigned = pdu.deepCopy();
        cosigned.withObjectProperty("signatures").set(server, returned.path("signatures").path(server).deepCopy());
        return cosigned;
    }

    /** The event without what each server adds (signatures, unsigned data), as JSON text reads it back (numbers alike). */
    private static JsonNode unsigned(ObjectNode event) {
        ObjectNode copy = event.deepCopy();
        copy.remove(List.of("signatures", "unsigned"));
        try {
            return MatrixJson.mapper().readTree(MatrixJson.bytes(copy));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
