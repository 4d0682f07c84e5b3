package dev.mxspec.homeserver.crypto;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.runtime.json.MatrixJson;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Arrays;

/**
 * A user's cross-signing keys as a client makes them (master, self-signing and user-signing Ed25519 key pairs, each
 * named after its public key) and a device's identity key, for tests: the key objects to upload, signed as clients
 * sign them.
 */
public final class CrossSigningKeys {

    /** One Ed25519 key pair: its public key (unpadded Base64) and a signer. */
    public static final class Ed25519 {
        private final KeyPair pair;
        public final String publicKey;

        private Ed25519(KeyPair pair) {
            this.pair = pair;
            byte[] encoded = pair.getPublic().getEncoded();
            this.publicKey = UnpaddedBase64.encode(Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length));
        }

        public static Ed25519 generate() {
            try {
                return new Ed25519(KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        /** {@code ed25519:<public key>}, the key ID of a cross-signing key. */
        public String keyId() {
            return "ed25519:" + publicKey;
        }

        /** A copy of {@code json} with this key's signature as {@code userId}'s key {@code keyId} added. */
        public ObjectNode sign(ObjectNode json, String userId, String keyId) {
            try {
                Signature signer = Signature.getInstance("Ed25519");
                signer.initSign(pair.getPrivate());
                signer.update(JsonSigning.signedBytes(json));
                ObjectNode signed = json.deepCopy();
                signed.withObjectProperty("signatures").withObjectProperty(userId).put(keyId, UnpaddedBase64.encode(signer.sign()));
                return signed;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        /** A copy of {@code json} signed as {@code userId}'s cross-signing key. */
        public ObjectNode sign(ObjectNode json, String userId) {
            return sign(json, userId, keyId());
        }
    }

    public final String userId;
    public final Ed25519 master = Ed25519.generate();
    public final Ed25519 selfSigning = Ed25519.generate();
    public final Ed25519 userSigning = Ed25519.generate();

    public CrossSigningKeys(String userId) {
        this.userId = userId;
    }

    /** The unsigned key object of {@code key} for {@code usage}. */
    public ObjectNode key(Ed25519 key, String usage) {
        ObjectNode out = MatrixJson.mapper().createObjectNode().put("user_id", userId);
        out.putArray("usage").add(usage);
        out.putObject("keys").put(key.keyId(), key.publicKey);
        return out;
    }

    public ObjectNode masterKey() {
        return key(master, "master");
    }

    /** The self-signing key, signed by the master key. */
    public ObjectNode selfSigningKey() {
        return master.sign(key(selfSigning, "self_signing"), userId);
    }

    /** The user-signing key, signed by the master key. */
    public ObjectNode userSigningKey() {
        return master.sign(key(userSigning, "user_signing"), userId);
    }

    /** The body of {@code /keys/device_signing/upload} with all three keys (and {@code auth} when not null). */
    public ObjectNode uploadBody(ObjectNode auth) {
        ObjectNode body = MatrixJson.mapper().createObjectNode();
        body.set("master_key", masterKey());
        body.set("self_signing_key", selfSigningKey());
        body.set("user_signing_key", userSigningKey());
        if (auth != null) {
            body.set("auth", auth);
        }
        return body;
    }

    /** A device's identity keys ({@code device_keys} of {@code /keys/upload}), signed by the device's own key {@code device}. */
    public static ObjectNode deviceKeys(String userId, String deviceId, Ed25519 device) {
        ObjectNode keys = MatrixJson.mapper().createObjectNode().put("user_id", userId).put("device_id", deviceId);
        keys.putArray("algorithms").add("m.olm.v1.curve25519-aes-sha2").add("m.megolm.v1.aes-sha2");
        keys.putObject("keys").put("curve25519:" + deviceId, "curve-" + deviceId).put("ed25519:" + deviceId, device.publicKey);
        return device.sign(keys, userId, "ed25519:" + deviceId);
    }
}
