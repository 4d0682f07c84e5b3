package dev.mxspec.homeserver.crypto;

import java.security.SecureRandom;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * A server's Ed25519 signing key, identified as {@code ed25519:<version>}. It is kept as text in the form
 * {@code ed25519 <version> <unpadded Base64 seed>} (the layout of Synapse's signing key files), and never
 * printed: {@link #toString()} shows the key ID only.
 */
public final class SigningKey {

    /** The only signing algorithm the spec defines. */
    public static final String ALGORITHM = "ed25519";

    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9_]+");
    private static final int SEED_BYTES = 32;

    private final String version;
    private final byte[] seed;
    private final Ed25519PrivateKeyParameters privateKey;
    private final VerifyKey verifyKey;

    private SigningKey(String version, byte[] seed) {
        this.version = version;
        this.seed = seed;
        this.privateKey = new Ed25519PrivateKeyParameters(seed, 0);
        this.verifyKey = VerifyKey.of(ALGORITHM + ":" + version, UnpaddedBase64.encode(privateKey.generatePublicKey().getEncoded()));
    }

    /** A new random key. */
    public static SigningKey generate(String version) {
        byte[] seed = new byte[SEED_BYTES];
        new SecureRandom().nextBytes(seed);
        return fromSeed(version, seed);
    }

    /** The key whose 32-byte Ed25519 seed (the NaCl "secret key" seed) is {@code seed}. */
    public static SigningKey fromSeed(String version, byte[] seed) {
        if (!VERSION.matcher(version).matches()) {
            throw new IllegalArgumentException("key version must match [A-Za-z0-9_]+: " + version);
        }
        if (seed.length != SEED_BYTES) {
            throw new IllegalArgumentException("an Ed25519 seed has 32 bytes, not " + seed.length);
        }
        return new SigningKey(version, seed.clone());
    }

    /** Reads the text {@link #encode()} writes: {@code ed25519 <version> <seed>}. */
    public static SigningKey decode(String text) {
        String[] parts = text.strip().split(" ");
        if (parts.length != 3 || !parts[0].equals(ALGORITHM)) {
            throw new IllegalArgumentException("expected 'ed25519 <version> <seed>'");
        }
        return fromSeed(parts[1], UnpaddedBase64.tryDecode(parts[2])
                .orElseThrow(() -> new IllegalArgumentException("the seed is not Base64")));
    }

    /** The storage text, {@code ed25519 <version> <unpadded Base64 seed>}: a secret. */
    public String encode() {
        return ALGORITHM + " " + version + " " + UnpaddedBase64.encode(seed);
    }

    public String version() {
        return version;
    }

    /** {@code ed25519:<version>}. */
    public String keyId() {
        return verifyKey.keyId();
    }

    /** The public half, as published under {@code verify_keys}. */
    public VerifyKey verifyKey() {
        return verifyKey;
    }

    /** The public key, unpadded Base64. */
    public String publicKeyBase64() {
        return verifyKey.publicKey();
    }

    /** The 64-byte Ed25519 signature of {@code message} (BouncyCastle's, several times faster than the JDK's here). */
    public byte[] sign(byte[] message) {
        byte[] signature = new byte[Ed25519PrivateKeyParameters.SIGNATURE_SIZE];
        privateKey.sign(Ed25519.Algorithm.Ed25519, null, message, 0, message.length, signature, 0);
        return signature;
    }

    @Override
    public String toString() {
        return "SigningKey[" + keyId() + "]";
    }
}
