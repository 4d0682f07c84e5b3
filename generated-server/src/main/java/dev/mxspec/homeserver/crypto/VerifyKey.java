package dev.mxspec.homeserver.crypto;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Optional;

/**
 * A server's public Ed25519 verification key: its key ID ({@code ed25519:<version>}), the 32-byte public key
 * in unpadded Base64, and the {@code valid_until_ts} the key was published with ({@link Long#MAX_VALUE} when
 * unknown or unbounded, as for a server's own key).
 *
 * @param keyId         {@code ed25519:} followed by the key version
 * @param publicKey     the raw public key, unpadded Base64
 * @param validUntilTs  milliseconds since the epoch until which the key may be used (room versions 5 and later)
 */
public record VerifyKey(String keyId, String publicKey, long validUntilTs) {

    /** The X.509 SubjectPublicKeyInfo prefix of every Ed25519 public key; the 32 key bytes follow it. */
    private static final byte[] X509_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

    static final int KEY_BYTES = 32;

    public VerifyKey {
        if (!keyId.startsWith(SigningKey.ALGORITHM + ":")) {
            throw new IllegalArgumentException("not an ed25519 key ID: " + keyId);
        }
        if (UnpaddedBase64.tryDecode(publicKey).map(b -> b.length != KEY_BYTES).orElse(true)) {
            throw new IllegalArgumentException("not a 32-byte unpadded Base64 Ed25519 key: " + publicKey);
        }
    }

    /** A key without a known expiry. */
    public static VerifyKey of(String keyId, String publicKey) {
        return new VerifyKey(keyId, publicKey, Long.MAX_VALUE);
    }

    /** This key, valid until {@code ts} (milliseconds since the epoch). */
    public VerifyKey validUntil(long ts) {
        return new VerifyKey(keyId, publicKey, ts);
    }

    /** Whether {@code signature} is this key's Ed25519 signature of {@code message}. */
    public boolean verifies(byte[] message, byte[] signature) {
        return javaKey().map(key -> {
            try {
                Signature verifier = Signature.getInstance("Ed25519");
                verifier.initVerify(key);
                verifier.update(message);
                return verifier.verify(signature);
            } catch (GeneralSecurityException e) {
                return false;
            }
        }).orElse(false);
    }

    private Optional<PublicKey> javaKey() {
        byte[] raw = UnpaddedBase64.decode(publicKey);
        byte[] encoded = new byte[X509_PREFIX.length + raw.length];
        System.arraycopy(X509_PREFIX, 0, encoded, 0, X509_PREFIX.length);
        System.arraycopy(raw, 0, encoded, X509_PREFIX.length, raw.length);
        try {
            return Optional.of(KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(encoded)));
        } catch (GeneralSecurityException e) {
            return Optional.empty();
        }
    }

    /** The raw 32 public key bytes of an X.509-encoded Ed25519 public key. */
    static byte[] rawBytes(PublicKey key) {
        byte[] encoded = key.getEncoded();
        byte[] raw = new byte[KEY_BYTES];
        System.arraycopy(encoded, encoded.length - KEY_BYTES, raw, 0, KEY_BYTES);
        return raw;
    }
}
