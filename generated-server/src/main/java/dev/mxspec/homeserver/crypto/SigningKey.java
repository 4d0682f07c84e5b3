package dev.mxspec.homeserver.crypto;

import java.io.Serial;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.util.Arrays;
import java.util.regex.Pattern;

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
    private final PrivateKey privateKey;
    private final VerifyKey verifyKey;

    private SigningKey(String version, byte[] seed, KeyPair pair) {
        this.version = version;
        this.seed = seed;
        this.privateKey = pair.getPrivate();
        this.verifyKey = VerifyKey.of(ALGORITHM + ":" + version,
                UnpaddedBase64.encode(VerifyKey.rawBytes(pair.getPublic())));
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
        byte[] copy = seed.clone();
        KeyPair pair = derive(copy);
        return new SigningKey(version, copy, pair);
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

    /** The 64-byte Ed25519 signature of {@code message}. */
    public byte[] sign(byte[] message) {
        try {
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(privateKey);
            signer.update(message);
            return signer.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is part of every JDK since 15", e);
        }
    }

    @Override
    public String toString() {
        return "SigningKey[" + keyId() + "]";
    }

    /**
     * The JDK derives an Ed25519 public key only while generating a pair, drawing the 32 private bytes from its
     * random source: a source that yields the seed gives the pair of that seed. The result is checked.
     */
    private static KeyPair derive(byte[] seed) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
            generator.initialize(NamedParameterSpec.ED25519, new SeedSource(seed));
            KeyPair pair = generator.generateKeyPair();
            byte[] privateBytes = ((EdECPrivateKey) pair.getPrivate()).getBytes().orElseThrow();
            if (!Arrays.equals(privateBytes, seed)) {
                throw new IllegalStateException("the JDK did not derive the key from the given seed");
            }
            return pair;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is part of every JDK since 15", e);
        }
    }

    /** A random source that yields one fixed seed. */
    private static final class SeedSource extends SecureRandom {

        @Serial
        private static final long serialVersionUID = 1L;

        private final byte[] seed;

        SeedSource(byte[] seed) {
            this.seed = seed.clone();
        }

        @Override
        public void nextBytes(byte[] bytes) {
            if (bytes.length != seed.length) {
                throw new IllegalStateException("expected a request for " + seed.length + " bytes");
            }
            System.arraycopy(seed, 0, bytes, 0, seed.length);
        }
    }
}
