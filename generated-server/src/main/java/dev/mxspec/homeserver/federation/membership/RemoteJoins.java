package dev.mxspec.homeserver.federation.membership;

import dev.mxspec.runtime.api.PathCodec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.crypto.ServerKeys;
import dev.mxspec.homeserver.federation.FederationClient;
import dev.mxspec.homeserver.rooms.EventIds;
import dev.mxspec.homeserver.rooms.EventSigning;
import dev.mxspec.homeserver.rooms.MatrixIds;
import dev.mxspec.homeserver.rooms.PduView;
import dev.mxspec.homeserver.rooms.RoomVersion;
import dev.mxspec.homeserver.rooms.RoomVersions;
import dev.mxspec.homeserver.services.GuestRooms;
import dev.mxspec.homeserver.services.RoomService;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.json.MatrixJson;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local user joins a room this server does not hold yet (server-server API, "Joining Rooms"): {@code make_join} at
 * a server of the room, the template checked (the user's own join to that room) and signed here, {@code send_join}
 * (v2), and the room adopted from the answer ({@link MembershipProtocols#adoptJoinedRoom}). The servers named by the client
 * are tried in order, then the room ID's own. A guest of this server stays only in a room whose state, as the
 * {@code send_join} answers it, has guest access {@code can_join}: elsewhere the join, taken by then, is left at once
 * ({@code make_leave}, {@code send_leave} at the same server), the room is not adopted, and the guest is answered 403.
 */
public final class RemoteJoins implements RoomService.RemoteJoiner {

    private static final String AUTHORISER = "join_authorised_via_users_server";
    private static final Logger LOG = LoggerFactory.getLogger(RemoteJoins.class);

    private final RoomService rooms;
    private final GuestRooms guests;
    private final RoomService.RemoteLeaver leaves;
    private final FederationClient client;
    private final ServerKeys keys;
    private final String serverName;

    public RemoteJoins(RoomService rooms, GuestRooms guests, RoomService.RemoteLeaver leaves, FederationClient client, ServerKeys keys,
            String serverName) {
        this.rooms = rooms;
        this.guests = guests;
        this.leaves = leaves;
        this.client = client;
        this.keys = keys;
        this.serverName = serverName;
    }

    @Override
    public String join(String userId, String roomId, List<String> servers) {
        return ThroughServers.first(serverName, roomId, servers, "joining", server -> joinThrough(server, userId, roomId),
                (anyServer, failures) -> new MatrixException(404, ErrorCodes.M_NOT_FOUND, !anyServer ? "unknown room " + roomId
                        : "no server of the room let " + userId + " join: " + String.join("; ", failures)));
    }

    private String joinThrough(String server, String userId, String roomId) throws IOException {
        FederationClient.Response made = client.send(server, "GET", "/_matrix/federation/v1/make_join/" + PathCodec.encodeSegment(roomId) + "/" + PathCodec.encodeSegment(userId)
                + versions(rooms), Optional.empty());
        if (made.status() != 200 || !(made.body().path("event") instanceof ObjectNode template)) {
            throw refused("make_join", made);
        }
        String versionId = made.body().path("room_version").asText("1");
        RoomVersion version = RoomVersions.of(versionId).orElseThrow(() -> new MatrixException(400, ErrorCodes.M_UNSUPPORTED_ROOM_VERSION,
                "the room's version " + versionId + " is not supported here"));
        PduView view = new PduView(template);
        if (!view.roomId().equals(roomId) || !view.sender().equals(userId) || !view.type().equals("m.room.member")
                || !view.stateKey().equals(Optional.of(userId)) || !view.membership().equals(Optional.of("join"))) {
            throw new MatrixException(502, ErrorCodes.M_UNKNOWN, server + " answered make_join with another event than " + userId
                    + "'s join to " + roomId);
        }
        template.withObjectProperty("content").setAll(rooms.memberContent(userId, "join")); // the joiner's profile, as local joins carry it
        ObjectNode join = rooms.membershipProtocols().signTemplate(template, version.id());
        String eventId = EventIds.of(join, version).orElseThrow();
        FederationClient.Response sent = client.send(server, "PUT", "/_matrix/federation/v2/send_join/" + PathCodec.encodeSegment(roomId) + "/" + PathCodec.encodeSegment(eventId),
                Optional.of(join));
        if (sent.status() != 200 || !sent.body().path("state").isArray() || !sent.body().path("auth_chain").isArray()) {
            throw refused("send_join", sent);
        }
        List<ObjectNode> state = objects(sent.body().path("state"));
        if (!guests.mayJoinWith(userId, state)) {
            leaveAgain(server, userId, roomId);
            throw new ThroughServers.Decided(GuestRooms.refusal());
        }
        if (template.path("content").has(AUTHORISER)) { // a restricted join: the resident server vouched for it with its signature
            join = vouched(server, join, sent.body().path("event"), version);
        }
        return rooms.membershipProtocols().adoptJoinedRoom(roomId, version.id(), join, state, objects(sent.body().path("auth_chain")),
                keys);
    }

    /**
     * Leaves again a room just joined through {@code server} where the user may not stay; a failure is logged: the
     * user is answered as refused all the same, and is not in the room here.
     */
    private void leaveAgain(String server, String userId, String roomId) {
        try {
            leaves.leave(userId, roomId, List.of(server));
        } catch (MatrixException e) {
            LOG.warn("{} joined {} through {} and could not leave it again: {}", userId, roomId, server, e.getMessage());
        }
    }

    /**
     * The join as the resident server answered it, signed by the authoriser's server too: the same event as
     * {@code sent} but for the signatures, else a 502.
     */
    private ObjectNode vouched(String server, ObjectNode sent, JsonNode answered, RoomVersion version) {
        String authoriserServer = MatrixIds.serverOf(sent.path("content").path(AUTHORISER).asText()).orElse("");
        if (!(answered instanceof ObjectNode event) || !withoutSignatures(event).equals(withoutSignatures(sent))
                || !EventSigning.verifySignedBy(event, authoriserServer, keys, version).isVerified()) {
            throw new MatrixException(502, ErrorCodes.M_UNKNOWN, server + " did not answer the restricted join with the join signed by "
                    + authoriserServer);
        }
        ObjectNode signed = sent.deepCopy();
        signed.withObjectProperty("signatures").set(authoriserServer, event.path("signatures").path(authoriserServer).deepCopy());
        return signed;
    }

    private static JsonNode withoutSignatures(ObjectNode event) {
        ObjectNode copy = event.deepCopy();
        copy.remove(List.of("signatures", "unsigned"));
        try { // as JSON text reads it back: numbers alike
            return MatrixJson.mapper().readTree(MatrixJson.bytes(copy));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The {@code ver} query of a make_join or make_knock: every room version this server supports. */
    static String versions(RoomService rooms) {
        StringBuilder versions = new StringBuilder();
        for (String v : rooms.rules().supportedVersions()) {
            versions.append(versions.isEmpty() ? "?" : "&").append("ver=").append(PathCodec.encodeSegment(v));
        }
        return versions.toString();
    }

    /** A refusal of a step by another server, keeping its error code (a joining server tries another server on it). */
    static MatrixException refused(String step, FederationClient.Response r) {
        return new MatrixException(502, ErrorCodes.M_UNKNOWN, step + " answered " + r.status() + " " + r.body().path("errcode").asText("")
                + " " + r.body().path("error").asText(""));
    }

    private static List<ObjectNode> objects(JsonNode array) {
        List<ObjectNode> out = new ArrayList<>();
        array.forEach(e -> {
            if (e instanceof ObjectNode o) {
                out.add(o);
            }
        });
        return out;
    }
}
