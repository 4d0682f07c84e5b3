package dev.mxspec.homeserver.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.runtime.json.CanonicalJson;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Signing JSON and checking for a signature, as the appendices define them ("Signing Details", "Checking for a
 * Signature"): the signed bytes are the canonical JSON of the object without {@code signatures} and
 * {@code unsigned}.
 */
public final class JsonSigning {

    private JsonSigning() {}

    /**
     * A copy of {@code json} with {@code key}'s signature added under {@code signatures.<signingName>.<keyId>};
     * signatures already present are kept.
     */
    public static ObjectNode sign(ObjectNode json, String signingName, SigningKey key) {
        String signature = UnpaddedBase64.encode(key.sign(signedBytes(json)));
        ObjectNode signed = json.deepCopy();
        JsonNode existing = signed.get("signatures");
        ObjectNode signatures = existing instanceof ObjectNode object ? object : signed.objectNode();
        JsonNode entity = signatures.get(signingName);
        ObjectNode byKey = entity instanceof ObjectNode object ? object : signatures.objectNode();
        byKey.put(key.keyId(), signature);
        signatures.set(signingName, byKey);
        signed.set("signatures", signatures);
        return signed;
    }

    /**
     * Whether {@code signingName} signed {@code json}. Key IDs of algorithms other than ed25519 are ignored;
     * at least one signature must be by a key {@code keys} knows, and every signature by a known key must be
     * valid.
     */
    public static Verification verify(ObjectNode json, String signingName, ServerKeys keys) {
        JsonNode entity = json.path("signatures").path(signingName);
        if (!entity.isObject()) {
            return Verification.failed("no signature from " + signingName);
        }
        List<Map.Entry<String, JsonNode>> ed25519 = new ArrayList<>();
        for (Map.Entry<String, JsonNode> entry : entity.properties()) {
            if (entry.getKey().startsWith(SigningKey.ALGORITHM + ":")) {
                ed25519.add(entry);
            }
        }
        if (ed25519.isEmpty()) {
            return Verification.failed("no ed25519 signature from " + signingName);
        }
        byte[] message = signedBytes(json);
        int checked = 0;
        for (Map.Entry<String, JsonNode> entry : ed25519) {
            Optional<VerifyKey> key = keys.find(signingName, entry.getKey());
            if (key.isEmpty()) {
                continue;
            }
            Optional<byte[]> signature = entry.getValue().isTextual()
                    ? UnpaddedBase64.tryDecode(entry.getValue().textValue())
                    : Optional.empty();
            if (signature.isEmpty()) {
                return Verification.failed("signature " + entry.getKey() + " of " + signingName + " is not Base64");
            }
            if (!key.get().verifies(message, signature.get())) {
                return Verification.failed("signature " + entry.getKey() + " of " + signingName + " does not match");
            }
            checked++;
        }
        return checked == 0
                ? Verification.failed("no known verification key of " + signingName + " among " + keyIds(ed25519))
                : Verification.verified();
    }

    /** The bytes a signature covers: canonical JSON of the object without {@code signatures} and {@code unsigned}. */
    public static byte[] signedBytes(ObjectNode json) {
        ObjectNode stripped = json.deepCopy();
        stripped.remove("signatures");
        stripped.remove("unsigned");
        return CanonicalJson.write(stripped).getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> keyIds(List<Map.Entry<String, JsonNode>> entries) {
        return entries.stream().map(Map.Entry::getKey).toList();
    }
}
