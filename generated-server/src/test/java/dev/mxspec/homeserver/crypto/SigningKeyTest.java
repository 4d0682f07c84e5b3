package dev.mxspec.homeserver.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SigningKeyTest {

    /** The appendix's test seed; its public key was derived independently (Python's cryptography package). */
    static final String SPEC_SEED = "YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1";
    static final String SPEC_PUBLIC_KEY = "XGX0JRS2Af3be3knz2fBiRbApjm2Dh61gXDJA8kcJNI";

    static SigningKey specKey() {
        return SigningKey.fromSeed("1", UnpaddedBase64.decode(SPEC_SEED));
    }

    @Test
    void theSpecSeedGivesItsPublicKey() {
        SigningKey key = specKey();

        assertThat(key.keyId()).isEqualTo("ed25519:1");
        assertThat(key.verifyKey()).isEqualTo(new VerifyKey("ed25519:1", SPEC_PUBLIC_KEY, Long.MAX_VALUE));
    }

    /**
     * The appendix writes the seed with non-zero unused bits in its last character ({@code ...XA1}); the
     * canonical encoding of the same 32 bytes ends in {@code ...XA0}, and both decode to the same key.
     */
    @Test
    void storageTextHoldsAlgorithmVersionAndTheCanonicalSeed() {
        assertThat(specKey().encode()).isEqualTo("ed25519 1 YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA0");
        assertThat(SigningKey.decode("ed25519 1 " + SPEC_SEED).verifyKey()).isEqualTo(specKey().verifyKey());
    }

    @Test
    void decodingTheStorageTextGivesTheSameKey() {
        SigningKey generated = SigningKey.generate("a_1");

        SigningKey decoded = SigningKey.decode(generated.encode());

        assertThat(decoded.keyId()).isEqualTo("ed25519:a_1");
        assertThat(decoded.verifyKey()).isEqualTo(generated.verifyKey());
        assertThat(decoded.encode()).isEqualTo(generated.encode());
    }

    @Test
    void generatedKeysDiffer() {
        assertThat(SigningKey.generate("1").publicKeyBase64()).isNotEqualTo(SigningKey.generate("1").publicKeyBase64());
    }

    @Test
    void aSignatureVerifiesWithThePublicKeyAndNotForOtherBytes() {
        SigningKey key = SigningKey.generate("1");
        byte[] message = "hello".getBytes(StandardCharsets.UTF_8);

        byte[] signature = key.sign(message);

        assertThat(key.verifyKey().verifies(message, signature)).isTrue();
        assertThat(key.verifyKey().verifies("hellp".getBytes(StandardCharsets.UTF_8), signature)).isFalse();
    }

    @Test
    void toStringShowsTheKeyIdButNotTheSeed() {
        assertThat(specKey().toString()).isEqualTo("SigningKey[ed25519:1]");
    }

    @Test
    void refusesMalformedStorageText() {
        assertThatThrownBy(() -> SigningKey.decode("ed25519 1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expected 'ed25519 <version> <seed>'");
        assertThatThrownBy(() -> SigningKey.decode("ed25519 1 Zm9v"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("an Ed25519 seed has 32 bytes, not 3");
        assertThatThrownBy(() -> SigningKey.decode("ed25519 a:b " + SPEC_SEED))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("key version must match [A-Za-z0-9_]+: a:b");
    }
}
