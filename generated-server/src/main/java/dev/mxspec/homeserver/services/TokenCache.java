package dev.mxspec.homeserver.services;

import dev.mxspec.homeserver.storage.Records.AccessToken;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Access tokens already looked up, by hash, so that a request does not read its token from
 * storage each time. Whoever deletes tokens calls {@link #forgetUser} after the deletion is
 * stored; a lookup that raced with it is not kept (a generation count tells).
 */
final class TokenCache {

    private static final int MAX = 100_000;

    private final Map<String, AccessToken> byHash = new HashMap<>();
    private long generation;

    Optional<AccessToken> get(String hash, Function<String, Optional<AccessToken>> load) {
        long seen;
        synchronized (this) {
            AccessToken cached = byHash.get(hash);
            if (cached != null) {
                return Optional.of(cached);
            }
            seen = generation;
        }
        Optional<AccessToken> loaded = load.apply(hash);
        synchronized (this) {
            if (loaded.isPresent() && generation == seen) {
                if (byHash.size() >= MAX) {
                    byHash.clear();
                }
                byHash.put(hash, loaded.get());
            }
        }
        return loaded;
    }

    synchronized void forgetUser(String userId) {
        generation++;
        byHash.values().removeIf(t -> t.userId().equals(userId));
    }
}
