package dev.mxspec.homeserver.services;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.crypto.ServerKeys;
import dev.mxspec.homeserver.crypto.SigningKey;
import dev.mxspec.homeserver.rooms.AuthResult;
import dev.mxspec.homeserver.rooms.AuthRules;
import dev.mxspec.homeserver.rooms.EventIds;
import dev.mxspec.homeserver.rooms.EventSigning;
import dev.mxspec.homeserver.rooms.Redaction;
import dev.mxspec.homeserver.rooms.RoomVersion;
import dev.mxspec.homeserver.rooms.RoomVersions;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import java.util.List;
import java.util.Map;

/** {@link RoomRules} on the room-version logic of {@code dev.mxspec.homeserver.rooms}, signing with the server's key. */
public final class SpecRoomRules implements RoomRules {

    private final String serverName;
    private final SigningKey key;
    private final ServerKeys keys;

    public SpecRoomRules(String serverName, SigningKey key) {
        this.serverName = serverName;
        this.key = key;
        this.keys = ServerKeys.of(Map.of(serverName, List.of(key.verifyKey())));
    }

    private static RoomVersion version(String id) {
        return RoomVersions.of(id).orElseThrow(() -> new MatrixException(400, ErrorCodes.M_UNSUPPORTED_ROOM_VERSION,
                "room version " + id + " is not supported"));
    }

    @Override
    public List<String> supportedVersions() {
        return RoomVersions.supported().stream().map(RoomVersion::id).toList();
    }

    @Override
    public String defaultVersion() {
        return RoomVersions.defaultVersion().id();
    }

    @Override
    public String seal(ObjectNode pdu, String roomVersion) {
        RoomVersion v = version(roomVersion);
        if (!v.eventIdFormat().isHash()) {
            pdu.put("event_id", EventIds.random(serverName));
        }
        ObjectNode sealed = EventSigning.hashAndSign(pdu, serverName, key, v);
        pdu.set("hashes", sealed.get("hashes"));
        pdu.set("signatures", sealed.get("signatures"));
        return EventIds.of(pdu, v).orElseThrow();
    }

    @Override
    public ObjectNode cosign(ObjectNode pdu, String roomVersion) {
        return EventSigning.addSignature(pdu, serverName, key, version(roomVersion));
    }

    @Override
    public void authorize(ObjectNode pdu, Map<List<String>, ObjectNode> state, String roomVersion) {
        RoomVersion v = version(roomVersion);
        if (AuthRules.check(pdu, RoomGraph.authState(pdu, v, state, keys), v) instanceof AuthResult.Refused refused) {
            throw new MatrixException(403, ErrorCodes.M_FORBIDDEN, refused.reason());
        }
    }

    @Override
    public ObjectNode redact(ObjectNode event, String roomVersion) {
        return Redaction.redact(event, version(roomVersion));
    }
}
