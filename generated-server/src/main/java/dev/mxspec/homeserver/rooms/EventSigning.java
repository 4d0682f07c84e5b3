package dev.mxspec.homeserver.rooms;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.crypto.JsonSigning;
import dev.mxspec.homeserver.crypto.ServerKeys;
import dev.mxspec.homeserver.crypto.SigningKey;
import dev.mxspec.homeserver.crypto.Verification;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Hashing, signing and verifying PDUs (server-server API, "Signing Events"): the signature covers the redacted
 * event, so it survives redaction; the content hash guards the rest.
 */
public final class EventSigning {

    private EventSigning() {}

    /**
     * The outgoing event: {@code pdu} with its content hash set and {@code serverName}'s signature added. For
     * versions 1 and 2 the {@code event_id} must already be in {@code pdu}; for later versions compute the ID
     * from the result ({@link EventIds#of}).
     */
    public static ObjectNode hashAndSign(ObjectNode pdu, String serverName, SigningKey key, RoomVersion version) {
        return addSignature(EventHashes.withContentHash(pdu), serverName, key, version);
    }

    /** {@code pdu} with {@code serverName}'s signature added and its hashes untouched (co-signing a join or invite). */
    public static ObjectNode addSignature(ObjectNode pdu, String serverName, SigningKey key, RoomVersion version) {
        ObjectNode signedRedacted = JsonSigning.sign(Redaction.redact(pdu, version), serverName, key);
        ObjectNode signed = pdu.deepCopy();
        signed.set("signatures", signedRedacted.get("signatures").deepCopy());
        return signed;
    }

    /**
     * The servers whose signatures a received PDU needs: the sender's server, unless the event is an invite made
     * from a third-party invite; in versions 1 and 2 also the server of the {@code event_id}; from version 8 on, for a
     * join naming a {@code join_authorised_via_users_server}, that user's server (the auth rules require its
     * signature: a join without it is refused on receipt, not stored).
     */
    public static SortedSet<String> requiredSigners(ObjectNode pdu, RoomVersion version) {
        PduView view = new PduView(pdu);
        SortedSet<String> servers = new TreeSet<>();
        if (!isThirdPartyInvite(view)) {
            MatrixIds.serverOf(view.sender()).ifPresent(servers::add);
        }
        if (!version.eventIdFormat().isHash()) {
            view.eventId().flatMap(MatrixIds::serverOf).ifPresent(servers::add);
        }
        if (version.has(RoomFeature.RESTRICTED_JOINS) && view.type().equals("m.room.member")
                && view.membership().equals(Optional.of(Membership.JOIN.value()))) {
            view.contentText("join_authorised_via_users_server").flatMap(MatrixIds::serverOf).ifPresent(servers::add);
        }
        return servers;
    }

    /**
     * Whether every {@linkplain #requiredSigners required signer} signed the (redacted) PDU. An invite made from
     * a third-party invite in version 3 or later has no required signer and passes; its {@code signed} object
     * is checked by the auth rules instead.
     */
    public static Verification verify(ObjectNode pdu, ServerKeys keys, RoomVersion version) {
        PduView view = new PduView(pdu);
        if (!isThirdPartyInvite(view) && MatrixIds.serverOf(view.sender()).isEmpty()) {
            return Verification.failed("sender " + view.sender() + " names no server");
        }
        for (String server : requiredSigners(pdu, version)) {
            Verification result = verifySignedBy(pdu, server, keys, version);
            if (!result.isVerified()) {
                return result;
            }
        }
        return Verification.verified();
    }

    /**
     * Whether {@code serverName} signed the redacted PDU. From version 5 on, a key counts only if its
     * {@code valid_until_ts} is at least the event's {@code origin_server_ts}.
     */
    public static Verification verifySignedBy(ObjectNode pdu, String serverName, ServerKeys keys,
            RoomVersion version) {
        ServerKeys usable = keys;
        if (version.has(RoomFeature.KEY_VALIDITY)) {
            long ts = new PduView(pdu).originServerTs();
            usable = (server, keyId) -> keys.find(server, keyId).filter(key -> key.validUntilTs() >= ts);
        }
        return JsonSigning.verify(Redaction.redact(pdu, version), serverName, usable);
    }

    private static boolean isThirdPartyInvite(PduView view) {
        return view.type().equals("m.room.member")
                && view.membership().equals(Optional.of(Membership.INVITE.value()))
                && view.content().has("third_party_invite");
    }
}
