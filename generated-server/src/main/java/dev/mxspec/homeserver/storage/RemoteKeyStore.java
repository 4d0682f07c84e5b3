package dev.mxspec.homeserver.storage;

import java.util.Optional;

/** Other servers' signing keys: the last signed key response fetched from each server. */
public interface RemoteKeyStore {

    /**
     * A server's key response as fetched.
     *
     * @param serverName the server that published it
     * @param keyJson the signed response of its {@code /_matrix/key/v2/server}, as JSON text
     * @param validUntilTs its {@code valid_until_ts}
     * @param fetchedTs when it was fetched
     */
    record RemoteKeys(String serverName, String keyJson, long validUntilTs, long fetchedTs) {}

    Optional<RemoteKeys> remoteKeys(String serverName);

    /** Keeps {@code keys} in place of what was kept for its server. */
    void saveRemoteKeys(RemoteKeys keys);
}
