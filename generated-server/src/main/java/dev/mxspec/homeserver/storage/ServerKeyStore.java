package dev.mxspec.homeserver.storage;

import java.util.Optional;

/** Server signing keys: the seed of each key of this server. */
public interface ServerKeyStore {

    Optional<String> signingSeed(String keyId);

    void saveSigningSeed(String keyId, String seed, long createdTs);
}
