package dev.mxspec.homeserver.storage;

import java.util.List;
import java.util.Optional;

/** Server signing keys: the seed of each key of this server. */
public interface ServerKeyStore {

    Optional<String> signingSeed(String keyId);

    void saveSigningSeed(String keyId, String seed, long createdTs);

    /**
     * A signing key of this server as stored.
     *
     * @param keyId {@code ed25519:<version>}
     * @param seed the secret seed ({@link dev.mxspec.homeserver.crypto.SigningKey#encode})
     * @param expiredTs when it stopped being used, empty for a key in use
     */
    record StoredSigningKey(String keyId, String seed, long createdTs, Optional<Long> expiredTs) {

        @Override
        public String toString() {
            return "StoredSigningKey[" + keyId + "]";
        }
    }

    /** Every signing key of this server, oldest first. */
    List<StoredSigningKey> signingKeys();

    /** Marks a key as no longer used since {@code expiredTs}, unless it was marked before. */
    void expireSigningKey(String keyId, long expiredTs);
}
