package dev.mxspec.homeserver.rooms;

import static dev.mxspec.homeserver.rooms.AuthResult.allowed;
import static dev.mxspec.homeserver.rooms.AuthResult.refused;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.crypto.JsonSigning;
import dev.mxspec.homeserver.crypto.UnpaddedBase64;
import dev.mxspec.homeserver.crypto.VerifyKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The auth rules for an invite made from a third-party invite: the identity server's {@code signed} object must
 * name the target and the token of an {@code m.room.third_party_invite} the same sender sent, and be signed by
 * one of that event's public keys.
 */
final class ThirdPartyInviteRules {

    private static final int ED25519_KEY_BYTES = 32;

    private ThirdPartyInviteRules() {}

    static AuthResult check(PduView pdu, AuthState state, String target) {
        if (state.membership(target) == Membership.BAN) {
            return refused(AuthRule.THIRD_PARTY_INVITE, target + " is banned from the room");
        }
        if (!(pdu.content().path("third_party_invite").get("signed") instanceof ObjectNode signed)) {
            return refused(AuthRule.THIRD_PARTY_INVITE, "third_party_invite has no signed object");
        }
        Optional<String> mxid = PduView.text(signed, "mxid");
        Optional<String> token = PduView.text(signed, "token");
        if (mxid.isEmpty() || token.isEmpty()) {
            return refused(AuthRule.THIRD_PARTY_INVITE, "third_party_invite.signed lacks mxid or token");
        }
        if (!mxid.get().equals(target)) {
            return refused(AuthRule.THIRD_PARTY_INVITE, "signed mxid " + mxid.get() + " is not the state key "
                    + target);
        }
        Optional<ObjectNode> invite = state.thirdPartyInvite(token.get());
        if (invite.isEmpty()) {
            return refused(AuthRule.THIRD_PARTY_INVITE, "no m.room.third_party_invite with token " + token.get());
        }
        PduView inviteView = new PduView(invite.get());
        if (!inviteView.sender().equals(pdu.sender())) {
            return refused(AuthRule.THIRD_PARTY_INVITE, "sender " + pdu.sender()
                    + " did not send the m.room.third_party_invite, " + inviteView.sender() + " did");
        }
        return signedByAnyKey(signed, publicKeys(inviteView.content()))
                ? allowed()
                : refused(AuthRule.THIRD_PARTY_INVITE,
                        "no signature in signed matches a public key of the m.room.third_party_invite");
    }

    /** {@code public_key} and every {@code public_keys[].public_key}. */
    private static List<String> publicKeys(ObjectNode content) {
        List<String> keys = new ArrayList<>();
        PduView.text(content, "public_key").ifPresent(keys::add);
        for (JsonNode entry : content.path("public_keys")) {
            PduView.text(entry, "public_key").ifPresent(keys::add);
        }
        return keys;
    }

    private static boolean signedByAnyKey(ObjectNode signed, List<String> publicKeys) {
        byte[] message = JsonSigning.signedBytes(signed);
        for (Map.Entry<String, JsonNode> entity : signed.path("signatures").properties()) {
            for (Map.Entry<String, JsonNode> signature : entity.getValue().properties()) {
                Optional<byte[]> bytes = signature.getValue().isTextual()
                        ? UnpaddedBase64.tryDecode(signature.getValue().textValue())
                        : Optional.empty();
                if (bytes.isPresent() && publicKeys.stream().anyMatch(key -> verifies(key, message, bytes.get()))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean verifies(String publicKey, byte[] message, byte[] signature) {
        return UnpaddedBase64.tryDecode(publicKey)
                .filter(raw -> raw.length == ED25519_KEY_BYTES)
                .map(raw -> VerifyKey.of("ed25519:invite", UnpaddedBase64.encode(raw)).verifies(message, signature))
                .orElse(false);
    }
}
